// NumPy .npy arrays: read (float32 or float16, C order, versions 1-3) and written, for KV dumps.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace kvsim {

// A NumPy array read whole (float32 or float16, C order), converted to float32.
struct NpyArray {
  std::vector<size_t> shape;
  std::string dtype;  // "<f4" or "<f2"
  std::vector<float> data;
};
NpyArray ReadNpy(const std::string& path);
// Parses an .npy held in `in` (`size` bytes from its position); `path` names it in messages.
// Checks every size against `size` before allocating.
NpyArray ParseNpy(std::istream& in, uint64_t size, const std::string& path);
// Writes a float32 (or, with half = true, float16) array; for tests and tools.
void WriteNpy(const std::string& path, const std::vector<size_t>& shape,
              const std::vector<float>& data, bool half = false);


}  // namespace kvsim
