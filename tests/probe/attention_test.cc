// Attention error: exact for lossless codecs, small for fp16, ordered by bits, the metrics
// against an independent double-precision reference, and the .npy reader.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>

#include "kvsim/attention.h"
#include "kvsim/kv_source.h"
#include "kvsim/error.h"
#include "kvsim/strategy.h"
#include "support/temp_dir.h"

namespace kvsim {
namespace {

std::unique_ptr<KvCodec> Make(const std::string& spec, uint32_t d = 128) {
  const Strategy s = ParseStrategy("radix+" + spec);
  return MakeCodec(s.codec, s.codec_options, d, 42);
}

std::vector<Token> Tokens(size_t n, Token from = 1) {
  std::vector<Token> t(n);
  std::iota(t.begin(), t.end(), from);
  return t;
}

AttentionSummary Run(const std::string& spec, size_t n, size_t heads = 4, size_t queries = 16) {
  auto source = NewSyntheticKv(128, 8, 7);
  auto codec = Make(spec);
  std::vector<AttentionSample> samples;
  const auto tokens = Tokens(n);
  for (size_t h = 0; h < heads; ++h) {
    AttentionCase c = source->Case(tokens, 0, static_cast<uint32_t>(h), queries, h);
    c.hot_from = codec->HotFrom(n);
    EvaluateCase(c, ComputeExact(c), *codec, &samples);
  }
  return Summarize(samples, "synthetic", heads, heads * n);
}

TEST_CASE("fp32 gives exactly zero error; fp16 below 1e-3") {
  const auto f32 = Run("fp32", 512);
  CHECK(f32.rel_l2_mean == 0.0);
  CHECK(f32.rel_l2_p99 == 0.0);
  CHECK(f32.kl_mean == 0.0);
  CHECK(f32.score_rmse_mean == 0.0);
  CHECK(f32.top8_mean == 1.0);
  CHECK(f32.cosine_min == 1.0);
  const auto f16 = Run("fp16", 512);
  MESSAGE("fp16 rel-L2 " << f16.rel_l2_mean << ", entropy " << f16.entropy_mean);
  CHECK(f16.rel_l2_mean > 0);
  CHECK(f16.rel_l2_mean < 1e-3);
  CHECK(f16.top8_mean > 0.99);
}

TEST_CASE("attention is neither uniform nor one-hot on the synthetic KV") {
  const auto s = Run("fp16", 1024);
  CHECK(s.entropy_mean > 1.0);
  CHECK(s.entropy_mean < std::log(1024.0) - 1.0);
}

TEST_CASE("TurboQuant error falls strictly as bits rise from 1 to 4, mse and prod keys") {
  for (const char* mode : {"mse", "prod"}) {
    double last = 1e9;
    for (int b = 1; b <= 4; ++b) {
      const std::string bits = std::to_string(b);
      const auto s = Run(std::string("turboquant:key_mode=") + mode + ",key_bits=" + bits +
                             ",value_bits=" + bits, 512);
      MESSAGE(std::string(mode) << " b=" << b << ": rel-L2 " << s.rel_l2_mean);
      CHECK(s.rel_l2_mean < last);
      last = s.rel_l2_mean;
    }
  }
}

TEST_CASE("two-tier has less error than q4 alone on the same context") {
  const auto q4 = Run("q4", 1024), two = Run("two-tier", 1024);
  CHECK(two.rel_l2_mean < q4.rel_l2_mean);
  CHECK(two.kl_mean < q4.kl_mean);
  // With the whole context inside the fp16 tail, two-tier is fp16.
  const auto short_two = Run("two-tier:tail=2048", 1024), f16 = Run("fp16", 1024);
  CHECK(short_two.rel_l2_mean == f16.rel_l2_mean);
}

// The metrics recomputed from decoded vectors in double precision, with no kernel involved.
TEST_CASE("metrics agree with a double-precision reference on decoded KV") {
  auto source = NewSyntheticKv(128, 8, 11);
  for (const char* spec : {"q4", "turboquant:key_bits=3,value_bits=3", "two-tier:tail=100"}) {
    auto codec = Make(spec);
    AttentionCase c = source->Case(Tokens(300), 1, 2, 6, 5);
    c.hot_from = codec->HotFrom(c.n);
    std::vector<AttentionSample> got;
    EvaluateCase(c, ComputeExact(c), *codec, &got);
    REQUIRE(got.size() == 6);
    const size_t n = c.n, d = c.d;
    std::vector<float> kd(n * d), vd(n * d);
    for (size_t i = 0; i < n; ++i) {
      const Tier t = i >= c.hot_from ? Tier::kHot : Tier::kCold;
      std::vector<uint8_t> b(std::max(codec->key(t).max_encoded_bytes(), codec->value(t).max_encoded_bytes()));
      codec->key(t).Encode(&c.keys[i * d], b.data());
      codec->key(t).Decode(b.data(), &kd[i * d]);
      codec->value(t).Encode(&c.values[i * d], b.data());
      codec->value(t).Decode(b.data(), &vd[i * d]);
    }
    auto attend = [&](const float* q, const std::vector<float>& k, const std::vector<float>& v,
                      std::vector<double>* logits, std::vector<double>* p, std::vector<double>* o) {
      logits->assign(n, 0);
      p->assign(n, 0);
      o->assign(d, 0);
      double mx = -1e300, z = 0;
      for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < d; ++j) (*logits)[i] += double(q[j]) * k[i * d + j];
        (*logits)[i] /= std::sqrt(double(d));
        mx = std::max(mx, (*logits)[i]);
      }
      for (size_t i = 0; i < n; ++i) z += ((*p)[i] = std::exp((*logits)[i] - mx));
      for (size_t i = 0; i < n; ++i) {
        (*p)[i] /= z;
        for (size_t j = 0; j < d; ++j) (*o)[j] += (*p)[i] * v[i * d + j];
      }
    };
    for (size_t qi = 0; qi < c.m; ++qi) {
      std::vector<double> l0, p0, o0, l1, p1, o1;
      attend(&c.queries[qi * d], c.keys, c.values, &l0, &p0, &o0);
      attend(&c.queries[qi * d], kd, vd, &l1, &p1, &o1);
      double diff = 0, on = 0, se = 0, kl = 0;
      for (size_t j = 0; j < d; ++j) {
        diff += (o1[j] - o0[j]) * (o1[j] - o0[j]);
        on += o0[j] * o0[j];
      }
      for (size_t i = 0; i < n; ++i) {
        se += (l1[i] - l0[i]) * (l1[i] - l0[i]);
        if (p0[i] > 0) kl += p0[i] * std::log(p0[i] / p1[i]);
      }
      const double rel = std::sqrt(diff / on), rmse = std::sqrt(se / double(n));
      CHECK_MESSAGE(got[qi].output_rel_l2 == doctest::Approx(rel).epsilon(1e-3).scale(1e-5), spec);
      CHECK_MESSAGE(got[qi].score_rmse == doctest::Approx(rmse).epsilon(1e-3), spec);
      CHECK_MESSAGE(got[qi].weights_kl == doctest::Approx(kl).epsilon(2e-2).scale(1e-6), spec);
    }
  }
}

TEST_CASE("requests that share a prefix share its KV") {
  auto source = NewSyntheticKv(64, 2, 3);
  auto a = Tokens(50), b = Tokens(50);
  for (size_t i = 30; i < 50; ++i) b[i] += 1000;
  const AttentionCase ca = source->Case(a, 0, 1, 1, 0), cb = source->Case(b, 0, 1, 1, 0);
  CHECK(std::equal(ca.keys.begin(), ca.keys.begin() + 30 * 64, cb.keys.begin()));
  CHECK(std::equal(ca.values.begin(), ca.values.begin() + 30 * 64, cb.values.begin()));
  CHECK(!std::equal(ca.keys.begin() + 30 * 64, ca.keys.begin() + 31 * 64, cb.keys.begin() + 30 * 64));
}

TEST_CASE(".npy files round-trip in float32 and float16; dumps feed the probe") {
  testing::TempDir dir;
  std::vector<float> data(2 * 3 * 16);
  for (size_t i = 0; i < data.size(); ++i) data[i] = 0.25f * float(i) - 3.f;
  WriteNpy(dir.Path("a.npy"), {2, 3, 16}, data);
  WriteNpy(dir.Path("b.npy"), {2, 3, 16}, data, /*half=*/true);
  const NpyArray a = ReadNpy(dir.Path("a.npy")), b = ReadNpy(dir.Path("b.npy"));
  CHECK(a.shape == std::vector<size_t>{2, 3, 16});
  CHECK(a.dtype == "<f4");
  CHECK(b.dtype == "<f2");
  CHECK(a.data == data);
  CHECK(b.data == data);  // exactly representable in fp16

  // A dump with grouped-query attention: 4 query heads over 2 KV heads.
  auto source = NewSyntheticKv(16, 2, 1);
  std::vector<float> k(40 * 2 * 16), v(40 * 2 * 16), q(3 * 4 * 16, 0.1f);
  for (size_t i = 0; i < k.size(); ++i) {
    k[i] = std::sin(float(i));
    v[i] = std::cos(float(i));
  }
  WriteNpy(dir.Path("keys.npy"), {40, 2, 16}, k, true);
  WriteNpy(dir.Path("values.npy"), {40, 2, 16}, v);
  WriteNpy(dir.Path("queries.npy"), {3, 4, 16}, q);
  auto dump = LoadKvDump(dir.Path(""));
  CHECK(dump->kv_heads() == 2);
  CHECK(dump->head_dim() == 16);
  CHECK(dump->max_tokens() == 40);
  const AttentionCase c = dump->Case(Tokens(100), 0, 1, 100, 0);
  CHECK(c.n == 40);
  CHECK(c.m == 6);  // 3 queries x 2 query heads of this group
  std::vector<AttentionSample> s;
  EvaluateCase(c, ComputeExact(c), *Make("fp32", 16), &s);
  CHECK(s.size() == 6);
}

std::string NpyError(const std::string& bytes) {
  testing::TempDir dir;
  const std::string p = dir.Write("x.npy", bytes);
  try {
    ReadNpy(p);
  } catch (const Error& e) {
    std::string m = e.what();
    return m.substr(m.find("x.npy"));
  }
  return "(no error)";
}

std::string Header(const std::string& dict, size_t data_bytes = 0) {
  std::string h = dict;
  while ((10 + h.size() + 1) % 64 != 0) h += ' ';
  h += '\n';
  std::string out = std::string("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(h.size() & 0xff);
  out += static_cast<char>(h.size() >> 8);
  return out + h + std::string(data_bytes, '\0');
}

TEST_CASE("malformed .npy files are rejected with a clear message") {
  CHECK(NpyError("hello") == "x.npy: not a NumPy .npy file (bad magic)");
  CHECK(NpyError(Header("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", 8)) ==
        "x.npy: dtype '<i4' is not supported (use float32 '<f4' or float16 '<f2')");
  CHECK(NpyError(Header("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", 8)) ==
        "x.npy: Fortran-ordered arrays are not supported (save in C order)");
  CHECK(NpyError(Header("{'descr': '<f4', 'fortran_order': False, }", 8)) ==
        "x.npy: header has no 'shape'");
  CHECK(NpyError(Header("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", 8)) ==
        "x.npy: truncated data (expected 4 values)");
  CHECK(NpyError(Header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", 8)) ==
        "x.npy: bad shape entry 'x'");
  std::string nan = Header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }");
  const float q = std::nanf("");
  nan.append(reinterpret_cast<const char*>(&q), 4);
  CHECK(NpyError(nan) == "x.npy: value 0 is not finite (NaN or infinity)");
  CHECK(NpyError(std::string("\x93NUMPY\x01\x00", 8)) == "x.npy: truncated header");
  // Sizes are checked against the file before anything is allocated: a header that declares
  // 2^60 values (or more than 64 bits can count) fails at once, under ASan too.
  CHECK(NpyError(Header("{'descr': '<f4', 'fortran_order': False, 'shape': (1073741824, 1073741824), }", 8)) ==
        "x.npy: truncated data (expected 1152921504606846976 values)");
  CHECK(NpyError(Header("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", 8)) ==
        "x.npy: bad shape (4294967296, 4294967296, 4294967296) (more values than any file holds)");
  CHECK(NpyError(Header("{'descr':'<f4','fortran_order':False,'shape':(2,)}", 8)) == "(no error)");
  // Found by fuzzing: an array with a zero dimension passed null pointers to memcpy (UBSan).
  CHECK(NpyError(Header("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 2, 8), }")) ==
        "(no error)");
  CHECK(NpyError(Header("{'descr': '<f2', 'fortran_order': False, 'shape': (3, 0), }")) ==
        "(no error)");
}

TEST_CASE("KV dumps with zero heads or dimensions are refused, not divided by") {
  for (const std::vector<size_t>& shape :
       {std::vector<size_t>{4, 0, 16}, std::vector<size_t>{4, 1, 0}, std::vector<size_t>{0, 1, 16}}) {
    size_t n = shape[0] * shape[1] * shape[2];
    NpyArray a{shape, "<f4", std::vector<float>(n, 1.0f)};
    CHECK_THROWS_AS(MakeKvDump(a, a, a, "d"), Error);
  }
  NpyArray kv{{4, 2, 16}, "<f4", std::vector<float>(128, 1.0f)};
  NpyArray q{{1, 0, 16}, "<f4", {}};
  CHECK_THROWS_WITH_AS(MakeKvDump(kv, kv, q, "d"),
                       "d/queries.npy: 0 query heads are not a multiple of 2 kv heads", Error);
}

TEST_CASE("bad dump shapes name the file") {
  testing::TempDir dir;
  WriteNpy(dir.Path("keys.npy"), {4, 16}, std::vector<float>(64));
  WriteNpy(dir.Path("values.npy"), {4, 16}, std::vector<float>(64));
  WriteNpy(dir.Path("queries.npy"), {1, 1, 16}, std::vector<float>(16));
  CHECK_THROWS_WITH_AS(LoadKvDump(dir.Path("")),
                       (dir.Path("") + "/keys.npy: expected shape [tokens, kv_heads, head_dim], got 2 dimensions").c_str(),
                       Error);
  WriteNpy(dir.Path("keys.npy"), {4, 2, 16}, std::vector<float>(128));
  WriteNpy(dir.Path("values.npy"), {4, 2, 16}, std::vector<float>(128));
  WriteNpy(dir.Path("queries.npy"), {1, 3, 16}, std::vector<float>(48));
  CHECK_THROWS_WITH_AS(LoadKvDump(dir.Path("")),
                       (dir.Path("") + "/queries.npy: 3 query heads are not a multiple of 2 kv heads").c_str(),
                       Error);
}

}  // namespace
}  // namespace kvsim
