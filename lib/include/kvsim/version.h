// kvsim's version, as `kvsim --version` and every report print it.
#pragma once

#include <string>

namespace kvsim {

std::string KvsimVersion();

}  // namespace kvsim
