// The attention probe (see kvsim/probe.h). Requests are sampled with Floyd's algorithm from the
// run's seed, their prompts collected in one more pass over the stream, and each sampled
// (request, layer, kv head) case is built once; its exact attention is computed once and
// compared with every lossy strategy's encoding of it.
#include "kvsim/probe.h"

#include "kvsim/cancel.h"

#include <map>
#include <set>

#include "kvsim/attention.h"
#include "kvsim/kv_source.h"
#include "kvsim/codec.h"
#include "kvsim/rng.h"

namespace kvsim {

void ProbeAttention(const Workload& workload, const ProbeOptions& probe, const RunOptions& options,
                    RunResult* run) {
  if (probe.requests == 0 || probe.heads == 0 || probe.queries == 0) return;
  std::unique_ptr<KvSource> source = probe.kv_dump.empty()
                                         ? NewSyntheticKv(options.model.head_dim,
                                                          options.model.kv_heads, options.seed)
                                         : LoadKvDump(probe.kv_dump);
  const uint32_t d = source->head_dim();

  // One codec per distinct lossy codec configuration: the probe depends on how tokens are
  // stored, not on the index or the budget. The run's own codecs when the dimensions agree (a
  // .npy dump may have another head_dim than the model profile).
  struct Target {
    KvCodec* codec = nullptr;
    std::vector<AttentionSample> samples;
    std::vector<size_t> rows;
  };
  CodecSet own(d, options.seed);
  CodecSet& codecs = options.codecs != nullptr && options.codecs->head_dim() == d ? *options.codecs : own;
  std::map<std::string, Target> targets;
  for (size_t i = 0; i < run->rows.size(); ++i) {
    const Strategy& s = run->rows[i].strategy;
    KvCodec& codec = codecs.Get(s.codec, s.codec_options);
    if (codec.lossless()) continue;
    Target& t = targets[s.codec + ":" + s.codec_options.ToString()];
    t.codec = &codec;
    t.rows.push_back(i);
  }
  if (targets.empty()) return;

  // Sample request indices (Floyd), then collect their prompts.
  const uint64_t total = workload.info().requests;
  const uint64_t want = std::min<uint64_t>(probe.requests, total);
  Rng rng(options.seed ^ 0x9b0be5u);
  std::set<uint64_t> picked;
  for (uint64_t j = total - want; j < total; ++j) {
    const uint64_t t = rng.Next() % (j + 1);
    if (!picked.insert(t).second) picked.insert(j);
  }
  std::vector<std::vector<Token>> contexts;
  auto stream = workload.Open();
  uint64_t index = 0;
  while (const Request* r = stream->Next()) {
    if (picked.count(index++)) {
      const TokenSpan p = r->prompt();
      const size_t n = std::min({p.size(), probe.max_tokens, source->max_tokens()});
      contexts.emplace_back(p.begin(), p.begin() + static_cast<long>(n));
    }
  }

  uint64_t cases = 0, tokens = 0;
  for (size_t ci = 0; ci < contexts.size(); ++ci) {
    const auto& ctx = contexts[ci];
    if (ctx.empty()) continue;
    for (size_t h = 0; h < probe.heads; ++h) {
      ThrowIfStopped();
      const uint32_t layer = static_cast<uint32_t>(rng.Next() % options.model.layers);
      const uint32_t kv_head = static_cast<uint32_t>(rng.Next() % source->kv_heads());
      AttentionCase c = source->Case(ctx, layer, kv_head, probe.queries, rng.Next());
      const ExactAttention exact = ComputeExact(c);
      ++cases;
      tokens += c.n;
      for (auto& [name, t] : targets) {
        c.hot_from = t.codec->HotFrom(c.n);
        t.codec->Calibrate(c.keys.data(), c.values.data(), c.n);
        EvaluateCase(c, exact, *t.codec, &t.samples);
      }
    }
  }
  if (cases == 0) return;  // nothing to probe (empty prompts): no attention figures at all
  for (auto& [name, t] : targets) {
    const AttentionSummary s = Summarize(t.samples, source->name(), cases, tokens);
    for (size_t i : t.rows) run->rows[i].attention = s;
  }
}

}  // namespace kvsim
