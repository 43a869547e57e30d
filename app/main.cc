// kvsim: replays LLM serving workloads against KV-cache strategies. This file only wires the
// subcommands together and maps failures to exit codes (0 ok, 1 regression, 2 bad input/usage,
// 70 internal error (a bug), 130 stopped by SIGINT). A first Ctrl-C asks the run to stop cleanly (no output file is
// left); a second one ends the process at once.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "commands.h"
#include "kvsim/cancel.h"
#include "kvsim/error.h"
#include "kvsim/input_limits.h"

namespace kvsim::cli {
namespace {
std::vector<std::string> g_command;
}
const std::vector<std::string>& CommandLine() { return g_command; }

nlohmann::ordered_json ReadJsonFile(const std::string& path) {
  const InputLimits limits;
  const std::string text = ReadFileCapped(path, limits.max_json_bytes, "kvsim never writes result files this large");
  CheckJsonDepth(text, limits.max_json_depth, path);
  try {
    return nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": not valid JSON (" + std::string(e.what()) + ")");
  }
}
}  // namespace kvsim::cli

namespace {
extern "C" void OnInterrupt(int) {
  kvsim::RequestStop();
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
}
}  // namespace

// Text printed straight to standard output (tables, listings) is only known to have arrived once
// it is flushed: `kvsim run ... > /dev/full` must not exit 0.
static int CheckStdout(int code) {
  std::cout.flush();
  if (std::fflush(stdout) == 0 && !std::ferror(stdout) && std::cout) return code;
  std::cerr << "kvsim: error: cannot write to standard output: " << std::strerror(errno) << "\n";
  return code == 0 ? 2 : code;
}

int main(int argc, char** argv) {
  std::signal(SIGINT, OnInterrupt);
  for (int i = 0; i < argc; ++i) kvsim::cli::g_command.emplace_back(argv[i]);
  kvsim::cli::g_command[0] = "kvsim";
  CLI::App app{
      "kvsim: replay multi-turn chat workloads and request traces against KV-cache strategies\n"
      "(radix, block-trie, lru-buckets, two-tier, turboquant) and report hit rate, prefill\n"
      "saved, memory, compression and attention error.",
      "kvsim"};
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  kvsim run workloads/support_chat.json\n"
      "  kvsim run workloads/support_chat.json --strategy radix,block-trie --budget inf,25%\n"
      "  kvsim sweep workloads/support_chat.json --strategy radix,two-tier,turboquant \\\n"
      "      --budget 1%..100%:8 --report plan.html\n"
      "  kvsim compare results/support_chat.json current.json\n"
      "  kvsim strategies\n"
      "Run `kvsim COMMAND --help` for the options of each command.\n"
      "Output files: - is standard output; FIFOs and devices are written in place, links are\n"
      "followed, regular files are replaced atomically; an output may not name an input.\n"
      "Exit codes: 0 success, 1 a regression found by compare, 2 bad input or usage, or an output\n"
      "that cannot be written (the message names the file, line, field or option), 70 internal\n"
      "error, 130 interrupted (Ctrl-C; no output).");
  kvsim::cli::AddRunCommand(app);
  kvsim::cli::AddInspectCommand(app);
  kvsim::cli::AddGenCommand(app);
  kvsim::cli::AddStrategiesCommand(app);
  kvsim::cli::AddCodecsCommand(app);
  kvsim::cli::AddAttentionCommand(app);
  kvsim::cli::AddSweepCommand(app);
  kvsim::cli::AddMergeCommand(app);
  kvsim::cli::AddCompareCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const kvsim::Interrupted&) {
    std::cerr << "kvsim: interrupted; no output written\n";
    return 130;
  } catch (const kvsim::cli::ExitWith& e) {
    return CheckStdout(e.code);
  } catch (const kvsim::Error& e) {
    std::cerr << "kvsim: error: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "kvsim: error: out of memory\n";
    return 2;
  } catch (const std::exception& e) {  // a bug: every input error is a kvsim::Error
    std::cerr << "kvsim: internal error: " << e.what()
              << " (please report it with the command line and input)\n";
    return 70;
  }
  return CheckStdout(0);
}
