// Strategy strings: INDEX[:k=v,...][+CODEC[:k=v,...]] and presets (docs/contract.md, "Strategies").
#include "kvsim/strategy.h"

#include "kvsim/error.h"
#include "kvsim/suggest.h"

namespace kvsim {
namespace {

const RegistryEntry* Find(const std::vector<RegistryEntry>& entries, const std::string& name) {
  for (const auto& e : entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::vector<std::string> NameList(const std::vector<RegistryEntry>& entries) {
  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(e.name);
  return names;
}

std::string Names(const std::vector<RegistryEntry>& entries) {
  std::string s;
  for (const auto& e : entries) s += (s.empty() ? "" : ", ") + e.name;
  return s;
}

void SplitNameOptions(const std::string& part, std::string* name, std::string* options) {
  const size_t colon = part.find(':');
  *name = part.substr(0, colon);
  *options = colon == std::string::npos ? "" : part.substr(colon + 1);
}

}  // namespace

const std::vector<Preset>& Presets() {
  static const std::vector<Preset> kPresets = [] {
    const std::vector<Preset> all = {
        {"radix", "radix", "fp16", false, "SGLang RadixAttention"},
        {"block-trie", "block-trie", "fp16", false, "vLLM automatic prefix caching"},
        {"lru-buckets", "lru-buckets", "fp16", false, "mlx-lm LRUPromptCache"},
        {"two-tier", "radix", "two-tier", true, "recent tokens fp16, older ones q4/q8"},
        {"turboquant", "radix", "turboquant", true, "TurboQuant rotation + Lloyd-Max + QJL"},
    };
    std::vector<Preset> have;  // only presets whose codec this build has
    for (const auto& p : all) {
      if (Find(CodecEntries(), p.codec) != nullptr) have.push_back(p);
    }
    return have;
  }();
  return kPresets;
}

CodecSpec ParseCodecSpec(const std::string& text, const std::string& context) {
  const std::string ctx = context.empty() ? "codec '" + text + "'" : context;
  std::string name, options;
  SplitNameOptions(text, &name, &options);
  const RegistryEntry* codec = Find(CodecEntries(), name);
  if (codec == nullptr) {
    throw Error(ctx + ": unknown codec '" + name + "'" + DidYouMean(name, NameList(CodecEntries())) +
                " (codecs: " + Names(CodecEntries()) + ")");
  }
  return {name, Options::Parse(codec->options, options, ctx + ", codec '" + name + "'")};
}

Strategy Strategy::Defaults(const std::string& index, const std::string& codec) {
  Strategy s;
  s.text = codec == "fp16" ? index : index + "+" + codec;
  s.index = index;
  s.index_options = Options::Parse(Find(IndexEntries(), index)->options, "", index);
  s.codec = codec;
  s.codec_options = Options::Parse(Find(CodecEntries(), codec)->options, "", codec);
  return s;
}

Strategy ParseStrategy(const std::string& text) {
  const std::string ctx = "strategy '" + text + "'";
  if (text.empty()) throw Error("empty strategy name (see `kvsim strategies`)");
  Strategy s;
  s.text = text;
  const size_t plus = text.find('+');
  std::string name, index_opts, codec_name = "fp16", codec_opts;
  SplitNameOptions(text.substr(0, plus), &name, &index_opts);
  if (plus != std::string::npos) SplitNameOptions(text.substr(plus + 1), &codec_name, &codec_opts);

  if (Find(IndexEntries(), name) != nullptr) {
    s.index = name;
  } else {
    const Preset* preset = nullptr;
    for (const auto& p : Presets()) {
      if (p.name == name) preset = &p;
    }
    if (preset == nullptr) {
      std::string presets;
      std::vector<std::string> names = NameList(IndexEntries());
      for (const auto& p : Presets()) {
        presets += (presets.empty() ? "" : ", ") + p.name;
        names.push_back(p.name);
      }
      throw Error(ctx + ": unknown strategy or index '" + name + "'" + DidYouMean(name, names) +
                  " (presets: " + presets +
                  "; indexes: " + Names(IndexEntries()) + "; see `kvsim strategies`)");
    }
    if (plus != std::string::npos) {
      throw Error(ctx + ": the preset '" + name + "' already names its codec; write " +
                  preset->index + "+CODEC instead");
    }
    s.index = preset->index;
    codec_name = preset->codec;
    codec_opts = index_opts;
    index_opts.clear();
  }
  const CodecSpec codec = ParseCodecSpec(codec_name + (codec_opts.empty() ? "" : ":" + codec_opts), ctx);
  s.codec = codec.name;
  s.codec_options = codec.options;
  s.index_options =
      Options::Parse(Find(IndexEntries(), s.index)->options, index_opts, ctx + ", index '" + s.index + "'");
  return s;
}

std::vector<std::string> SplitSpecItems(const std::vector<std::string>& args) {
  std::vector<std::string> items;
  for (const auto& item : SplitCommas(args)) {
    const size_t eq = item.find('=');
    const bool continuation =
        eq != std::string::npos && item.substr(0, eq).find_first_of(":+") == std::string::npos;
    if (!continuation) {
      items.push_back(item);
      continue;
    }
    if (items.empty()) throw Error("strategy option '" + item + "' has no strategy before it");
    // Continue the options of the last part (the codec's after a '+').
    const std::string& last = items.back();
    const size_t part = last.rfind('+') == std::string::npos ? 0 : last.rfind('+');
    items.back() += (last.find(':', part) == std::string::npos ? ":" : ",") + item;
  }
  return items;
}

std::vector<Strategy> ParseStrategyList(const std::vector<std::string>& args) {
  const std::vector<std::string> items = SplitSpecItems(args);
  std::vector<Strategy> out;
  for (const auto& item : items) out.push_back(ParseStrategy(item));
  if (out.empty()) {
    for (const auto& p : Presets()) out.push_back(ParseStrategy(p.name));
  }
  constexpr size_t kMaxStrategies = 1000;
  if (out.size() > kMaxStrategies) {
    throw Error("--strategy: " + std::to_string(out.size()) + " strategies, more than " +
                std::to_string(kMaxStrategies));
  }
  return out;
}

}  // namespace kvsim
