// Validation pass and streams of JSONL traces (see jsonl_trace.h).
#include "jsonl_trace.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "kvsim/cancel.h"
#include "kvsim/error.h"
#include "kvsim/suggest.h"

namespace kvsim {

using json = nlohmann::json;

bool Blank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

bool ReadJsonlLine(std::istream& in, std::string* line, uint64_t max_bytes) {
  line->clear();
  char buf[1 << 16];
  for (;;) {
    in.getline(buf, sizeof buf);
    const auto got = static_cast<size_t>(in.gcount());
    if (in.bad()) throw Error("read failed");
    if (in.eof()) {  // last line without '\n', or the end
      line->append(buf, got);
      if (line->size() > max_bytes) throw LineTooLong{};
      return got > 0 || !line->empty();
    }
    if (!in.fail()) {  // ended at '\n', which gcount counts
      line->append(buf, got - 1);
    } else {  // the buffer filled before the end of the line
      line->append(buf, got);
      in.clear();
      if (line->size() > max_bytes) throw LineTooLong{};
      continue;
    }
    if (line->size() > max_bytes) throw LineTooLong{};
    return true;
  }
}

bool CheckedDepth(const std::string& text, int max_depth) {
  try {
    CheckJsonDepth(text, max_depth, "");
    return true;
  } catch (const Error&) {
    return false;
  }
}

namespace {

// Converts one line by `fast` or, when it declines, parses it as JSON and hands it to `convert`;
// prefixes errors with "path:line: ".
template <typename Fast, typename Convert>
void ConvertLine(const std::string& path, const std::string& text, uint64_t line_no,
                 int max_depth, std::vector<Token>* tokens, std::string* session,
                 const Fast& fast, const Convert& convert) {
  try {
    tokens->clear();
    session->clear();
    if (max_depth >= 2 && fast()) return;  // the fast shapes nest two levels deep
  } catch (const Error& e) {
    throw Error(path + ":" + std::to_string(line_no) + ": " + e.what());
  }
  const std::string where = path + ":" + std::to_string(line_no) + ": ";
  if (!CheckedDepth(text, max_depth)) {
    throw Error(where + "JSON nested deeper than " + std::to_string(max_depth) + " levels");
  }
  json obj = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (obj.is_discarded()) throw Error(where + "not valid JSON (each line must be one JSON object)");
  if (!obj.is_object()) throw Error(where + "expected a JSON object, got " + JsonShow(obj));
  try {
    tokens->clear();
    session->clear();
    convert(obj);
  } catch (const Error& e) {
    throw Error(where + e.what());
  }
}

void ParseLine(const LineParser& parser, const std::string& path, const std::string& text,
               uint64_t line_no, uint64_t line_index, int max_depth, Request* r,
               std::vector<Token>* tokens, std::string* session) {
  ConvertLine(
      path, text, line_no, max_depth, tokens, session,
      [&] { return parser.ParseText(text, line_index, r, tokens, session); },
      [&](const json& obj) { parser.Parse(obj, line_index, r, tokens, session); });
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
    if (!(d < 18446744073709551616.0) || d > double(limit)) {  // 2^64: no uint64_t holds it
      throw Error(f + ": absurd value " + v.dump());
    }
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

void CheckFields(const json& obj, const std::vector<std::string>& known) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    throw Error(key + ": unknown field" + DidYouMean(key, known) + " (expected " + list + ")");
  }
}

std::string JsonShow(const json& v) {
  switch (v.type()) {
    case json::value_t::string: return "the string " + v.dump();
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    default: return v.dump();
  }
}

JsonlTrace::JsonlTrace(TraceSource source, std::string format,
                       std::unique_ptr<LineParser> parser, const InputLimits& limits)
    : memory_(std::move(source.memory)), limits_(limits), parser_(std::move(parser)) {
  const std::string& path = source.path;
  info_.path = path;
  info_.format = std::move(format);
  const size_t slash = path.find_last_of('/');
  info_.name = path.substr(slash == std::string::npos ? 0 : slash + 1);
  if (const size_t dot = info_.name.find('.'); dot != std::string::npos && dot > 0) {
    info_.name.resize(dot);
  }
  const auto in = OpenInput();
  std::string text, session;
  std::vector<Token> tokens;
  Request r;
  uint64_t line_no = 0, offset = 0, lines = 0;
  double last = 0;
  for (;;) {
    try {
      if (!ReadJsonlLine(*in, &text, limits_.max_line_bytes)) break;
    } catch (const LineTooLong&) {
      throw Error(path + ":" + std::to_string(line_no + 1) + ": line longer than " +
                  std::to_string(limits_.max_line_bytes) + " bytes (raise --max-line-bytes)");
    } catch (const Error& e) {
      throw Error(path + ":" + std::to_string(line_no + 1) + ": " + e.what());
    }
    ++line_no;
    if ((line_no & 1023) == 0) ThrowIfStopped();
    const uint64_t here = offset;
    offset += text.size() + 1;
    if (Blank(text)) continue;
    uint64_t sequence = 0;
    ConvertLine(
        path, text, line_no, limits_.max_json_depth, &tokens, &session,
        [&] { return parser_->ValidateText(text, lines, &r, &tokens, &session, &sequence); },
        [&](const json& obj) { sequence = parser_->Validate(obj, lines, &r, &tokens, &session); });
    if (!session.empty() && !sessions_.count(session)) {
      sessions_.emplace(session, static_cast<uint32_t>(info_.session_names.size()));
      info_.session_names.push_back(session);
    }
    // A sorted file is streamed as it is; the line order is kept from the first line out of it.
    if (sorted_ && r.time < last) {
      sorted_ = false;
      order_ = EarlierLines(lines);
    }
    last = r.time;
    if (!sorted_) order_.push_back({r.time, here, lines});
    ++lines;
    info_.prompt_tokens += r.prompt_len;
    info_.output_tokens += sequence - r.prompt_len;
  }
  if (lines == 0) throw Error(path + ": the trace holds no requests");
  parser_->Summarize(&info_);
  info_.requests = lines;
  if (!sorted_) {
    std::stable_sort(order_.begin(), order_.end(),
                     [](const Line& a, const Line& b) { return a.time < b.time; });
  }
}

std::unique_ptr<std::istream> JsonlTrace::OpenInput() const {
  if (memory_) return std::make_unique<std::istringstream>(*memory_);
  auto in = std::make_unique<std::ifstream>(info_.path, std::ios::binary);
  if (!*in) throw Error(info_.path + ": cannot open the trace");
  return in;
}

std::vector<JsonlTrace::Line> JsonlTrace::EarlierLines(uint64_t count) const {
  std::vector<Line> lines;
  const auto in = OpenInput();
  std::string text, session;
  std::vector<Token> tokens;
  Request r;
  uint64_t offset = 0;
  while (lines.size() < count && ReadJsonlLine(*in, &text, limits_.max_line_bytes)) {
    const uint64_t here = offset;
    offset += text.size() + 1;
    if (Blank(text)) continue;
    ParseLine(*parser_, info_.path, text, 0, lines.size(), limits_.max_json_depth, &r, &tokens,
              &session);
    lines.push_back({r.time, here, lines.size()});
  }
  return lines;
}

class JsonlTrace::Stream final : public RequestStream {
 public:
  explicit Stream(const JsonlTrace& trace) : trace_(trace), in_(trace.OpenInput()) {
    turns_.resize(trace.info_.session_names.size());
  }

  const Request* Next() override {
    if (next_ == trace_.info_.requests) return nullptr;
    uint64_t index = next_;
    if (!trace_.sorted_) {
      const Line& line = trace_.order_[next_];
      index = line.index;
      in_->clear();
      in_->seekg(static_cast<std::streamoff>(line.offset));
    }
    try {
      do {
        if (!ReadJsonlLine(*in_, &text_, trace_.limits_.max_line_bytes)) {
          throw Error(trace_.info_.path + ": the file changed while it was replayed");
        }
      } while (Blank(text_));
    } catch (const LineTooLong&) {
      throw Error(trace_.info_.path + ": the file changed while it was replayed");
    }
    // Line numbers only matter for errors, which the validation pass already caught.
    ParseLine(*trace_.parser_, trace_.info_.path, text_, 0, index,
              trace_.limits_.max_json_depth, &request_, &tokens_, &session_);
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
  std::unique_ptr<std::istream> in_;
  std::string text_, session_;
  std::vector<Token> tokens_;
  std::vector<uint32_t> turns_;
  Request request_;
  size_t next_ = 0;
};

std::unique_ptr<RequestStream> JsonlTrace::Open() const { return std::make_unique<Stream>(*this); }

}  // namespace kvsim
