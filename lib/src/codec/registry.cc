// The codec registry: one row per codec. Adding a codec is one file plus one row here.
#include "codecs.h"
#include "kvsim/error.h"
#include "kvsim/kernels.h"
#include "kvsim/strategy.h"

namespace kvsim {
namespace {

using Type = OptionSpec::Type;

const OptionSpec kGroupSize = {"group_size", Type::kInt, 32, 2, 1024, {},
                               "values per group (one fp16 scale and minimum each)"};

uint64_t SeedOf(const Options& o, uint64_t run_seed) {
  const int64_t s = o.Int("seed");
  return s < 0 ? run_seed : static_cast<uint64_t>(s);
}

std::unique_ptr<KvCodec> MakeTurboQuant(const Options& o, uint32_t d, uint64_t run_seed) {
  TurboQuantOptions k;
  k.bits = static_cast<uint32_t>(o.Int("key_bits"));
  k.prod = o.Choice("key_mode") == "prod";
  k.rotation = o.Choice("rotation");
  k.seed = SeedOf(o, run_seed) * 2;
  k.outlier_channels = static_cast<uint32_t>(o.Int("outlier_channels"));
  k.outlier_bits = static_cast<uint32_t>(o.Int("outlier_bits"));
  TurboQuantOptions v = k;
  v.bits = static_cast<uint32_t>(o.Int("value_bits"));
  v.prod = false;  // values are summed, not scored: mse is the right objective
  v.seed = k.seed + 1;
  if (v.outlier_bits == 0 && v.outlier_channels > 0) v.outlier_bits = v.bits + 1;
  if (k.outlier_bits == 0 && k.outlier_channels > 0) k.outlier_bits = k.bits + 1;
  return NewUniformKvCodec(NewTurboQuantCodec(k, d), NewTurboQuantCodec(v, d));
}

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
      {{"q8", "groupwise 8-bit: codes + fp16 scale and minimum per group (symmetric: signed codes + fp16 scale)",
        {kGroupSize,
         {"mode", Type::kChoice, 0, 0, 0, {"asymmetric", "symmetric"},
          "asymmetric: unsigned codes, fp16 scale and minimum per group; symmetric: codes in "
          "[-127, 127] and one fp16 scale amax / 127 per group (ggml's q8_0 block at group_size "
          "32)"}}},
       [](const Options& o, uint32_t d, uint64_t) {
         const size_t g = static_cast<size_t>(o.Int("group_size"));
         const bool sym = o.Choice("mode") == "symmetric";
         return NewUniformKvCodec(NewGroupwiseCodec(8, g, d, sym), NewGroupwiseCodec(8, g, d, sym));
       }},
      {{"q4", "groupwise asymmetric 4-bit: two codes per byte + fp16 scale and minimum per group",
        {kGroupSize}},
       [](const Options& o, uint32_t d, uint64_t) {
         const size_t g = static_cast<size_t>(o.Int("group_size"));
         return NewUniformKvCodec(NewGroupwiseCodec(4, g, d), NewGroupwiseCodec(4, g, d));
       }},
      {{"two-tier",
        "the most recent `tail` tokens of a sequence in fp16, older ones in q4 or q8 (ruvllm "
        "TwoTierKvCache)",
        {{"tail", Type::kInt, 256, 0, 1000000000, {}, "hot tokens per sequence, kept in fp16"},
         {"store", Type::kChoice, 0, 0, 0, {"q4", "q8"}, "codec of the cold tokens"},
         kGroupSize}},
       [](const Options& o, uint32_t d, uint64_t) {
         return NewTwoTierCodec(static_cast<uint64_t>(o.Int("tail")),
                                o.Choice("store") == "q8" ? 8 : 4,
                                static_cast<size_t>(o.Int("group_size")), d);
       }},
      {{"fp8",
        "OCP FP8 with one fp32 scale per (layer, KV head) tensor: vLLM / SGLang / TensorRT-LLM "
        "kv_cache_dtype=fp8",
        {{"format", Type::kChoice, 0, 0, 0, {"e4m3", "e5m2"},
          "e4m3: 3 mantissa bits, largest 448; e5m2: 2 mantissa bits, largest 57344"},
         {"scale", Type::kChoice, 0, 0, 0, {"calibrated", "none"},
          "calibrated: amax / largest value of the vectors calibrated on; none: 1.0 (vLLM's "
          "default)"}}},
       [](const Options& o, uint32_t d, uint64_t) {
         const LowFloat f = o.Choice("format") == "e5m2" ? LowFloat::kE5M2 : LowFloat::kE4M3;
         const bool calibrated = o.Choice("scale") == "calibrated";
         return NewUniformKvCodec(NewFp8Codec(f, calibrated, d), NewFp8Codec(f, calibrated, d));
       }},
      {{"nvfp4",
        "NVIDIA NVFP4: E2M1 values, an E4M3 scale per 16 values and a calibrated fp32 scale per "
        "tensor",
        {}},
       [](const Options&, uint32_t d, uint64_t) {
         return NewUniformKvCodec(NewNvfp4Codec(d), NewNvfp4Codec(d));
       }},
      {{"turboquant",
        "random rotation + Lloyd-Max codebook per coordinate (mse), keys with a 1-bit QJL "
        "residual for unbiased inner products (prod) (Zandieh et al. 2025)",
        {{"key_bits", Type::kInt, 4, 1, 8, {}, "bits per key channel (prod: b-1 codebook + 1 QJL)"},
         {"value_bits", Type::kInt, 4, 1, 8, {}, "bits per value channel (always mse)"},
         {"key_mode", Type::kChoice, 0, 0, 0, {"prod", "mse"}, "keys: unbiased (prod) or mse"},
         {"rotation", Type::kChoice, 0, 0, 0, {"auto", "hadamard", "dense"},
          "hadamard: random signs + Walsh-Hadamard, O(d log d); dense: Haar (QR of a Gaussian), "
          "O(d^2); auto: hadamard for power-of-two dimensions, else dense"},
         {"seed", Type::kInt, -1, -1, (int64_t{1} << 62), {}, "rotation and QJL seed (-1: the run's --seed)"},
         {"outlier_channels", Type::kInt, 0, 0, 1024, {}, "channels quantized separately with outlier_bits"},
         {"outlier_bits", Type::kInt, 0, 0, 8, {}, "bits of the outlier channels (0: bits + 1)"}}},
       MakeTurboQuant},
      {{"kivi",
        "KIVI (Liu et al. 2024): keys per channel over groups of `group` tokens, values per token "
        "over groups of `group` channels; the last `residual` tokens and the unfilled key group "
        "in fp16",
        {{"bits", Type::kInt, 2, 2, 4, {}, "bits per key and value code: 2 or 4"},
         {"group", Type::kInt, 32, 4, 1024, {},
          "tokens per key group and channels per value group (one fp16 scale and minimum each)"},
         {"residual", Type::kInt, 128, 0, 1000000000, {},
          "most recent tokens of a sequence kept in fp16"}}},
       [](const Options& o, uint32_t d, uint64_t) {
         return NewKiviCodec(static_cast<uint32_t>(o.Int("bits")),
                             static_cast<size_t>(o.Int("group")),
                             static_cast<uint64_t>(o.Int("residual")), d);
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
