// The options of the serving model, shared by `kvsim serve` and `kvsim plan`: the GPU, the
// scheduler's limits, admission, exact rates and the arrival speed-up.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "kvsim/run_document.h"
#include "kvsim/serve.h"
#include "run_args.h"

namespace kvsim::cli {

struct ServeModelArgs {
  std::string gpu = "h100", admission = "reserve", tier_overlap = "layer";
  int64_t tp = 1;
  std::optional<int64_t> max_num_seqs, max_batched_tokens;
  std::optional<double> decode_tps;
  double speedup = 1;
};

// Registers --decode-tps, --gpu, --tp, --max-num-seqs, --max-batched-tokens, --speedup and
// --admission, and describes run's --prefill-tps as serving's exact prefill rate.
void AddServeModelOptions(CLI::App* cmd, ServeModelArgs* args);

// Checks the options (errors name them) and fills in vLLM's defaults. --prefill-tps is run's.
ServeOptions MakeServeOptions(const ServeModelArgs& a, const RunArgs& run);

// What makes two serve documents comparable.
ServeSettings SettingsOf(const ServeOptions& s);

}  // namespace kvsim::cli
