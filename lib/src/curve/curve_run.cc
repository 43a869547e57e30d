// `kvsim curve`: one pass per block size feeds every strategy's curve (see kvsim/curve_run.h).
#include "kvsim/curve_run.h"

#include <cmath>
#include <map>
#include <memory>

#include "curve/curve_builder.h"
#include "curve/stack_pass.h"
#include "curve/stack_row.h"
#include "kvsim/cancel.h"
#include "kvsim/error.h"

namespace kvsim {
namespace {

// The passes of one block size: exact and/or sampled, each with its histogram.
struct PassGroup {
  std::unique_ptr<StackPass> exact, sampled;
  CurveBuilder exact_curve, sampled_curve;
};

struct CurveRow {
  const Strategy* strategy;
  TokenCost cost;
  PassGroup* group;
  std::unique_ptr<StackRow> row;  // the unbounded row, from the exact pass
};

std::vector<CurveRow> MakeCurveRows(const std::vector<Strategy>& strategies,
                                    const RunOptions& options, const CurveOptions& curve,
                                    bool by_session, std::map<uint64_t, PassGroup>* groups) {
  CodecSet own(options.model.head_dim, options.seed);
  CodecSet& codecs = options.codecs != nullptr ? *options.codecs : own;
  std::vector<CurveRow> rows;
  for (const Strategy& s : strategies) {
    const TokenCost cost = codecs.Cost(s.codec, s.codec_options, options.model);
    if (auto why = CurveRefusal(s, cost)) throw Error(*why);
    const uint64_t b = BlockSizeOf(s);
    PassGroup& g = (*groups)[b];
    if (!g.exact && (curve.sample >= 1 || curve.check_sample)) {
      g.exact = std::make_unique<StackPass>(b, options.cache_output);
    }
    if (!g.sampled && curve.sample < 1) {
      g.sampled = std::make_unique<StackPass>(b, options.cache_output, curve.sample);
    }
    CurveRow r{&s, cost, &g, nullptr};
    if (g.exact) {
      r.row = std::make_unique<StackRow>(s, BudgetSpec::Unbounded(), Budget{}, cost, options,
                                         by_session);
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

// A sampled row without an exact pass: requests and prompt tokens counted, hits estimated.
RowResult EstimatedRow(const CurveRow& r, const Curve& curve, uint64_t requests,
                       uint64_t prompt_tokens, uint64_t fp16_bytes_per_token) {
  RowResult row;
  row.strategy = *r.strategy;
  row.budget_spec = BudgetSpec::Unbounded();
  row.cost = r.cost;
  row.requests = requests;
  row.prompt_tokens = prompt_tokens;
  if (!curve.points.empty()) {
    row.hit_tokens = curve.points.back().hit_tokens;
    row.hit_requests = curve.points.back().hit_requests;
  }
  const double blocks = double(r.group->sampled->blocks()) / curve.sample;
  row.peak_tokens = static_cast<uint64_t>(std::llround(blocks)) * curve.block_size;
  row.peak_bytes = row.peak_tokens * r.cost.hot_bytes;
  row.compression_ratio = double(fp16_bytes_per_token) / double(r.cost.hot_bytes);
  row.bits_per_channel = 16.0 / row.compression_ratio;
  return row;
}

}  // namespace

RunResult ComputeCurves(const Workload& workload, const std::vector<Strategy>& strategies,
                        const RunOptions& options, const CurveOptions& curve) {
  const bool by_session = !workload.info().session_names.empty();
  std::map<uint64_t, PassGroup> groups;
  std::vector<CurveRow> rows = MakeCurveRows(strategies, options, curve, by_session, &groups);
  RunResult run;
  run.working_set_tokens = options.working_set_tokens
                               ? *options.working_set_tokens
                               : WorkingSetTokens(workload, options.cache_output);
  auto stream = workload.Open();
  const uint64_t total = workload.info().requests;
  uint64_t requests = 0, prompt_tokens = 0;
  while (const Request* r = stream->Next()) {
    if ((requests & 255) == 0) ThrowIfStopped();
    for (auto& [b, g] : groups) {
      if (g.exact) {
        const BlockDistances& d = g.exact->Step(*r);
        g.exact_curve.Add(d);
        for (CurveRow& row : rows) {
          if (row.group == &g) row.row->Step(*r, d);
        }
      }
      if (g.sampled) g.sampled_curve.Add(g.sampled->Step(*r));
    }
    ++requests;
    prompt_tokens += r->prompt_len;
    if (options.progress && (requests & 1023) == 0) options.progress(requests, total);
  }
  if (options.progress) options.progress(requests, total);
  const uint64_t fp16 = options.model.fp16_bytes_per_token();
  for (CurveRow& r : rows) {
    PassGroup& g = *r.group;
    const uint64_t b = BlockSizeOf(*r.strategy);
    Curve exact{b, 1, 0, {}, std::nullopt};
    if (g.exact) exact.points = g.exact_curve.Points(b, r.cost.hot_bytes, 1, prompt_tokens, requests);
    Curve out = exact;
    if (g.sampled) {
      out = Curve{b, curve.sample, 0, {}, std::nullopt};
      out.points = g.sampled_curve.Points(b, r.cost.hot_bytes, curve.sample, prompt_tokens, requests);
      if (g.exact) out.error = CompareCurves(out, exact);
    }
    out.change_points = out.points.size();
    RowResult row = r.row ? r.row->Finish() : EstimatedRow(r, out, requests, prompt_tokens, fp16);
    out.points = ThinPoints(out.points, curve.points);
    row.curve = std::move(out);
    row.point = run.rows.size();
    run.rows.push_back(std::move(row));
  }
  return run;
}

}  // namespace kvsim
