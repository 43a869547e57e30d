// Spill files (see temp_file.h).
#include "util/temp_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>

#include "kvsim/error.h"

namespace kvsim {

std::filesystem::path SpillDirectory() { return std::filesystem::temp_directory_path(); }

TempFile::TempFile(const std::filesystem::path& dir) {
  std::string name = (dir / "kvsim-spill-XXXXXX").string();
  const int fd = mkstemp(name.data());
  if (fd < 0) throw Error("cannot make a spill file in " + dir.string() + ": " + std::strerror(errno));
  path_ = name;
  file_ = fdopen(fd, "w+b");
  if (file_ == nullptr) {
    ::close(fd);
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
    throw Error("cannot open the spill file " + name);
  }
}

TempFile::~TempFile() {
  if (file_ == nullptr) return;
  std::fclose(file_);
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

TempFile::TempFile(TempFile&& o) noexcept : file_(o.file_), path_(std::move(o.path_)) {
  o.file_ = nullptr;
}

void TempFile::Write(const void* data, size_t n) {
  if (n > 0 && std::fwrite(data, 1, n, file_) != n) {
    throw Error("cannot write the spill file " + path_.string() + " (disk full?)");
  }
}

void TempFile::Rewind() {
  if (std::fflush(file_) != 0) throw Error("cannot write the spill file " + path_.string());
  std::rewind(file_);
}

}  // namespace kvsim
