// The chat workload generator (see kvsim/generator.h).
#include "kvsim/generator.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "kvsim/cancel.h"
#include "kvsim/error.h"

namespace kvsim {
namespace {

uint64_t SplitMix(uint64_t* x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

bool ParseNumber(const std::string& s, double* out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(*out);
}

std::vector<double> ReadCsvColumn(const std::string& path, const std::string& column,
                                  const std::string& option) {
  std::ifstream in(path);
  if (!in) throw Error(option + ": cannot open CSV file '" + path + "'");
  std::string line;
  if (!std::getline(in, line)) throw Error(option + ": '" + path + "' is empty");
  std::vector<std::string> header;
  std::stringstream hs(line);
  for (std::string cell; std::getline(hs, cell, ',');) {
    while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
    header.push_back(cell);
  }
  size_t col = header.size();
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == column) col = i;
  }
  if (col == header.size()) {
    std::string known;
    for (const auto& h : header) known += (known.empty() ? "" : ", ") + h;
    throw Error(option + ": '" + path + "' has no column '" + column + "' (columns: " + known + ")");
  }
  std::vector<double> values;
  uint64_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \r") == std::string::npos) continue;
    std::stringstream ls(line);
    std::string cell;
    for (size_t i = 0; i <= col && std::getline(ls, cell, ','); ++i) {
    }
    while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
    double v;
    if (!ParseNumber(cell, &v) || v < 0) {
      throw Error(path + ":" + std::to_string(line_no) + ": column '" + column +
                  "': expected a non-negative number, got '" + cell + "'");
    }
    values.push_back(v);
  }
  if (values.empty()) throw Error(option + ": '" + path + "' has no data rows");
  return values;
}

}  // namespace

Rng::Rng(uint64_t seed) {
  uint64_t x = seed;
  for (auto& s : s_) s = SplitMix(&x);
}

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

double Rng::Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

double Rng::Normal() {
  const double u1 = 1.0 - Uniform();  // (0, 1]
  const double u2 = Uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

Distribution1D Distribution1D::Parse(const std::string& spec, const std::string& option,
                                     double min) {
  Distribution1D d;
  d.spec_ = spec;
  const size_t colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  const std::string args = colon == std::string::npos ? "" : spec.substr(colon + 1);
  const std::string bad = option + " '" + spec + "': ";
  auto two = [&](const std::string& sep, double* a, double* b) {
    const size_t p = args.find(sep);
    return p != std::string::npos && ParseNumber(args.substr(0, p), a) &&
           ParseNumber(args.substr(p + sep.size()), b);
  };
  if (kind == "fixed") {
    d.kind_ = Kind::kFixed;
    if (!ParseNumber(args, &d.a_) || d.a_ < min) {
      throw Error(bad + "expected fixed:V with V >= " + Number(min));
    }
  } else if (kind == "uniform") {
    d.kind_ = Kind::kUniform;
    if (!two("..", &d.a_, &d.b_) || d.a_ < min || d.b_ < d.a_) {
      throw Error(bad + "expected uniform:A..B with " + Number(min) + " <= A <= B");
    }
  } else if (kind == "lognormal") {
    d.kind_ = Kind::kLognormal;
    if (!two(",", &d.a_, &d.b_) || d.a_ <= 0 || d.b_ < 0 || d.b_ > 5) {
      throw Error(bad + "expected lognormal:MEAN,SIGMA with MEAN > 0 and 0 <= SIGMA <= 5");
    }
  } else if (kind == "exponential") {
    d.kind_ = Kind::kExponential;
    if (!ParseNumber(args, &d.a_) || d.a_ < 0) throw Error(bad + "expected exponential:MEAN >= 0");
  } else if (kind == "geometric") {
    d.kind_ = Kind::kGeometric;
    if (!ParseNumber(args, &d.a_) || d.a_ < 1) throw Error(bad + "expected geometric:MEAN >= 1");
  } else if (kind == "csv") {
    d.kind_ = Kind::kCsv;
    const size_t p = args.rfind(':');
    if (p == std::string::npos || p == 0 || p + 1 == args.size()) {
      throw Error(bad + "expected csv:PATH:COLUMN");
    }
    d.samples_ = ReadCsvColumn(args.substr(0, p), args.substr(p + 1), option);
  } else {
    throw Error(bad + "expected fixed:V, uniform:A..B, lognormal:MEAN,SIGMA, exponential:MEAN, "
                      "geometric:MEAN or csv:PATH:COLUMN");
  }
  const double limit = 1e9;
  if (d.Mean() > limit) throw Error(bad + "absurdly large (mean above 1e9)");
  return d;
}

double Distribution1D::Sample(Rng& rng) const {
  switch (kind_) {
    case Kind::kFixed: return a_;
    case Kind::kUniform: return std::floor(a_ + rng.Uniform() * (b_ - a_ + 1));
    case Kind::kLognormal: return a_ * std::exp(b_ * rng.Normal() - 0.5 * b_ * b_);
    case Kind::kExponential: return -a_ * std::log(1.0 - rng.Uniform());
    case Kind::kGeometric: {
      if (a_ == 1) return 1;
      const double p = 1.0 / a_;
      return 1 + std::floor(std::log(1.0 - rng.Uniform()) / std::log(1.0 - p));
    }
    case Kind::kCsv: return samples_[rng.Next() % samples_.size()];
  }
  return 0;
}

double Distribution1D::Mean() const {
  switch (kind_) {
    case Kind::kFixed: return a_;
    case Kind::kUniform: return (a_ + b_) / 2;
    case Kind::kLognormal:
    case Kind::kExponential:
    case Kind::kGeometric: return a_;
    case Kind::kCsv: {
      double s = 0;
      for (double v : samples_) s += v;
      return s / static_cast<double>(samples_.size());
    }
  }
  return 0;
}

namespace {

struct Parsed {
  Distribution1D turns, system_len, user_len, assistant_len, think;
  bool poisson;
  double arrival;
};

// Every option checked before anything is generated.
Parsed CheckOptions(const GeneratorOptions& o) {
  if (o.sessions < 1 || o.sessions > 10000000) {
    throw Error("--sessions must be in 1..10000000, got " + std::to_string(o.sessions));
  }
  if (o.system_prompts < 0 || o.system_prompts > 100000) {
    throw Error("--system-prompts must be in 0..100000, got " + std::to_string(o.system_prompts));
  }
  if (o.seed < 0) throw Error("--seed must be a non-negative integer, got " + std::to_string(o.seed));
  if (!(o.zipf >= 0 && o.zipf <= 10)) throw Error("--zipf must be in 0..10");
  Parsed p{Distribution1D::Parse(o.turns, "--turns", 1),
           Distribution1D::Parse(o.system_length, "--system-length", 0),
           Distribution1D::Parse(o.user_length, "--user-length", 1),
           Distribution1D::Parse(o.assistant_length, "--assistant-length", 0),
           Distribution1D::Parse(o.think_time, "--think-time", 0), false, 0};
  const size_t colon = o.arrival.find(':');
  const std::string arrival_kind = o.arrival.substr(0, colon);
  p.poisson = arrival_kind == "poisson";
  if (colon == std::string::npos || !ParseNumber(o.arrival.substr(colon + 1), &p.arrival) ||
      p.arrival <= 0 || (arrival_kind != "poisson" && arrival_kind != "fixed")) {
    throw Error("--arrival '" + o.arrival +
                "': expected poisson:RATE (sessions per second) or fixed:SECONDS, above 0");
  }
  if (p.turns.Mean() > 10000) throw Error("--turns: at most 10000 turns per session on average");
  if (static_cast<double>(o.sessions) * p.turns.Mean() > 2e7) {
    throw Error("--sessions x mean --turns is above 20 million requests: too large for one chat file");
  }
  return p;
}

}  // namespace

std::string GenerateChatWorkload(const GeneratorOptions& o) {
  const Parsed p = CheckOptions(o);
  const Distribution1D &turns = p.turns, &system_len = p.system_len, &user_len = p.user_len,
                       &assistant_len = p.assistant_len, &think = p.think;
  Rng rng(static_cast<uint64_t>(o.seed));
  // Zipf popularity: prompt k (1-based) has weight 1 / k^s.
  std::vector<double> cdf;
  double total = 0;
  const auto system_prompts = static_cast<uint64_t>(o.system_prompts);
  for (uint64_t k = 1; k <= system_prompts; ++k) {
    total += 1.0 / std::pow(static_cast<double>(k), o.zipf);
    cdf.push_back(total);
  }
  std::vector<uint64_t> prompt_len;
  for (uint64_t k = 0; k < system_prompts; ++k) {
    prompt_len.push_back(static_cast<uint64_t>(std::llround(system_len.Sample(rng))));
  }
  auto length = [&](const Distribution1D& d, uint64_t min) {
    return std::max<uint64_t>(min, static_cast<uint64_t>(std::llround(d.Sample(rng))));
  };
  auto ms = [](double s) { return std::round(s * 1000.0) / 1000.0; };

  nlohmann::ordered_json doc;
  doc["format"] = "kvsim-chat/1";
  doc["name"] = o.name;
  doc["generator"] = o.command.empty() ? "kvsim gen" : o.command;
  nlohmann::ordered_json sessions = nlohmann::ordered_json::array();
  double clock = 0;
  const int width = static_cast<int>(std::to_string(o.sessions).size());
  for (int64_t s = 0; s < o.sessions; ++s) {
    if ((s & 255) == 0) ThrowIfStopped();
    if (s > 0) {
      clock += p.poisson ? -std::log(1.0 - rng.Uniform()) / p.arrival : p.arrival;
    }
    nlohmann::ordered_json session;
    std::string id = std::to_string(s);
    session["id"] = "s" + std::string(static_cast<size_t>(width) - id.size(), '0') + id;
    session["start"] = ms(clock);
    nlohmann::ordered_json messages = nlohmann::ordered_json::array();
    if (!cdf.empty()) {
      const double u = rng.Uniform() * total;
      const size_t k = static_cast<size_t>(std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
      const size_t pick = std::min(k, cdf.size() - 1);
      messages.push_back({{"role", "system"},
                          {"length", prompt_len[pick]},
                          {"shared", "system-" + std::to_string(pick + 1)}});
    }
    const uint64_t n_turns = length(turns, 1);
    for (uint64_t t = 0; t < n_turns; ++t) {
      nlohmann::ordered_json user = {{"role", "user"}, {"length", length(user_len, 1)}};
      if (t > 0) user["delay"] = ms(think.Sample(rng));
      messages.push_back(user);
      messages.push_back({{"role", "assistant"}, {"length", length(assistant_len, 0)}});
    }
    session["messages"] = messages;
    sessions.push_back(session);
  }
  doc["sessions"] = sessions;
  // One session per line: compact, yet diffable.
  std::string text = doc.dump();
  std::string out;
  out.reserve(text.size() + static_cast<size_t>(o.sessions));
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 6, "{\"id\":") == 0) out += '\n';
    out += text[i];
  }
  return out + "\n";
}

}  // namespace kvsim
