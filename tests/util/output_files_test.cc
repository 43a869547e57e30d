// OutputFiles: the output-file rules, case by case, in a temporary directory (never against the
// machine's real device nodes: the devices here are made with mknod inside the directory).
#include "kvsim/output_files.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "kvsim/cancel.h"
#include "kvsim/error.h"
#include "support/error_of.h"
#include "support/temp_dir.h"

namespace kvsim {
namespace {
namespace fs = std::filesystem;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

using testing::ErrorOf;

bool MakeDevice(const std::string& path, unsigned major, unsigned minor) {
  return ::mknod(path.c_str(), S_IFCHR | 0666, makedev(major, minor)) == 0;
}

TEST_CASE("nothing is written before Commit; a new file is written whole") {
  testing::TempDir dir;
  OutputFiles files;
  files.Declare("--json", dir.Path("r.json"));
  files.Set(dir.Path("r.json"), "{}\n");
  CHECK_FALSE(fs::exists(dir.Path("r.json")));
  CHECK(files.Commit() == std::vector<std::string>{dir.Path("r.json")});
  CHECK(Slurp(dir.Path("r.json")) == "{}\n");
  CHECK(dir.Entries() == 1);
}

TEST_CASE("a symbolic link is followed: its target is written and the link stays") {
  testing::TempDir dir;
  dir.Write("target.json", "old");
  fs::create_symlink("target.json", dir.Path("link.json"));
  fs::create_symlink("missing.json", dir.Path("dangling.json"));
  OutputFiles files;
  files.Declare("--json", dir.Path("link.json"));
  files.Declare("--csv", dir.Path("dangling.json"));
  files.Set(dir.Path("link.json"), "new");
  files.Set(dir.Path("dangling.json"), "csv");
  files.Commit();
  CHECK(fs::is_symlink(dir.Path("link.json")));
  CHECK(Slurp(dir.Path("target.json")) == "new");
  CHECK(fs::is_symlink(dir.Path("dangling.json")));
  CHECK(Slurp(dir.Path("missing.json")) == "csv");
}

TEST_CASE("a FIFO is written in place, never replaced") {
  testing::TempDir dir;
  const std::string fifo = dir.Path("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string got;
  std::thread reader([&] { got = Slurp(fifo); });
  OutputFiles files;
  files.Declare("--json", fifo);
  files.Set(fifo, "through the pipe");
  files.Commit();
  reader.join();
  CHECK(got == "through the pipe");
  CHECK(fs::is_fifo(fifo));
}

TEST_CASE("devices are written in place; a failing one leaves no other output") {
  testing::TempDir dir;
  if (!MakeDevice(dir.Path("null"), 1, 3) || !MakeDevice(dir.Path("full"), 1, 7)) {
    MESSAGE("mknod is not permitted here (not root): device cases skipped");
    return;
  }
  {
    OutputFiles files;
    files.Declare("--json", dir.Path("null"));
    files.Set(dir.Path("null"), "gone");
    files.Commit();
    CHECK(fs::is_character_file(dir.Path("null")));
  }
  OutputFiles files;
  files.Declare("--json", dir.Path("r.json"));
  files.Declare("--csv", dir.Path("full"));
  files.Set(dir.Path("r.json"), "{}");
  files.Set(dir.Path("full"), "a,b\n");
  const std::string error = ErrorOf([&] { files.Commit(); });
  CHECK(error.find("--csv '" + dir.Path("full") + "': write failed") != std::string::npos);
  CHECK(fs::is_character_file(dir.Path("full")));
  CHECK_FALSE(fs::exists(dir.Path("r.json")));
  CHECK(dir.Entries() == 2);  // null and full: no temporary left
}

TEST_CASE("an output that names an input is refused, by any name") {
  testing::TempDir dir;
  const std::string w = dir.Write("w.json", "workload");
  fs::create_symlink("w.json", dir.Path("alias.json"));
  fs::create_hard_link(w, dir.Path("hard.json"));
  for (const std::string& out : {w, dir.Path("alias.json"), dir.Path("hard.json"),
                                 dir.Path("./w.json")}) {
    OutputFiles files({w});
    const std::string error = ErrorOf([&] { files.Declare("--json", out); });
    CHECK_MESSAGE(error.find("is an input of this command") != std::string::npos, out);
  }
  CHECK(Slurp(w) == "workload");
}

TEST_CASE("refused when declared: directories, missing directories, doubles") {
  testing::TempDir dir;
  OutputFiles files;
  CHECK(ErrorOf([&] { files.Declare("--json", dir.Path("")); }).find("is a directory") !=
        std::string::npos);
  CHECK(ErrorOf([&] { files.Declare("--csv", dir.Path("no/such/x.csv")); })
            .find("--csv '" + dir.Path("no/such/x.csv") + "': the directory") != std::string::npos);
  files.Declare("--json", dir.Path("a.json"));
  CHECK(ErrorOf([&] { files.Declare("--csv", dir.Path("./a.json")); })
            .find("--json already writes this file") != std::string::npos);
  files.Declare("--json", "-");
  CHECK(files.DataOnStdout());
  CHECK(ErrorOf([&] { files.Declare("--csv", "-"); })
            .find("already writes to standard output") != std::string::npos);
}

TEST_CASE("a replaced file keeps its permission bits") {
  testing::TempDir dir;
  const std::string p = dir.Write("r.json", "old");
  fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write);
  OutputFiles files;
  files.Declare("--json", p);
  files.Set(p, "new");
  files.Commit();
  CHECK(Slurp(p) == "new");
  CHECK(fs::status(p).permissions() == (fs::perms::owner_read | fs::perms::owner_write));
}

TEST_CASE("a stop before the renames leaves nothing behind") {
  testing::TempDir dir;
  OutputFiles files;
  files.Declare("--json", dir.Path("r.json"));
  files.Set(dir.Path("r.json"), "{}");
  RequestStop();
  CHECK_THROWS_AS(files.Commit(), Interrupted);
  ClearStop();
  CHECK(dir.Entries() == 0);
}

}  // namespace
}  // namespace kvsim
