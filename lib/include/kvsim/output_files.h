// OutputFiles: how every kvsim command writes what it produces, all or nothing.
//
// A command declares its inputs and outputs before it does any work; Declare checks each output
// path at once, so a typo in a directory fails in a millisecond, not after an hour's sweep. The
// content is handed over as it is produced (Set, Print) and nothing touches the file system until
// Commit, which writes every output or none of them:
//   - "-" is standard output; the human-readable text then goes to standard error, so that a
//     pipe receives only the data;
//   - an existing path that is not a regular file (a FIFO, a device, the terminal, whatever
//     standard output is) is written in place, never replaced;
//   - a symbolic link is followed and its target written; the link itself stays;
//   - a regular file or a new path is written atomically: a temporary file in the target's
//     directory, renamed over the target only after every output has been written; a replaced
//     file keeps its permission bits.
// Refused when declared (kvsim::Error naming the option and the path): a directory, a socket, a
// directory that does not exist or is not writable, an output that is the same file as an input
// of the command or as another output, and two outputs on standard output.
//
// Not thread-safe; one instance per command.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace kvsim {

class OutputFiles {
 public:
  // `inputs`: the files the command reads; an output naming one of them is refused.
  explicit OutputFiles(std::vector<std::string> inputs = {});
  ~OutputFiles();
  OutputFiles(const OutputFiles&) = delete;
  OutputFiles& operator=(const OutputFiles&) = delete;

  // Checks `path` as the output of `option` ("--json") and reserves it. An empty path declares
  // nothing. Throws Error.
  void Declare(const std::string& option, const std::string& path);

  // True when a declared output is standard output.
  bool DataOnStdout() const;

  // Sets the whole content of a declared output.
  // REQUIRES: `path` was declared (or added) and is not empty.
  void Set(const std::string& path, std::string text);

  // Declares and sets in one step an output found only once the work is done (a report's
  // chart files beside it); checked as Declare checks. Throws Error.
  void Add(const std::string& option, const std::string& path, std::string text);

  // Appends human-readable text (a table, a summary): written at Commit to standard output, or
  // to standard error when standard output carries data.
  void Print(const std::string& text);

  // Writes every output, or none: temporaries first, then standard output, in-place files, the
  // human-readable text, and the renames. Throws Error on a failed write (standard output included) and Interrupted when
  // a stop was requested; either way no temporary is left and nothing was renamed. Returns the
  // files written (not standard output), in declaration order.
  // REQUIRES: every declared output was Set.
  std::vector<std::string> Commit();

 private:
  struct Output;
  void Check(Output& out) const;
  Output& Find(const std::string& path);
  std::vector<std::string> WriteAll();
  void RemoveTemporaries();
  std::vector<std::string> inputs_;
  std::vector<std::unique_ptr<Output>> outputs_;
  std::string human_;
};

}  // namespace kvsim
