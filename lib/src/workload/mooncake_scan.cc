// ScanMooncakeLine (see mooncake_scan.h).
#include "mooncake_scan.h"

namespace kvsim {
namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  void SkipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r' || s_[i_] == '\n'))
      ++i_;
  }

  bool Eat(char c) {
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }

  // An unsigned integer of 1 to 18 digits, no leading zero.
  bool Number(uint64_t* v) {
    SkipSpace();
    const size_t start = i_;
    uint64_t x = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9')
      x = 10 * x + static_cast<uint64_t>(s_[i_++] - '0');
    const size_t digits = i_ - start;
    if (digits == 0 || digits > 18 || (digits > 1 && s_[start] == '0')) return false;
    // A fraction or an exponent makes it a JSON float: not this shape.
    if (i_ < s_.size() && (s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E')) return false;
    *v = x;
    return true;
  }

  // A key without escapes; `key` views it.
  bool Key(std::string_view* key) {
    if (!Eat('"')) return false;
    const size_t start = i_;
    while (i_ < s_.size() && s_[i_] != '"') {
      if (s_[i_] == '\\' || static_cast<unsigned char>(s_[i_]) < 0x20) return false;
      ++i_;
    }
    if (i_ == s_.size()) return false;
    *key = s_.substr(start, i_ - start);
    ++i_;
    return Eat(':');
  }

  bool Ids(std::vector<uint64_t>* ids) {
    ids->clear();
    if (!Eat('[')) return false;
    if (Eat(']')) return true;
    do {
      uint64_t v = 0;
      if (!Number(&v)) return false;
      ids->push_back(v);
    } while (Eat(','));
    return Eat(']');
  }

  bool AtEnd() {
    SkipSpace();
    return i_ == s_.size();
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

bool ScanMooncakeLine(std::string_view line, MooncakeFields* out) {
  Scanner s(line);
  if (!s.Eat('{')) return false;
  unsigned seen = 0;
  do {
    std::string_view key;
    if (!s.Key(&key)) return false;
    unsigned bit = 0;
    bool ok = false;
    if (key == "timestamp") {
      bit = 1;
      ok = s.Number(&out->timestamp);
    } else if (key == "input_length") {
      bit = 2;
      ok = s.Number(&out->input_length);
    } else if (key == "output_length") {
      bit = 4;
      ok = s.Number(&out->output_length);
    } else if (key == "hash_ids") {
      bit = 8;
      ok = s.Ids(&out->hash_ids);
    }
    if (!ok || (seen & bit) != 0) return false;
    seen |= bit;
  } while (s.Eat(','));
  return s.Eat('}') && s.AtEnd() && seen == 15;
}

}  // namespace kvsim
