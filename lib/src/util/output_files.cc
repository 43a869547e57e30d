#include "kvsim/output_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "kvsim/cancel.h"
#include "kvsim/error.h"

namespace kvsim {
namespace fs = std::filesystem;

namespace {

enum class Mode { kStdout, kInPlace, kAtomic };

std::string Quoted(const std::string& option, const std::string& path) {
  return option + " '" + path + "'";
}

std::string SysError() { return std::strerror(errno); }

bool SameFile(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Follows a chain of symbolic links whose last target does not exist yet: the file to create.
fs::path DanglingTarget(fs::path path, const std::string& what) {
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(path, ec))) return path;
    const fs::path next = fs::read_symlink(path, ec);
    if (ec) throw Error(what + ": cannot read the link: " + ec.message());
    path = next.is_absolute() ? next : path.parent_path() / next;
  }
  throw Error(what + ": too many levels of symbolic links");
}

void CheckDirectory(const fs::path& target, const std::string& what) {
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    throw Error(what + ": the directory '" + dir.string() + "' does not exist");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    throw Error(what + ": the directory '" + dir.string() + "' is not writable");
  }
}

bool WriteFd(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool WriteStream(std::FILE* stream, std::ostream& cxx, const std::string& text) {
  cxx.flush();
  if (!text.empty() && std::fwrite(text.data(), 1, text.size(), stream) != text.size()) return false;
  return std::fflush(stream) == 0 && !std::ferror(stream);
}

}  // namespace

struct OutputFiles::Output {
  std::string option, path;  // as the user wrote them
  Mode mode = Mode::kAtomic;
  fs::path target;  // kAtomic: the file renamed over (links resolved); kInPlace: the path opened
  bool exists = false;
  struct stat st {};
  std::string text;
  bool set = false;
  fs::path temp;  // kAtomic, during Commit
};

OutputFiles::OutputFiles(std::vector<std::string> inputs) : inputs_(std::move(inputs)) {}

OutputFiles::~OutputFiles() { RemoveTemporaries(); }

void OutputFiles::RemoveTemporaries() {
  for (const auto& o : outputs_) {
    if (!o->temp.empty()) ::unlink(o->temp.c_str());
    o->temp.clear();
  }
}

void OutputFiles::Check(Output& o) const {
  const std::string what = Quoted(o.option, o.path);
  if (o.path == "-") {
    o.mode = Mode::kStdout;
  } else if (::stat(o.path.c_str(), &o.st) == 0) {
    o.exists = true;
    struct stat out;
    if (S_ISDIR(o.st.st_mode)) throw Error(what + ": is a directory; give a file name");
    if (S_ISSOCK(o.st.st_mode)) throw Error(what + ": is a socket; kvsim writes files, FIFOs and devices");
    if (::fstat(STDOUT_FILENO, &out) == 0 && SameFile(o.st, out)) {
      o.mode = Mode::kStdout;
    } else if (!S_ISREG(o.st.st_mode)) {
      o.mode = Mode::kInPlace;
      o.target = o.path;
      if (::access(o.path.c_str(), W_OK) != 0) throw Error(what + ": not writable");
    } else {
      o.target = fs::canonical(o.path);
      CheckDirectory(o.target, what);
    }
  } else if (errno == ENOENT) {
    o.target = DanglingTarget(o.path, what);
    CheckDirectory(o.target, what);
  } else {
    throw Error(what + ": " + SysError());
  }
  for (const auto& in : inputs_) {
    struct stat ist;
    if (o.exists && ::stat(in.c_str(), &ist) == 0 && SameFile(o.st, ist)) {
      throw Error(what + ": is an input of this command ('" + in + "'); choose another file");
    }
  }
  for (const auto& other : outputs_) {
    const bool same_stdout = o.mode == Mode::kStdout && other->mode == Mode::kStdout;
    const bool same_file = o.mode != Mode::kStdout && other->mode != Mode::kStdout &&
                           ((o.exists && other->exists && SameFile(o.st, other->st)) ||
                            fs::absolute(o.target).lexically_normal() ==
                                fs::absolute(other->target).lexically_normal());
    if (same_stdout) throw Error(what + ": " + other->option + " already writes to standard output");
    if (same_file) throw Error(what + ": " + other->option + " already writes this file");
  }
}

void OutputFiles::Declare(const std::string& option, const std::string& path) {
  if (path.empty()) return;
  auto o = std::make_unique<Output>();
  o->option = option;
  o->path = path;
  Check(*o);
  outputs_.push_back(std::move(o));
}

bool OutputFiles::DataOnStdout() const {
  for (const auto& o : outputs_) {
    if (o->mode == Mode::kStdout) return true;
  }
  return false;
}

OutputFiles::Output& OutputFiles::Find(const std::string& path) {
  for (auto& o : outputs_) {
    if (o->path == path) return *o;
  }
  throw std::logic_error("OutputFiles: '" + path + "' was not declared");
}

void OutputFiles::Set(const std::string& path, std::string text) {
  Output& o = Find(path);
  o.text = std::move(text);
  o.set = true;
}

void OutputFiles::Add(const std::string& option, const std::string& path, std::string text) {
  Declare(option, path);
  Set(path, std::move(text));
}

void OutputFiles::Print(const std::string& text) { human_ += text; }

namespace {

// Creates the temporary beside `o.target` and writes `text` into it; returns its path.
fs::path WriteTemporary(const std::string& what, const fs::path& target, const std::string& text,
                        const struct stat* old) {
  static int counter = 0;
  const fs::path temp = target.parent_path() / ("." + target.filename().string() + ".kvsim-" +
                                                std::to_string(::getpid()) + "-" +
                                                std::to_string(counter++) + ".tmp");
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) throw Error(what + ": cannot create a temporary file: " + SysError());
  bool ok = WriteFd(fd, text) && ::fsync(fd) == 0;
  if (ok && old != nullptr) ok = ::fchmod(fd, old->st_mode & 07777) == 0;
  const std::string why = SysError();
  ok = (::close(fd) == 0) && ok;
  if (!ok) {
    ::unlink(temp.c_str());
    throw Error(what + ": write failed: " + why);
  }
  return temp;
}

void WriteInPlace(const std::string& what, const fs::path& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) throw Error(what + ": cannot open for writing: " + SysError());
  const bool ok = WriteFd(fd, text);
  const std::string why = SysError();
  ::close(fd);
  if (!ok) throw Error(what + ": write failed: " + why);
}

}  // namespace

std::vector<std::string> OutputFiles::Commit() {
  try {
    return WriteAll();
  } catch (...) {
    RemoveTemporaries();
    throw;
  }
}

std::vector<std::string> OutputFiles::WriteAll() {
  for (auto& o : outputs_) {
    if (!o->set) throw std::logic_error("OutputFiles: '" + o->path + "' was never set");
    if (o->mode == Mode::kAtomic) {
      o->temp = WriteTemporary(Quoted(o->option, o->path), o->target, o->text,
                               o->exists ? &o->st : nullptr);
    }
  }
  ThrowIfStopped();
  const bool data_on_stdout = DataOnStdout();
  for (auto& o : outputs_) {
    if (o->mode == Mode::kStdout && !WriteStream(stdout, std::cout, o->text)) {
      throw Error("cannot write to standard output: " + SysError());
    }
  }
  for (auto& o : outputs_) {
    if (o->mode == Mode::kInPlace) WriteInPlace(Quoted(o->option, o->path), o->target, o->text);
  }
  if (!human_.empty()) {
    const bool ok = data_on_stdout ? WriteStream(stderr, std::cerr, human_)
                                   : WriteStream(stdout, std::cout, human_);
    if (!ok && !data_on_stdout) throw Error("cannot write to standard output: " + SysError());
  }
  std::vector<std::string> written;
  for (auto& o : outputs_) {
    if (o->mode == Mode::kStdout) continue;
    if (o->mode == Mode::kAtomic) {
      if (::rename(o->temp.c_str(), o->target.c_str()) != 0) {
        throw Error(Quoted(o->option, o->path) + ": cannot write: " + SysError());
      }
      o->temp.clear();
    }
    written.push_back(o->path);
  }
  return written;
}

}  // namespace kvsim
