// --tier values (see kvsim/memory_tiers.h).
#include <cmath>
#include <cstdlib>

#include "kvsim/error.h"
#include "kvsim/memory_tiers.h"
#include "kvsim/strategy.h"

namespace kvsim {
namespace {

// "2x", "0.5x": a positive multiple of the GPU budget.
std::optional<double> ParseTimes(const std::string& s, const std::string& ctx) {
  if (s.size() < 2 || s.back() != 'x') return std::nullopt;
  const std::string num = s.substr(0, s.size() - 1);
  char* end = nullptr;
  const double v = std::strtod(num.c_str(), &end);
  if (end != num.c_str() + num.size() || !std::isfinite(v) || v <= 0 || v > 1e6) {
    throw Error(ctx + ": '" + s + "' is not a multiple of the GPU budget such as 2x or 0.5x");
  }
  return v;
}

double ParseBandwidth(const std::string& v, const std::string& ctx) {
  char* end = nullptr;
  const double bw = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size() || !std::isfinite(bw) || bw <= 0 || bw > 1e6) {
    throw Error(ctx + ": bw must be a positive number of GB/s (at most 1e6), got '" + v + "'");
  }
  return bw;
}

// Applies one k=v part other than codec=.
void SetKey(const std::string& part, const std::string& ctx, TierSpec* t) {
  const size_t eq = part.find('=');
  const std::string key = part.substr(0, eq), value = eq == std::string::npos ? "" : part.substr(eq + 1);
  if (eq == std::string::npos) {
    throw Error(ctx + ": '" + part + "' is not k=v (keys: bw, mode, codec)");
  } else if (key == "bw") {
    t->bandwidth_gbps = ParseBandwidth(value, ctx);
  } else if (key == "mode" && (value == "inclusive" || value == "exclusive")) {
    t->exclusive = value == "exclusive";
  } else if (key == "mode") {
    throw Error(ctx + ": mode must be inclusive or exclusive, got '" + value + "'");
  } else {
    throw Error(ctx + ": unknown key '" + key + "' (keys: bw, mode, codec)");
  }
}

}  // namespace

TierSpec ParseTierSpec(const std::string& text) {
  const std::string ctx = "--tier '" + text + "'";
  TierSpec t;
  t.text = text;
  const size_t colon = text.find(':');
  t.name = text.substr(0, colon);
  if (t.name != "host" && t.name != "disk") {
    throw Error(ctx + ": the tier must be host or disk, as in host:64GiB or disk:1TB:bw=5");
  }
  t.bandwidth_gbps = t.name == "host" ? kHostBandwidthGBps : kDiskBandwidthGBps;
  if (colon == std::string::npos) throw Error(ctx + ": a size is missing, as in " + t.name + ":64GiB");
  std::string rest = text.substr(colon + 1);
  const size_t codec = rest.find(":codec=");
  if (codec != std::string::npos) {
    const CodecSpec c = ParseCodecSpec(rest.substr(codec + 7), ctx);
    t.codec = c.name;
    t.codec_options = c.options;
    rest.resize(codec);
  }
  size_t at = rest.find(':');
  const std::string size = rest.substr(0, at);
  t.times = ParseTimes(size, ctx);
  if (size == "0") {  // an empty tier: every figure as without it
    t.size = {BudgetSpec::Kind::kTokens, "0", 0};
  } else if (!t.times) {
    try {
      t.size = ParseBudget(size);
    } catch (const Error& e) {
      throw Error(ctx + ": " + e.what());
    }
  }
  while (at != std::string::npos) {
    const size_t next = rest.find(':', at + 1);
    SetKey(rest.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1), ctx,
           &t);
    at = next;
  }
  return t;
}

std::vector<TierSpec> ParseTierSpecs(const std::vector<std::string>& args) {
  std::vector<TierSpec> tiers;
  for (const std::string& a : args) {
    tiers.push_back(ParseTierSpec(a));
    for (size_t i = 0; i + 1 < tiers.size(); ++i) {
      if (tiers[i].name == tiers.back().name) {
        throw Error("--tier: " + tiers.back().name + " is given twice ('" + tiers[i].text +
                    "' and '" + a + "')");
      }
    }
  }
  return tiers;
}

}  // namespace kvsim
