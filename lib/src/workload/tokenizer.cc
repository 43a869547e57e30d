// The built-in tokenizer (see kvsim/tokenizer.h). Pre-tokenization follows the cl100k pattern:
//   's|'t|'re|'ve|'m|'ll|'d  |  [^\r\n\p{L}\p{N}]?\p{L}+  |  \p{N}{1,3}
//   | ?[^\s\p{L}\p{N}]+[\r\n]*  |  \s*[\r\n]+  |  \s+(?!\S)  |  \s+
// with every non-ASCII byte counted as a letter (enough for ids; kvsim never decodes).
#include "kvsim/tokenizer.h"

#include <cstdint>

namespace kvsim {
namespace {

enum class Cls { kLetter, kDigit, kSpace, kNewline, kOther };

Cls Classify(unsigned char c) {
  if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return Cls::kLetter;
  if (c >= '0' && c <= '9') return Cls::kDigit;
  if (c == '\n' || c == '\r') return Cls::kNewline;
  if (c == ' ' || c == '\t' || c == '\f' || c == '\v') return Cls::kSpace;
  return Cls::kOther;
}

bool IsSpace(Cls c) { return c == Cls::kSpace || c == Cls::kNewline; }

size_t Contraction(std::string_view s, size_t i) {
  if (s[i] != '\'') return 0;
  static constexpr std::string_view kForms[] = {"ll", "re", "ve", "s", "t", "m", "d"};
  for (std::string_view f : kForms) {
    if (i + 1 + f.size() > s.size()) continue;
    bool eq = true;
    for (size_t k = 0; k < f.size(); ++k) eq = eq && (s[i + 1 + k] | 0x20) == f[k];
    if (eq) return 1 + f.size();
  }
  return 0;
}

// Length of the piece starting at i.
size_t NextPiece(std::string_view s, size_t i) {
  const size_t n = s.size();
  auto cls = [&](size_t k) { return Classify(static_cast<unsigned char>(s[k])); };
  if (size_t c = Contraction(s, i)) return c;
  const Cls c0 = cls(i);
  // [^\r\n\p{L}\p{N}]?\p{L}+
  size_t j = i;
  if (c0 != Cls::kLetter && c0 != Cls::kDigit && c0 != Cls::kNewline && i + 1 < n &&
      cls(i + 1) == Cls::kLetter) {
    j = i + 1;
  }
  if (cls(j) == Cls::kLetter) {
    while (j < n && cls(j) == Cls::kLetter) ++j;
    return j - i;
  }
  if (c0 == Cls::kDigit) {
    j = i;
    while (j < n && j - i < 3 && cls(j) == Cls::kDigit) ++j;
    return j - i;
  }
  //  ?[^\s\p{L}\p{N}]+[\r\n]*
  j = i;
  if (s[j] == ' ' && j + 1 < n && cls(j + 1) == Cls::kOther) ++j;
  if (cls(j) == Cls::kOther) {
    while (j < n && cls(j) == Cls::kOther) ++j;
    while (j < n && cls(j) == Cls::kNewline) ++j;
    return j - i;
  }
  // Whitespace: \s*[\r\n]+ | \s+(?!\S) | \s+
  j = i;
  while (j < n && IsSpace(cls(j))) ++j;
  size_t last_nl = i;
  bool nl = false;
  for (size_t k = i; k < j; ++k) {
    if (cls(k) == Cls::kNewline) {
      last_nl = k + 1;
      nl = true;
    }
  }
  if (nl) return last_nl - i;
  // Leave one space to lead the next word, as \s+(?!\S) does.
  if (j < n && j - i > 1) return j - i - 1;
  return j - i;
}

uint32_t PieceId(std::string_view piece) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a 64
  for (unsigned char c : piece) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<uint32_t>((h ^ (h >> 31)) & 0x7fffffffu);
}

}  // namespace

std::vector<std::string_view> PreTokenize(std::string_view text) {
  std::vector<std::string_view> pieces;
  size_t i = 0;
  while (i < text.size()) {
    size_t len = NextPiece(text, i);
    std::string_view piece = text.substr(i, len);
    i += len;
    // Long pieces stand for several subword tokens in a trained vocabulary: cut them into
    // chunks of at most kMaxPieceBytes, never inside a UTF-8 sequence.
    while (piece.size() > kMaxPieceBytes) {
      size_t cut = kMaxPieceBytes;
      while (cut < piece.size() && (static_cast<unsigned char>(piece[cut]) & 0xc0) == 0x80) ++cut;
      pieces.push_back(piece.substr(0, cut));
      piece.remove_prefix(cut);
    }
    if (!piece.empty()) pieces.push_back(piece);
  }
  return pieces;
}

void Tokenize(std::string_view text, std::vector<Token>* out) {
  for (std::string_view piece : PreTokenize(text)) out->push_back(PieceId(piece));
}

}  // namespace kvsim
