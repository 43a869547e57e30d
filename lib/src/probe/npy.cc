// NumPy .npy files (format versions 1.0, 2.0 and 3.0; little-endian float32 or float16 in C
// order) and KV dumps made of them.
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "kvsim/attention.h"
#include "kvsim/kv_source.h"
#include "kvsim/error.h"
#include "kvsim/kernels.h"

namespace kvsim {

namespace {

// The value of `key` in a .npy header dict ({'descr': '<f4', 'fortran_order': False,
// 'shape': (3, 4), }): the text after "'key':", trimmed, up to the end of its quoted string,
// tuple or word. Empty when the key is missing.
std::string HeaderField(const std::string& header, const std::string& key) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos) at = header.find("\"" + key + "\"");
  if (at == std::string::npos) return "";
  at = header.find_first_not_of(" ", at + key.size() + 2);
  if (at == std::string::npos || header[at] != ':') return "";
  at = header.find_first_not_of(" ", at + 1);
  if (at == std::string::npos) return "";
  const char open = header[at];
  if (open == '\'' || open == '"') {
    const size_t close = header.find(open, at + 1);
    return close == std::string::npos ? "" : header.substr(at + 1, close - at - 1);
  }
  if (open == '(') {
    const size_t close = header.find(')', at);
    return close == std::string::npos ? "" : header.substr(at, close - at + 1);
  }
  const size_t stop = header.find_first_of(",} ", at);
  return header.substr(at, stop == std::string::npos ? std::string::npos : stop - at);
}

}  // namespace

NpyArray ParseNpy(std::istream& in, uint64_t size, const std::string& path) {
  char magic[8];
  if (size < 8 || !in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0) {
    throw Error(path + ": not a NumPy .npy file (bad magic)");
  }
  const int major = static_cast<unsigned char>(magic[6]);
  uint32_t header_len = 0;
  uint64_t offset = 10;
  if (major == 1) {
    unsigned char h[2];
    if (!in.read(reinterpret_cast<char*>(h), 2)) throw Error(path + ": truncated header");
    header_len = h[0] | (h[1] << 8);
  } else if (major == 2 || major == 3) {
    unsigned char h[4];
    if (!in.read(reinterpret_cast<char*>(h), 4)) throw Error(path + ": truncated header");
    header_len = h[0] | (h[1] << 8) | (h[2] << 16) | (uint32_t{h[3]} << 24);
    offset = 12;
  } else {
    throw Error(path + ": unsupported .npy format version " + std::to_string(major));
  }
  if (header_len > (1u << 16)) throw Error(path + ": header too large (" + std::to_string(header_len) + " bytes)");
  if (offset + header_len > size) throw Error(path + ": truncated header");
  std::string header(header_len, '\0');
  if (!in.read(header.data(), header_len)) throw Error(path + ": truncated header");
  offset += header_len;
  NpyArray a;
  a.dtype = HeaderField(header, "descr");
  if (a.dtype.empty()) throw Error(path + ": header has no 'descr'");
  if (a.dtype != "<f4" && a.dtype != "<f2") {
    throw Error(path + ": dtype '" + a.dtype + "' is not supported (use float32 '<f4' or float16 '<f2')");
  }
  const std::string order = HeaderField(header, "fortran_order");
  if (order != "True" && order != "False") throw Error(path + ": header has no 'fortran_order'");
  if (order == "True") throw Error(path + ": Fortran-ordered arrays are not supported (save in C order)");
  const std::string tuple = HeaderField(header, "shape");
  if (tuple.size() < 2 || tuple.front() != '(') throw Error(path + ": header has no 'shape'");
  std::stringstream shape(tuple.substr(1, tuple.size() - 2));
  const size_t width = a.dtype == "<f4" ? 4 : 2;
  const uint64_t available = (size - offset) / width;
  uint64_t total = 1;
  for (std::string dim; std::getline(shape, dim, ',');) {
    dim.erase(0, dim.find_first_not_of(" "));
    dim.erase(dim.find_last_not_of(" ") + 1);
    if (dim.empty()) continue;
    if (dim.find_first_not_of("0123456789") != std::string::npos || dim.size() > 12) {
      throw Error(path + ": bad shape entry '" + dim + "'");
    }
    a.shape.push_back(std::stoull(dim));
    if (a.shape.size() > 8) throw Error(path + ": more than 8 dimensions");
    // Checked before anything is allocated: the file must hold every value it declares.
    if (__builtin_mul_overflow(total, a.shape.back(), &total)) {
      throw Error(path + ": bad shape " + tuple + " (more values than any file holds)");
    }
  }
  if (total > available) throw Error(path + ": truncated data (expected " + std::to_string(total) + " values)");
  std::vector<char> raw(total * width);
  if (!in.read(raw.data(), static_cast<std::streamsize>(raw.size()))) {
    throw Error(path + ": truncated data (expected " + std::to_string(total) + " values)");
  }
  a.data.resize(total);
  if (total == 0) {
    // nothing to convert (and memcpy must not see the null pointers of empty vectors)
  } else if (width == 4) {
    std::memcpy(a.data.data(), raw.data(), raw.size());
  } else {
    ScalarKernels().f16_to_f32(reinterpret_cast<const uint16_t*>(raw.data()), a.data.data(), total);
  }
  for (size_t i = 0; i < total; ++i) {
    if (!std::isfinite(a.data[i])) {
      throw Error(path + ": value " + std::to_string(i) + " is not finite (NaN or infinity)");
    }
  }
  return a;
}

NpyArray ReadNpy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) throw Error(path + ": cannot read (not a regular file?)");
  in.seekg(0);
  return ParseNpy(in, static_cast<uint64_t>(size), path);
}

void WriteNpy(const std::string& path, const std::vector<size_t>& shape,
              const std::vector<float>& data, bool half) {
  std::string dims;
  for (size_t d : shape) dims += std::to_string(d) + ", ";
  if (shape.size() > 1) dims.resize(dims.size() - 2);
  std::string header = std::string("{'descr': '") + (half ? "<f2" : "<f4") +
                       "', 'fortran_order': False, 'shape': (" + dims + "), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  if (!out) throw Error(path + ": cannot write");
  out.write("\x93NUMPY\x01\x00", 8);
  const uint16_t len = static_cast<uint16_t>(header.size());
  out.write(reinterpret_cast<const char*>(&len), 2);
  out << header;
  if (half) {
    std::vector<uint16_t> h(data.size());
    ScalarKernels().f32_to_f16(data.data(), h.data(), data.size());
    out.write(reinterpret_cast<const char*>(h.data()), static_cast<std::streamsize>(h.size() * 2));
  } else {
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size() * 4));
  }
}

namespace {

class NpyKvDump final : public KvSource {
 public:
  NpyKvDump(NpyArray keys, NpyArray values, NpyArray queries, const std::string& dir)
      : keys_(std::move(keys)), values_(std::move(values)), queries_(std::move(queries)) {
    auto need3 = [&](const NpyArray& a, const char* name, const char* layout) {
      if (a.shape.size() != 3) {
        throw Error(dir + "/" + name + ": expected shape " + layout + ", got " +
                    std::to_string(a.shape.size()) + " dimensions");
      }
    };
    need3(keys_, "keys.npy", "[tokens, kv_heads, head_dim]");
    need3(values_, "values.npy", "[tokens, kv_heads, head_dim]");
    need3(queries_, "queries.npy", "[queries, heads, head_dim]");
    if (values_.shape != keys_.shape) {
      throw Error(dir + "/values.npy: shape differs from keys.npy");
    }
    const size_t kv = keys_.shape[1], d = keys_.shape[2];
    if (kv == 0) throw Error(dir + "/keys.npy: no kv heads");
    if (queries_.shape[2] != d) throw Error(dir + "/queries.npy: head_dim differs from keys.npy");
    if (queries_.shape[1] == 0 || queries_.shape[1] % kv != 0) {
      throw Error(dir + "/queries.npy: " + std::to_string(queries_.shape[1]) +
                  " query heads are not a multiple of " + std::to_string(kv) + " kv heads");
    }
    if (keys_.shape[0] == 0 || queries_.shape[0] == 0) throw Error(dir + ": empty dump");
    if (d == 0 || d % 8 != 0 || d > 1024) {
      throw Error(dir + ": head_dim must be a multiple of 8 up to 1024");
    }
    if (kv > (1u << 16)) throw Error(dir + "/keys.npy: more than 65536 kv heads");
  }

  std::string name() const override { return "kv-dump"; }
  uint32_t head_dim() const override { return static_cast<uint32_t>(keys_.shape[2]); }
  uint32_t kv_heads() const override { return static_cast<uint32_t>(keys_.shape[1]); }
  size_t max_tokens() const override { return keys_.shape[0]; }

  AttentionCase Case(TokenSpan tokens, uint32_t, uint32_t kv_head, size_t queries,
                     uint64_t) const override {
    const size_t kv = keys_.shape[1], d = keys_.shape[2];
    const size_t n = std::min(tokens.size(), keys_.shape[0]);
    AttentionCase c;
    c.n = n;
    c.d = d;
    c.keys.resize(n * d);
    c.values.resize(n * d);
    for (size_t t = 0; t < n; ++t) {
      std::memcpy(&c.keys[t * d], &keys_.data[(t * kv + kv_head) * d], d * 4);
      std::memcpy(&c.values[t * d], &values_.data[(t * kv + kv_head) * d], d * 4);
    }
    // Every query of every query head in this kv head's group.
    const size_t heads = queries_.shape[1], group = heads / kv;
    for (size_t qi = 0; qi < queries_.shape[0] && c.m < queries; ++qi) {
      for (size_t h = kv_head * group; h < (kv_head + 1) * group && c.m < queries; ++h) {
        const float* q = &queries_.data[(qi * heads + h) * d];
        c.queries.insert(c.queries.end(), q, q + d);
        ++c.m;
      }
    }
    return c;
  }

 private:
  NpyArray keys_, values_, queries_;
};

}  // namespace

std::unique_ptr<KvSource> LoadKvDump(const std::string& dir) {
  NpyArray keys = ReadNpy(dir + "/keys.npy");  // in this order, so errors name the first bad file
  NpyArray values = ReadNpy(dir + "/values.npy");
  NpyArray queries = ReadNpy(dir + "/queries.npy");
  return MakeKvDump(std::move(keys), std::move(values), std::move(queries), dir);
}

std::unique_ptr<KvSource> MakeKvDump(NpyArray keys, NpyArray values, NpyArray queries,
                                     const std::string& dir) {
  return std::make_unique<NpyKvDump>(std::move(keys), std::move(values), std::move(queries), dir);
}

}  // namespace kvsim
