// Size checks shared by every reader (see kvsim/input_limits.h).
#include "kvsim/input_limits.h"

#include <fstream>

#include "kvsim/error.h"

namespace kvsim {

std::string ReadFileCapped(const std::string& path, uint64_t max_bytes, const char* remedy) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) throw Error(path + ": cannot read (not a regular file?)");
  if (static_cast<uint64_t>(size) > max_bytes) {
    throw Error(path + ": " + std::to_string(size) + " bytes, more than the limit of " +
                std::to_string(max_bytes) + " for a JSON document (" + remedy + ")");
  }
  in.seekg(0);
  std::string text(static_cast<size_t>(size), '\0');
  if (!in.read(text.data(), size)) throw Error(path + ": read failed");
  return text;
}

void CheckJsonDepth(std::string_view text, int max_depth, const std::string& path,
                    uint64_t first_line) {
  int depth = 0;
  uint64_t line = first_line;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (in_string) {
      if (c == '\\') {
        ++i;  // an escaped character never closes the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        throw Error(path + ": line " + std::to_string(line) + ": JSON nested deeper than " +
                    std::to_string(max_depth) + " levels");
      }
    } else if (c == ']' || c == '}') {
      --depth;  // unbalanced input is the parser's to report
    }
  }
}

}  // namespace kvsim
