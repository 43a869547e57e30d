// `kvsim attention`: attention error of codecs at chosen context lengths, without a workload.
#include <chrono>
#include <sstream>

#include "commands.h"
#include "kvsim/attention.h"
#include "kvsim/kv_source.h"
#include "kvsim/cancel.h"
#include "kvsim/error.h"
#include "kvsim/rng.h"
#include "kvsim/kernels.h"
#include "kvsim/output_files.h"
#include "kvsim/version.h"
#include "kvsim/strategy.h"
#include "report/text_table.h"
#include "run_args.h"

namespace kvsim::cli {
namespace {

struct AttentionArgs {
  std::vector<std::string> codecs;
  std::vector<int64_t> contexts = {512, 4096, 32768};
  int64_t heads = 8, queries = 32, head_dim = 128, kv_heads = 8, seed = 42;
  std::string kv_dump, json, kernels;
};


void CheckArgs(const AttentionArgs& a) {
  if (a.heads < 1 || a.heads > 4096 || a.queries < 1 || a.queries > 4096) {
    throw Error("--heads and --queries must be in 1..4096");
  }
  for (int64_t c : a.contexts) {
    if (c < 1 || c > (int64_t{1} << 22)) throw Error("--context values must be in 1..4194304");
  }
  if (a.head_dim < 1 || a.head_dim > 1024) throw Error("--head-dim must be in 1..1024");
  if (a.kv_heads < 1 || a.kv_heads > 4096) throw Error("--kv-heads must be in 1..4096");
  if (a.seed < 0) throw Error("--seed must be a non-negative integer");
}

// Every head's case of one context is held at once: refuse what would not fit.
void CheckMemory(const AttentionArgs& a, const KvSource& source) {
  for (int64_t c : a.contexts) {
    const uint64_t n = std::min<uint64_t>(static_cast<uint64_t>(c), source.max_tokens());
    const uint64_t need = static_cast<uint64_t>(a.heads) *
                          AttentionCaseBytes(n, source.head_dim(), static_cast<uint64_t>(a.queries));
    if (need > kMaxAttentionBytes) {
      throw Error("--context " + std::to_string(c) + " with " + std::to_string(a.heads) +
                  " heads and " + std::to_string(a.queries) + " queries would need " +
                  std::to_string(need >> 20) + " MiB (limit " +
                  std::to_string(kMaxAttentionBytes >> 20) +
                  " MiB); lower --context, --heads or --queries");
    }
  }
}

// Bits per K/V channel from bytes actually written for a context of n tokens (two-tier and
// kivi mix their tiers).
double BitsPerChannel(const KvCodec& codec, size_t n, uint32_t d) {
  const size_t hot = n - codec.HotFrom(n);
  auto group_bytes = [&](const GroupCodec& c) {
    std::vector<float> x(c.tokens_per_group() * d, 0.5f);
    std::vector<uint8_t> out(c.max_group_bytes());
    return double(c.EncodeGroup(x.data(), out.data())) / double(c.tokens_per_group());
  };
  auto bytes = [&](Tier tier) {
    return group_bytes(codec.keys(tier)) + group_bytes(codec.values(tier));
  };
  return (bytes(Tier::kHot) * double(hot) + bytes(Tier::kCold) * double(n - hot)) * 8 /
         (2.0 * d * double(n));
}

struct Cases {
  std::vector<AttentionCase> cases;
  std::vector<ExactAttention> exact;
};

Cases MakeCases(const AttentionArgs& a, const KvSource& source, size_t n, Rng& rng) {
  std::vector<Token> tokens(n);
  for (auto& tok : tokens) tok = static_cast<Token>(rng.Next() & 0x7fffffff);
  Cases out;
  for (int64_t h = 0; h < a.heads; ++h) {
    ThrowIfStopped();
    out.cases.push_back(source.Case(tokens, static_cast<uint32_t>(h / source.kv_heads()),
                                    static_cast<uint32_t>(h % source.kv_heads()),
                                    static_cast<size_t>(a.queries), rng.Next()));
    out.exact.push_back(ComputeExact(out.cases.back()));
  }
  return out;
}

// One codec on every head's case: its summary and the seconds it took.
AttentionSummary Evaluate(KvCodec& codec, Cases& c, const std::string& source, double* seconds) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<AttentionSample> samples;
  for (size_t h = 0; h < c.cases.size(); ++h) {
    ThrowIfStopped();
    AttentionCase& x = c.cases[h];
    x.hot_from = codec.HotFrom(x.n);
    codec.Calibrate(x.keys.data(), x.values.data(), x.n);
    EvaluateCase(x, c.exact[h], codec, &samples);
  }
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const size_t n = c.cases.empty() ? 0 : c.cases.front().n;
  return Summarize(samples, source, c.cases.size(), n * c.cases.size());
}

void Attention(const AttentionArgs& a) {
  OutputFiles files(KvDumpFiles(a.kv_dump));
  files.Declare("--json", a.json);
  if (!a.kernels.empty()) ForceKernels(a.kernels);
  std::vector<std::string> specs = a.codecs.empty()
      ? std::vector<std::string>{"fp16", "fp8", "fp8:format=e5m2", "q8", "q4", "nvfp4", "two-tier",
                                 "turboquant:key_bits=3,value_bits=3", "turboquant",
                                 "turboquant:key_mode=mse", "kivi", "kivi:bits=4"}
      : SplitSpecItems(a.codecs);
  CheckArgs(a);
  std::unique_ptr<KvSource> source =
      a.kv_dump.empty() ? NewSyntheticKv(static_cast<uint32_t>(a.head_dim),
                                         static_cast<uint32_t>(a.kv_heads), static_cast<uint64_t>(a.seed))
                        : LoadKvDump(a.kv_dump);
  const uint32_t d = source->head_dim();
  CheckMemory(a, *source);
  std::vector<std::unique_ptr<KvCodec>> codecs;
  for (const auto& spec : specs) {
    const CodecSpec c = ParseCodecSpec(spec);
    codecs.push_back(MakeCodec(c.name, c.options, d, static_cast<uint64_t>(a.seed)));
  }
  nlohmann::ordered_json doc;
  doc["kvsim"] = {{"version", KvsimVersion()}, {"kernels", ActiveKernels().name}};
  doc["seed"] = a.seed;
  doc["source"] = source->name();
  doc["head_dim"] = d;
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  TextTable t({"codec", "context", "bits/ch", "rel-L2 mean", "p99", "cosine min", "top-8", "KL",
               "score RMSE", "entropy", "seconds"});
  Rng rng(static_cast<uint64_t>(a.seed));
  for (int64_t ctx : a.contexts) {
    const size_t n = std::min<size_t>(static_cast<size_t>(ctx), source->max_tokens());
    Cases cases = MakeCases(a, *source, n, rng);
    for (size_t ci = 0; ci < codecs.size(); ++ci) {
      double secs = 0;
      const AttentionSummary s = Evaluate(*codecs[ci], cases, source->name(), &secs);
      const double bits = BitsPerChannel(*codecs[ci], n, d);
      t.Add({specs[ci], std::to_string(n), Fixed(bits, 2), Fixed(s.rel_l2_mean, 5),
             Fixed(s.rel_l2_p99, 5), Fixed(s.cosine_min, 5), Percent(s.top8_mean, 1),
             Fixed(s.kl_mean, 6), Fixed(s.score_rmse_mean, 4), Fixed(s.entropy_mean, 2),
             Fixed(secs, 2)});
      nlohmann::ordered_json row = s.ToJson();
      row["codec"] = specs[ci];
      row["context"] = n;
      row["bits_per_channel"] = bits;
      results.push_back(row);
    }
  }
  doc["results"] = results;
  if (!a.json.empty()) files.Set(a.json, doc.dump(2) + "\n");
  std::ostringstream out;
  out << source->name() << " KV, d = " << d << ", " << a.heads << " heads x " << a.queries
      << " queries per context, kernels " << ActiveKernels().name << "\n\n";
  t.Print(out);
  out << "\nrel-L2: ||o~ - o|| / ||o|| of the attention output. top-8: share of the 8 largest "
         "exact weights among the\n8 largest estimated. KL: KL(p || p~) of the weights. "
         "entropy: of the exact weights, in nats.\n";
  files.Print(out.str());
  files.Commit();
}

}  // namespace

void AddAttentionCommand(CLI::App& app) {
  auto a = std::make_shared<AttentionArgs>();
  auto* cmd = app.add_subcommand("attention", "Attention error of codecs by context length");
  cmd->add_option("--codec", a->codecs, "Codecs, comma-separated: CODEC[:k=v,...]");
  cmd->add_option("--context", a->contexts, "Context lengths, comma-separated")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--heads", a->heads, "Heads per context")->capture_default_str();
  cmd->add_option("--queries", a->queries, "Queries per head")->capture_default_str();
  cmd->add_option("--head-dim", a->head_dim, "Synthetic KV: head dimension")->capture_default_str();
  cmd->add_option("--kv-heads", a->kv_heads, "Synthetic KV: KV heads")->capture_default_str();
  cmd->add_option("--seed", a->seed, "Seed")->capture_default_str();
  cmd->add_option("--kv-dump", a->kv_dump, "Directory with keys.npy, values.npy, queries.npy");
  cmd->add_option("--json", a->json, "Also write the results as JSON (- for standard output)");
  cmd->add_option("--kernels", a->kernels, "Force a kernel set: scalar, sse4, avx2, avx512, avx512icl");
  cmd->footer(
      "Examples:\n"
      "  kvsim attention\n"
      "  kvsim attention --codec q8,q4,turboquant:key_bits=3,value_bits=3 --context 512,4096,32768\n"
      "  kvsim attention --kv-dump dump/ --context 1024");
  cmd->callback([a] { Attention(*a); });
}

}  // namespace kvsim::cli
