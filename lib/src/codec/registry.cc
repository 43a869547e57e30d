// The codec registry: one row per codec. Adding a codec is one file plus one row here.
#include "codecs.h"
#include "kvsim/error.h"
#include "kvsim/strategy.h"

namespace kvsim {
namespace {

struct CodecRow {
  RegistryEntry entry;
  std::unique_ptr<KvCodec> (*make)(const Options&, uint32_t dim, uint64_t seed);
};

const std::vector<CodecRow>& Rows() {
  static const std::vector<CodecRow> kRows = {
      {{"fp32", "IEEE binary32, lossless reference (2x the bytes of fp16)", {}},
       [](const Options&, uint32_t d, uint64_t) {
         return NewUniformKvCodec(NewFp32Codec(d), NewFp32Codec(d));
       }},
      {{"fp16", "IEEE binary16, round to nearest even: what serving engines store", {}},
       [](const Options&, uint32_t d, uint64_t) {
         return NewUniformKvCodec(NewFp16Codec(d), NewFp16Codec(d));
       }},
  };
  return kRows;
}

}  // namespace

const std::vector<RegistryEntry>& CodecEntries() {
  static const std::vector<RegistryEntry> kEntries = [] {
    std::vector<RegistryEntry> v;
    for (const auto& row : Rows()) v.push_back(row.entry);
    return v;
  }();
  return kEntries;
}

std::unique_ptr<KvCodec> MakeCodec(const std::string& name, const Options& options,
                                   uint32_t head_dim, uint64_t seed) {
  for (const auto& row : Rows()) {
    if (row.entry.name == name) return row.make(options, head_dim, seed);
  }
  throw Error("unknown codec '" + name + "'");
}

}  // namespace kvsim
