// Fuzz target for strategy strings (--strategy): INDEX[:k=v,...][+CODEC[:k=v,...]], presets,
// lists. The input is the option's text. Every strategy that parses must build its codec
// (head_dim 32) and its index; the codec must encode within max_encoded_bytes and decode to
// finite values, and the index must serve a request with hit <= len(prompt) - 1. Anything
// that cannot be built must have been refused with kvsim::Error.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "kvsim/codec.h"
#include "kvsim/error.h"
#include "kvsim/index.h"
#include "kvsim/strategy.h"
#include "kvsim/workload.h"

namespace {

void Exercise(const kvsim::Strategy& s) {
  constexpr uint32_t kDim = 32;  // small: codec set-up (rotations, QJL matrix) stays cheap per input
  const auto codec = kvsim::MakeCodec(s.codec, s.codec_options, kDim, 1);
  std::vector<float> x(kDim), y(kDim);
  for (uint32_t i = 0; i < kDim; ++i) x[i] = std::sin(0.37f * static_cast<float>(i + 1));
  for (const kvsim::Tier tier : {kvsim::Tier::kHot, kvsim::Tier::kCold}) {
    for (const kvsim::GroupCodec* vc : {&codec->keys(tier), &codec->values(tier)}) {
      if (vc->dim() != kDim) std::abort();
      std::vector<float> group;
      for (size_t t = 0; t < vc->tokens_per_group(); ++t) group.insert(group.end(), x.begin(), x.end());
      y.resize(group.size());
      std::vector<uint8_t> code(vc->max_group_bytes() + 64, 0xAB);
      const size_t n = vc->EncodeGroup(group.data(), code.data());
      if (n == 0 || n > vc->max_group_bytes()) std::abort();
      for (size_t i = vc->max_group_bytes(); i < code.size(); ++i) {
        if (code[i] != 0xAB) std::abort();  // wrote past what it declared
      }
      vc->DecodeGroup(code.data(), y.data());
      for (float v : y) {
        if (!std::isfinite(v)) std::abort();
      }
    }
  }
  kvsim::OwnedRequest r;
  r.prompt = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  r.output = {10, 11};
  const auto workload = kvsim::MakeWorkload({r, r}, "fuzz");
  kvsim::Ledger ledger(kvsim::Budget{100, std::nullopt}, kvsim::TokenCost{1, 1, codec->hot_rule()});
  const auto index =
      kvsim::MakeIndex(s.index, s.index_options, &ledger, kvsim::IndexContext{workload.get(), true});
  auto stream = workload->Open();
  kvsim::Tick now = 0;
  while (const kvsim::Request* req = stream->Next()) {
    const uint64_t hit = index->Match(*req, now);
    if (hit + 1 > req->prompt_len) std::abort();
    index->Insert(*req, req->tokens, now);
    while (ledger.OverBudget() && index->EvictOne()) {
    }
    ++now;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::vector<kvsim::Strategy> strategies;
  try {
    strategies = kvsim::ParseStrategyList({std::string(reinterpret_cast<const char*>(data), size)});
  } catch (const kvsim::Error&) {
    return 0;
  }
  for (const auto& s : strategies) {
    try {
      Exercise(s);
    } catch (const kvsim::Error&) {
      // Options may be refused when the codec meets the head dimension (group_size=48 at 64).
    }
  }
  return 0;
}
