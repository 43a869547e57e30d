// fp32 and fp16 (IEEE binary16, round to nearest even): the lossless baseline and the format
// serving engines hold KV in. Scoring reads the stored halves directly through the kernels.
#include <cstring>

#include "codecs.h"
#include "kvsim/kernels.h"

namespace kvsim {
namespace {

class Fp32Codec final : public VectorCodec {
 public:
  explicit Fp32Codec(size_t d) : d_(d) {}
  std::string name() const override { return "fp32"; }
  size_t dim() const override { return d_; }
  size_t max_encoded_bytes() const override { return 4 * d_; }
  bool lossless() const override { return true; }
  size_t Encode(const float* x, uint8_t* out) const override {
    std::memcpy(out, x, 4 * d_);
    return 4 * d_;
  }
  void Decode(const uint8_t* in, float* out) const override { std::memcpy(out, in, 4 * d_); }
  void Score(const float* q, const uint8_t* codes, size_t stride, size_t n,
             float* out) const override {
    const Kernels& k = ActiveKernels();
    for (size_t i = 0; i < n; ++i) {
      out[i] = k.dot_f32(q, reinterpret_cast<const float*>(codes + i * stride), d_);
    }
  }
  void Accumulate(const float* w, const uint8_t* codes, size_t stride, size_t n,
                  float* acc) const override {
    const Kernels& k = ActiveKernels();
    for (size_t i = 0; i < n; ++i) {
      k.axpy_f32(w[i], reinterpret_cast<const float*>(codes + i * stride), acc, d_);
    }
  }

 private:
  size_t d_;
};

class Fp16Codec final : public VectorCodec {
 public:
  explicit Fp16Codec(size_t d) : d_(d) {}
  std::string name() const override { return "fp16"; }
  size_t dim() const override { return d_; }
  size_t max_encoded_bytes() const override { return 2 * d_; }
  size_t Encode(const float* x, uint8_t* out) const override {
    ActiveKernels().f32_to_f16(x, reinterpret_cast<uint16_t*>(out), d_);
    return 2 * d_;
  }
  void Decode(const uint8_t* in, float* out) const override {
    ActiveKernels().f16_to_f32(reinterpret_cast<const uint16_t*>(in), out, d_);
  }
  void Score(const float* q, const uint8_t* codes, size_t stride, size_t n,
             float* out) const override {
    ActiveKernels().score_f16(q, codes, stride, n, d_, out);
  }
  void Accumulate(const float* w, const uint8_t* codes, size_t stride, size_t n,
                  float* acc) const override {
    const Kernels& k = ActiveKernels();
    for (size_t i = 0; i < n; ++i) {
      k.axpy_f16(w[i], reinterpret_cast<const uint16_t*>(codes + i * stride), acc, d_);
    }
  }

 private:
  size_t d_;
};

class UniformKvCodec final : public KvCodec {
 public:
  UniformKvCodec(std::unique_ptr<VectorCodec> k, std::unique_ptr<VectorCodec> v)
      : k_(PerTokenGroups(std::move(k))), v_(PerTokenGroups(std::move(v))) {}
  const GroupCodec& keys(Tier) const override { return *k_; }
  const GroupCodec& values(Tier) const override { return *v_; }
  void Calibrate(const float* keys, const float* values, size_t n) override {
    k_->Calibrate(keys, n);
    v_->Calibrate(values, n);
  }

 private:
  std::unique_ptr<GroupCodec> k_, v_;
};

}  // namespace

std::unique_ptr<VectorCodec> NewFp32Codec(size_t dim) { return std::make_unique<Fp32Codec>(dim); }
std::unique_ptr<VectorCodec> NewFp16Codec(size_t dim) { return std::make_unique<Fp16Codec>(dim); }
std::unique_ptr<KvCodec> NewUniformKvCodec(std::unique_ptr<VectorCodec> key,
                                           std::unique_ptr<VectorCodec> value) {
  return std::make_unique<UniformKvCodec>(std::move(key), std::move(value));
}

}  // namespace kvsim
