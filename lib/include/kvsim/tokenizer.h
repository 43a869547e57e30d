// kvsim's built-in tokenizer for chat `text` content.
//
// Deterministic and dependency-free: the text is pre-tokenized the way byte-level BPE tokenizers
// (GPT-2, cl100k) do it -- contractions, words with their leading space, digit runs of at most
// three, punctuation runs, whitespace -- and pieces longer than kMaxPieceBytes are cut into
// chunks, standing in for the subword merges a trained vocabulary would make. Each piece maps to
// the id FNV-1a(piece) mod 2^31. Reuse only depends on token equality, so equal texts give equal
// tokens and a shared text prefix gives a shared token prefix (up to the piece boundary).
#pragma once

#include <string_view>
#include <vector>

#include "kvsim/token.h"

namespace kvsim {

inline constexpr size_t kMaxPieceBytes = 7;

// Appends the tokens of `text` (UTF-8) to `out`.
void Tokenize(std::string_view text, std::vector<Token>* out);

// The pieces themselves, for tests and documentation.
std::vector<std::string_view> PreTokenize(std::string_view text);

}  // namespace kvsim
