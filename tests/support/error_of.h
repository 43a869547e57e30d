// The message of the kvsim::Error a call throws, or "(no error)": for tests of error messages.
#pragma once

#include <functional>
#include <string>

#include "kvsim/error.h"

namespace kvsim::testing {

inline std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace kvsim::testing
