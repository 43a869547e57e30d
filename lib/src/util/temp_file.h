// A temporary file that removes itself: spill space for passes whose data outgrow RAM.
// Internal header.
#pragma once

#include <cstdio>
#include <filesystem>

namespace kvsim {

// The directory spill files go to: $TMPDIR, else the system's (std::filesystem's rule).
std::filesystem::path SpillDirectory();

// A fresh file of a unique name in `dir`, open for reading and writing; removed when the
// object goes, whether the pass finished or threw. Throws Error when it cannot be made.
class TempFile {
 public:
  explicit TempFile(const std::filesystem::path& dir);
  ~TempFile();
  TempFile(TempFile&& o) noexcept;
  TempFile& operator=(TempFile&&) = delete;
  TempFile(const TempFile&) = delete;

  std::FILE* file() const { return file_; }
  const std::filesystem::path& path() const { return path_; }
  // Writes n bytes at the end of what was written. Throws Error on a short write (disk full).
  void Write(const void* data, size_t n);
  // Makes what was written readable from the start (a file's writes, then its reads).
  void Rewind();

 private:
  std::FILE* file_ = nullptr;
  std::filesystem::path path_;
};

}  // namespace kvsim
