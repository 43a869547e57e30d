// Constructors of the routers with files of their own (see router.h). Internal header.
#pragma once

#include <cstdint>
#include <memory>

#include "router.h"

namespace kvsim {

std::unique_ptr<Router> NewCacheAwareRouter(size_t replicas);
std::unique_ptr<Router> NewKvAwareRouter(uint64_t block_size, size_t replicas);

// A 64-bit mix (splitmix64's finalizer): the session router's hash.
uint64_t SplitMix64(uint64_t x);

}  // namespace kvsim
