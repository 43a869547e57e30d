// Runs the kvsim binary from the source directory, as a user would, for end-to-end tests.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace kvsim::testing {

struct CliResult {
  int code;  // exit code, -1 when killed by a signal
  std::string out;
};

// `redirect` is appended to the shell command: by default stderr joins stdout.
inline CliResult RunKvsim(const std::string& args, const std::string& redirect = "2>&1") {
  const std::string cmd = std::string("cd '") + KVSIM_SOURCE_DIR + "' && '" + KVSIM_BINARY +
                          "' " + args + " " + redirect;
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace kvsim::testing
