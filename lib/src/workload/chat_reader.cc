// Reader of kvsim-chat/1 workloads (docs/contract.md, "Chat workloads") with the validation rules of "Bad input": every
// error names the file and the JSON path of the offending value.
#include <cmath>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "kvsim/error.h"
#include "kvsim/suggest.h"
#include "kvsim/tokenizer.h"
#include "memory_workload.h"

namespace kvsim {
namespace {

using json = nlohmann::json;

class ChatParser {
 public:
  ChatParser(std::string path, const InputLimits& limits)
      : path_(std::move(path)), limits_(limits) {}

  std::unique_ptr<Workload> Parse(const std::string& text) {
    CheckJsonDepth(text, limits_.max_json_depth, path_);
    json doc;
    try {
      doc = json::parse(text);
    } catch (const json::parse_error& e) {
      throw Error(path_ + ": " + LineColumn(text, e.byte) + ": invalid JSON (" + Reason(e) + ")");
    } catch (const json::exception& e) {  // out_of_range: a number beyond double (1e999)
      throw Error(path_ + ": invalid JSON (" + Reason(e) + ")");
    }
    if (!doc.is_object()) Fail("", "expected a JSON object with \"format\": \"kvsim-chat/1\"");
    CheckKeys(doc, "", {"format", "name", "description", "generator", "sessions"});
    if (!doc.contains("format") || doc["format"] != "kvsim-chat/1") {
      Fail("format", "expected \"kvsim-chat/1\"" +
                         (doc.contains("format") ? ", got " + Show(doc["format"]) : ""));
    }
    WorkloadInfo info;
    info.path = path_;
    info.format = "chat";
    info.name = StemOf(path_);
    if (doc.contains("name")) info.name = String(doc["name"], "name");
    if (!doc.contains("sessions")) Fail("sessions", "missing (an array of sessions)");
    const json& sessions = doc["sessions"];
    if (!sessions.is_array()) Fail("sessions", "expected an array, got " + Show(sessions));

    std::unordered_map<std::string, size_t> ids;
    for (size_t s = 0; s < sessions.size(); ++s) {
      const std::string at = "sessions[" + std::to_string(s) + "]";
      const json& session = sessions[s];
      if (!session.is_object()) Fail(at, "expected an object, got " + Show(session));
      CheckKeys(session, at, {"id", "start", "messages"});
      std::string id = "s" + std::to_string(s);
      if (session.contains("id")) id = String(session["id"], at + ".id");
      if (auto [it, fresh] = ids.emplace(id, s); !fresh) {
        Fail(at + ".id", "duplicate session id \"" + id + "\" (also sessions[" +
                             std::to_string(it->second) + "])");
      }
      info.session_names.push_back(id);
      double clock = 0;
      if (session.contains("start")) clock = Seconds(session["start"], at + ".start");
      if (!session.contains("messages")) Fail(at + ".messages", "missing (an array of messages)");
      ParseSession(session["messages"], at + ".messages", static_cast<uint32_t>(s), clock);
    }
    // Requests view storage_ only now that it no longer moves.
    std::vector<Request> requests;
    requests.reserve(pending_.size());
    for (const auto& p : pending_) {
      Request r;
      r.time = p.time;
      r.session = p.session;
      r.turn = p.turn;
      r.tokens = TokenSpan(storage_[p.session]).first(p.end);
      r.prompt_len = p.prompt_len;
      r.system_len = p.system_len;
      r.delay = p.delay;
      requests.push_back(r);
    }
    return std::make_unique<MemoryWorkload>(std::move(info), std::move(storage_),
                                            std::move(requests));
  }

 private:
  struct Pending {
    double time;
    uint32_t session, turn;
    size_t prompt_len, end, system_len;
    double delay;
  };

  void ParseSession(const json& messages, const std::string& at, uint32_t session, double clock) {
    if (!messages.is_array()) Fail(at, "expected an array, got " + Show(messages));
    awaiting_output_ = false;
    std::vector<Token> tokens;
    size_t system_len = 0;
    bool leading_system = true;
    uint32_t turn = 0;
    for (size_t m = 0; m < messages.size(); ++m) {
      const std::string mat = at + "[" + std::to_string(m) + "]";
      const json& msg = messages[m];
      if (!msg.is_object()) Fail(mat, "expected an object, got " + Show(msg));
      CheckKeys(msg, mat, {"role", "tokens", "text", "length", "shared", "delay"});
      if (!msg.contains("role")) Fail(mat + ".role", "missing (system, user or assistant)");
      const std::string role = String(msg["role"], mat + ".role");
      if (role != "system" && role != "user" && role != "assistant") {
        Fail(mat + ".role", "expected system, user or assistant, got \"" + role + "\"");
      }
      if (msg.contains("delay") && role != "user") {
        Fail(mat + ".delay", "only user messages may have a delay");
      }
      if (msg.contains("shared") && !msg.contains("length")) {
        Fail(mat + ".shared", "goes only with \"length\"");
      }
      const int forms = msg.contains("tokens") + msg.contains("text") + msg.contains("length");
      if (forms != 1) {
        Fail(mat, forms == 0 ? "needs one of \"tokens\", \"text\" or \"length\""
                             : "has more than one of \"tokens\", \"text\" and \"length\"");
      }
      const size_t before = tokens.size();
      if (msg.contains("tokens")) {
        ReadTokens(msg["tokens"], mat + ".tokens", &tokens);
      } else if (msg.contains("text")) {
        Tokenize(String(msg["text"], mat + ".text"), &tokens);
        CheckRoom(tokens.size() - before, mat + ".text");
      } else {
        const uint64_t length = Count(msg["length"], mat + ".length");
        CheckRoom(length, mat + ".length");
        const uint64_t seq = msg.contains("shared")
                                 ? ids_.Shared(String(msg["shared"], mat + ".shared"))
                                 : ids_.Fresh();
        AppendSynthetic(seq, 0, length, &tokens);
      }
      total_ += tokens.size() - before;
      if (role == "system" && leading_system) system_len = tokens.size();
      if (role != "system") leading_system = false;
      if (role == "user") {
        const double delay = msg.contains("delay") ? Seconds(msg["delay"], mat + ".delay") : 0.0;
        clock += delay;
        const bool answered =
            m + 1 < messages.size() && messages[m + 1].is_object() &&
            messages[m + 1].contains("role") && messages[m + 1]["role"] == "assistant";
        pending_.push_back({clock, session, ++turn, tokens.size(), 0, system_len, delay});
        pending_.back().end = answered ? 0 : tokens.size();  // fixed below once known
        awaiting_output_ = answered;
      } else if (awaiting_output_ && role == "assistant") {
        pending_.back().end = tokens.size();
        awaiting_output_ = false;
      }
    }
    storage_.push_back(std::move(tokens));
  }

  // Token ids are held in memory: the whole workload may hold at most limits_.max_tokens.
  void CheckRoom(uint64_t more, const std::string& at) const {
    if (more > limits_.max_tokens - total_) {
      Fail(at, "the workload would hold more than " + std::to_string(limits_.max_tokens) +
                   " tokens, the limit kvsim keeps in memory (raise --max-tokens, or use a "
                   "JSONL trace, which streams)");
    }
  }

  void ReadTokens(const json& arr, const std::string& at, std::vector<Token>* out) {
    if (!arr.is_array()) Fail(at, "expected an array of token ids, got " + Show(arr));
    CheckRoom(arr.size(), at);
    for (size_t i = 0; i < arr.size(); ++i) {
      const json& v = arr[i];
      const std::string vat = at + "[" + std::to_string(i) + "]";
      if (!v.is_number_integer() || v.is_number_float()) {
        Fail(vat, "expected an unsigned 32-bit integer, got " + Show(v));
      }
      if (v.is_number_unsigned() ? v.get<uint64_t>() > kMaxWorkloadTokenId
                                 : v.get<int64_t>() < 0) {
        if (v.is_number_unsigned() && v.get<uint64_t>() <= UINT32_MAX) {
          Fail(vat, "token id " + v.dump() + " is in kvsim's synthetic range; ids must be below 2^31");
        }
        Fail(vat, "expected an unsigned 32-bit integer, got " + v.dump());
      }
      out->push_back(static_cast<Token>(v.get<int64_t>()));
    }
  }

  uint64_t Count(const json& v, const std::string& at) {
    if (!v.is_number()) Fail(at, "expected a non-negative integer, got " + Show(v));
    if (v.is_number_float()) {
      const double d = v.get<double>();
      if (!(d >= 0) || d != std::floor(d)) Fail(at, "expected a non-negative integer, got " + v.dump());
      if (!(d < 18446744073709551616.0)) Fail(at, "absurd length " + v.dump());
      return static_cast<uint64_t>(d);
    }
    if (v.is_number_integer() && !v.is_number_unsigned() && v.get<int64_t>() < 0) {
      Fail(at, "expected a non-negative integer, got " + v.dump());
    }
    return v.get<uint64_t>();
  }

  double Seconds(const json& v, const std::string& at) {
    if (!v.is_number()) Fail(at, "expected a number of seconds, got " + Show(v));
    const double d = v.get<double>();
    if (!std::isfinite(d) || d < 0) Fail(at, "expected a non-negative number of seconds, got " + v.dump());
    return d;
  }

  std::string String(const json& v, const std::string& at) {
    if (!v.is_string()) Fail(at, "expected a string, got " + Show(v));
    return v.get<std::string>();
  }

  void CheckKeys(const json& obj, const std::string& at, std::initializer_list<const char*> keys) {
    for (const auto& [key, value] : obj.items()) {
      bool known = false;
      for (const char* k : keys) known = known || key == k;
      if (!known) {
        std::string list;
        for (const char* k : keys) list += std::string(list.empty() ? "" : ", ") + k;
        Fail(at.empty() ? key : at + "." + key, "unknown field" +
             DidYouMean(key, std::vector<std::string>(keys.begin(), keys.end())) +
             " (expected one of: " + list + ")");
      }
    }
  }

  [[noreturn]] void Fail(const std::string& at, const std::string& what) const {
    throw Error(path_ + ": " + (at.empty() ? "" : at + ": ") + what);
  }

  static std::string Show(const json& v) {
    switch (v.type()) {
      case json::value_t::string: return "the string " + v.dump();
      case json::value_t::array: return "an array";
      case json::value_t::object: return "an object";
      case json::value_t::null: return "null";
      case json::value_t::boolean: return v.dump();
      default: return v.dump();
    }
  }

  static std::string Reason(const json::exception& e) {
    std::string what = e.what();
    if (what.rfind("[json.exception", 0) == 0 && what.find("] ") != std::string::npos) {
      what = what.substr(what.find("] ") + 2);  // "[json.exception.out_of_range.406] ..."
    }
    const size_t p = what.find("parse error");
    if (p == std::string::npos) return what;
    const size_t colon = what.find(": ", p == std::string::npos ? 0 : p);
    return colon == std::string::npos ? what : what.substr(colon + 2);
  }

  static std::string LineColumn(const std::string& text, size_t byte) {
    size_t line = 1, col = 1;
    for (size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(col);
  }

  static std::string StemOf(const std::string& path) {
    std::string s = path.substr(path.find_last_of('/') + 1);
    const size_t dot = s.find('.');
    return dot == std::string::npos || dot == 0 ? s : s.substr(0, dot);
  }

  std::string path_;
  InputLimits limits_;
  SyntheticIds ids_;
  std::vector<std::vector<Token>> storage_;
  std::vector<Pending> pending_;
  bool awaiting_output_ = false;
  uint64_t total_ = 0;
};

}  // namespace

std::unique_ptr<Workload> ParseChatWorkload(const std::string& text, const std::string& path,
                                            const InputLimits& limits) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error(path + ": the file is empty");
  }
  return ChatParser(path, limits).Parse(text);
}

std::unique_ptr<Workload> MakeWorkload(std::vector<OwnedRequest> owned, std::string name) {
  WorkloadInfo info;
  info.name = std::move(name);
  info.path = "(memory)";
  info.format = "memory";
  std::vector<std::vector<Token>> storage;
  std::vector<Request> requests;
  storage.reserve(owned.size());
  uint32_t sessions = 0;
  for (auto& o : owned) {
    std::vector<Token> seq = std::move(o.prompt);
    const size_t prompt_len = seq.size();
    seq.insert(seq.end(), o.output.begin(), o.output.end());
    storage.push_back(std::move(seq));
    Request r;
    r.time = o.time;
    r.session = o.session;
    r.turn = o.turn;
    r.tokens = storage.back();
    r.prompt_len = prompt_len;
    r.system_len = std::min(o.system_len, prompt_len);
    requests.push_back(r);
    sessions = std::max(sessions, o.session + 1);
  }
  for (uint32_t s = 0; s < sessions; ++s) {
    std::string name = std::to_string(s);
    name.insert(name.begin(), 's');  // (GCC 12 misreports "s" + to_string as an overflow)
    info.session_names.push_back(std::move(name));
  }
  return std::make_unique<MemoryWorkload>(std::move(info), std::move(storage),
                                          std::move(requests));
}

}  // namespace kvsim
