// `kvsim codecs`: the codecs, their options, and with --measure their bytes and errors.
#include <iostream>

#include "commands.h"
#include "kvsim/codec_measure.h"
#include "kvsim/error.h"
#include "kvsim/kernels.h"
#include "kvsim/strategy.h"
#include "report/text_table.h"

namespace kvsim::cli {
namespace {

struct CodecsArgs {
  bool measure = false;
  std::vector<std::string> codecs;
  int64_t head_dim = 128;
  int64_t samples = 2000;
  int64_t seed = 42;
  std::string kernels;
};


void Codecs(const CodecsArgs& a) {
  if (!a.kernels.empty()) ForceKernels(a.kernels);
  if (!a.measure) {
    for (const auto& e : CodecEntries()) {
      std::cout << e.name << "\n    " << e.summary << "\n";
      for (const auto& o : e.options) {
        std::cout << "    " << o.name << "=" << o.DefaultText() << "  (" << o.RangeText() << ") "
                  << o.help << "\n";
      }
    }
    std::cout << "\nRun `kvsim codecs --measure` for bytes and errors on random vectors.\n";
    return;
  }
  if (a.head_dim < 8 || a.head_dim > 1024) throw Error("--head-dim must be in 8..1024");
  if (a.samples < 10 || a.samples > 10000000) throw Error("--samples must be in 10..10000000");
  const auto specs = a.codecs.empty() ? DefaultCodecSpecs() : SplitSpecItems(a.codecs);
  const auto rows = MeasureCodecs(specs, static_cast<uint32_t>(a.head_dim),
                                  static_cast<uint64_t>(a.seed), static_cast<size_t>(a.samples));
  std::cout << "random unit vectors, d = " << a.head_dim << ", " << a.samples
            << " samples, kernels " << ActiveKernels().name << "\n\n";
  TextTable t({"codec", "tier", "K bytes", "V bytes", "bits/ch", "vs fp16", "K rel MSE",
               "V rel MSE", "score RMSE", "score slope"});
  for (const auto& m : rows) {
    t.Add({m.spec, m.tier, std::to_string(m.key_bytes), std::to_string(m.value_bytes),
           Fixed(m.bits_per_channel, 3), Fixed(16.0 / m.bits_per_channel, 2) + "x",
           Fixed(m.key_rel_mse, 5), Fixed(m.value_rel_mse, 5), Fixed(m.score_rmse, 4),
           Fixed(m.score_slope, 4)});
  }
  t.Print(std::cout);
  std::cout << "\nrel MSE: E||x - x~||^2 / ||x||^2. score RMSE: of <q, k~> - <q, k> for unit q, k,"
               " times sqrt(d).\nscore slope: the error regressed on <q, k>; 0 means unbiased, "
               "negative means inner products shrink.\n";
}

}  // namespace

void AddCodecsCommand(CLI::App& app) {
  auto a = std::make_shared<CodecsArgs>();
  auto* cmd = app.add_subcommand("codecs", "List codecs; with --measure, their bytes and errors");
  cmd->add_flag("--measure", a->measure, "Encode random unit vectors and report bytes and errors");
  cmd->add_option("--codec", a->codecs, "Codecs to measure, comma-separated: CODEC[:k=v,...]");
  cmd->add_option("--head-dim", a->head_dim, "Vector dimension")->capture_default_str();
  cmd->add_option("--samples", a->samples, "Random vectors per measurement")->capture_default_str();
  cmd->add_option("--seed", a->seed, "Seed of vectors, rotations and QJL")->capture_default_str();
  cmd->add_option("--kernels", a->kernels, "Force a kernel set: scalar, sse4, avx2, avx512, avx512icl");
  cmd->footer(
      "Examples:\n"
      "  kvsim codecs\n"
      "  kvsim codecs --measure\n"
      "  kvsim codecs --measure --codec q4:group_size=64,turboquant:key_bits=3,value_bits=3");
  cmd->callback([a] { Codecs(*a); });
}

}  // namespace kvsim::cli
