// Validation pass and streams of JSONL traces (see jsonl_trace.h).
#include "jsonl_trace.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "kvsim/error.h"

namespace kvsim {

using json = nlohmann::json;

namespace {

bool Blank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

// Parses and converts one line, prefixing errors with "path:line: ".
void ParseLine(const LineParser& parser, const std::string& path, const std::string& text,
               uint64_t line_no, uint64_t line_index, Request* r, std::vector<Token>* tokens,
               std::string* session) {
  const std::string where = path + ":" + std::to_string(line_no) + ": ";
  json obj = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (obj.is_discarded()) throw Error(where + "not valid JSON (each line must be one JSON object)");
  if (!obj.is_object()) throw Error(where + "expected a JSON object, got " + JsonShow(obj));
  try {
    tokens->clear();
    session->clear();
    parser.Parse(obj, line_index, r, tokens, session);
  } catch (const Error& e) {
    throw Error(where + e.what());
  }
}

}  // namespace

double JsonSeconds(const json& v, const char* field, double scale) {
  if (!v.is_number()) throw Error(std::string(field) + ": expected a number, got " + JsonShow(v));
  const double d = v.get<double>();
  if (!std::isfinite(d) || d < 0) {
    throw Error(std::string(field) + ": expected a non-negative time, got " + v.dump());
  }
  return d * scale;
}

uint64_t JsonCount(const json& v, const char* field, uint64_t limit) {
  const std::string f = field;
  if (!v.is_number()) throw Error(f + ": expected a non-negative integer, got " + JsonShow(v));
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!(d >= 0) || d != std::floor(d)) {
      throw Error(f + ": expected a non-negative integer, got " + v.dump());
    }
    if (d > double(limit)) throw Error(f + ": absurd value " + v.dump());
    return static_cast<uint64_t>(d);
  }
  if (!v.is_number_unsigned() && v.get<int64_t>() < 0) {
    throw Error(f + ": expected a non-negative integer, got " + v.dump());
  }
  if (v.get<uint64_t>() > limit) {
    throw Error(f + ": absurd value " + v.dump() + " (limit " + std::to_string(limit) + ")");
  }
  return v.get<uint64_t>();
}

std::string JsonShow(const json& v) {
  switch (v.type()) {
    case json::value_t::string: return "the string " + v.dump();
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    default: return v.dump();
  }
}

JsonlTrace::JsonlTrace(const std::string& path, std::string format,
                       std::unique_ptr<LineParser> parser)
    : parser_(std::move(parser)) {
  info_.path = path;
  info_.format = std::move(format);
  const size_t slash = path.find_last_of('/');
  info_.name = path.substr(slash == std::string::npos ? 0 : slash + 1);
  if (const size_t dot = info_.name.find('.'); dot != std::string::npos && dot > 0) {
    info_.name.resize(dot);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the trace");
  std::string text, session;
  std::vector<Token> tokens;
  Request r;
  uint64_t line_no = 0, offset = 0;
  double last = 0;
  while (std::getline(in, text)) {
    ++line_no;
    const uint64_t here = offset;
    offset += text.size() + 1;
    if (Blank(text)) continue;
    ParseLine(*parser_, path, text, line_no, order_.size(), &r, &tokens, &session);
    if (!session.empty() && !sessions_.count(session)) {
      sessions_.emplace(session, static_cast<uint32_t>(info_.session_names.size()));
      info_.session_names.push_back(session);
    }
    if (r.time < last) sorted_ = false;
    last = r.time;
    order_.push_back({r.time, here, order_.size()});
    info_.prompt_tokens += r.prompt_len;
    info_.output_tokens += r.tokens.size() - r.prompt_len;
  }
  if (order_.empty()) throw Error(path + ": the trace holds no requests");
  info_.requests = order_.size();
  if (!sorted_) {
    std::stable_sort(order_.begin(), order_.end(),
                     [](const Line& a, const Line& b) { return a.time < b.time; });
  }
}

class JsonlTrace::Stream final : public RequestStream {
 public:
  explicit Stream(const JsonlTrace& trace)
      : trace_(trace), in_(trace.info_.path, std::ios::binary) {
    turns_.resize(trace.info_.session_names.size());
  }

  const Request* Next() override {
    if (next_ == trace_.order_.size()) return nullptr;
    const Line& line = trace_.order_[next_];
    if (!trace_.sorted_) {
      in_.clear();
      in_.seekg(static_cast<std::streamoff>(line.offset));
    }
    do {
      if (!std::getline(in_, text_)) {
        throw Error(trace_.info_.path + ": the file changed while it was replayed");
      }
    } while (Blank(text_));
    // Line numbers only matter for errors, which the validation pass already caught.
    ParseLine(*trace_.parser_, trace_.info_.path, text_, 0, line.index, &request_, &tokens_,
              &session_);
    request_.tokens = tokens_;
    if (!session_.empty()) {
      request_.session = trace_.sessions_.at(session_);
      request_.turn = ++turns_[request_.session];
    }
    ++next_;
    return &request_;
  }

 private:
  const JsonlTrace& trace_;
  std::ifstream in_;
  std::string text_, session_;
  std::vector<Token> tokens_;
  std::vector<uint32_t> turns_;
  Request request_;
  size_t next_ = 0;
};

std::unique_ptr<RequestStream> JsonlTrace::Open() const { return std::make_unique<Stream>(*this); }

}  // namespace kvsim
