// An attention probe small enough for unit tests: 2 requests, 1 head, 2 queries, 64 tokens.
#pragma once

#include "kvsim/probe.h"

namespace kvsim::testing {

inline ProbeOptions SmallProbe() {
  ProbeOptions probe;
  probe.requests = 2;
  probe.heads = 1;
  probe.queries = 2;
  probe.max_tokens = 64;
  return probe;
}

}  // namespace kvsim::testing
