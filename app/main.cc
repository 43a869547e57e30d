// kvsim: replays LLM serving workloads against KV-cache strategies. This file only wires the
// subcommands together and maps failures to exit codes (0 ok, 1 regression, 2 bad input/usage).
#include <fstream>
#include <iostream>

#include "commands.h"
#include "kvsim/error.h"
#include "kvsim/error.h"

namespace kvsim::cli {
namespace {
std::vector<std::string> g_command;
}
const std::vector<std::string>& CommandLine() { return g_command; }

nlohmann::ordered_json ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open");
  try {
    return nlohmann::ordered_json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": not valid JSON (" + std::string(e.what()) + ")");
  }
}
}  // namespace kvsim::cli

int main(int argc, char** argv) {
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
      "Run `kvsim COMMAND --help` for the options of each command.");
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
  } catch (const kvsim::cli::ExitWith& e) {
    return e.code;
  } catch (const kvsim::Error& e) {
    std::cerr << "kvsim: error: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "kvsim: error: out of memory\n";
    return 2;
  }
  return 0;
}
