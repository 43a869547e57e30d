// Strategies: an index combined with a codec (docs/contract.md, "Strategies"), and the registry of both.
//
// A strategy string is INDEX[:k=v,...][+CODEC[:k=v,...]]. Presets name common combinations
// (`two-tier` = radix+two-tier); options given to a preset go to the part the preset is about.
// Adding an index or a codec is one new file plus one row in the registry tables
// (lib/src/index/registry.cc, lib/src/codec/registry.cc).
#pragma once

#include <string>
#include <vector>

#include "kvsim/options.h"

namespace kvsim {

struct RegistryEntry {
  std::string name;
  std::string summary;
  std::vector<OptionSpec> options;
};

struct Preset {
  std::string name;
  std::string index;
  std::string codec;
  bool options_to_codec;  // where "preset:k=v" options go
  std::string summary;
};

const std::vector<RegistryEntry>& IndexEntries();
const std::vector<RegistryEntry>& CodecEntries();
const std::vector<Preset>& Presets();

// A codec with its options: CODEC[:k=v,...].
struct CodecSpec {
  std::string name;
  Options options;
};

// Parses one codec spec ("q4:group_size=64"). `context` prefixes error messages. Throws Error.
CodecSpec ParseCodecSpec(const std::string& text, const std::string& context = "");

struct Strategy {
  std::string text;  // as the user wrote it (or the preset name)
  std::string index;
  Options index_options;
  std::string codec;
  Options codec_options;

  // Index `index` with codec `codec`, every option at its default: built from the registries,
  // no grammar involved. REQUIRES: both names are registry entries.
  static Strategy Defaults(const std::string& index, const std::string& codec = "fp16");
  // Unbounded-capable token-level LRU: the working-set reference.
  static Strategy Radix() { return Defaults("radix"); }
};

// Parses one strategy string. Throws Error naming the strategy and the bad part.
Strategy ParseStrategy(const std::string& text);

// Splits spec lists at commas; an item "k=v" continues the options of the item before it
// ("radix+q4:group_size=64,two-tier:tail=128,store=q8" is two items). Used for strategy and codec
// lists alike. Throws Error on a leading "k=v".
std::vector<std::string> SplitSpecItems(const std::vector<std::string>& args);

// Splits --strategy arguments at commas (an item "k=v" continues the item before it) and parses
// each. An empty list gives every preset.
std::vector<Strategy> ParseStrategyList(const std::vector<std::string>& args);

}  // namespace kvsim
