// kvsim: replays LLM serving workloads against KV-cache strategies. This file only wires the
// subcommands together and maps failures to exit codes (0 ok, 1 regression, 2 bad input/usage,
// 70 internal error (a bug), 130 stopped by SIGINT). A first Ctrl-C asks the run to stop cleanly (no output file is
// left); a second one ends the process at once.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <iostream>

#include "commands.h"
#include "kvsim/cancel.h"
#include "kvsim/error.h"
#include "kvsim/input_limits.h"
#include "kvsim/version.h"
#include "kvsim/suggest.h"

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

// CLI11's messages, in kvsim's form: "kvsim: error: ..." and, for a value of the wrong type,
// what was expected ("--seed: expected an integer, got 'abc'").
std::string Expected(const CLI::App* app, const std::string& flag) {
  std::vector<const CLI::App*> apps{app};
  for (const CLI::App* sub : app->get_subcommands()) apps.push_back(sub);
  for (auto it = apps.rbegin(); it != apps.rend(); ++it) {
    const CLI::Option* opt = (*it)->get_option_no_throw(flag);
    if (opt == nullptr) continue;
    const std::string type = opt->get_type_name();
    if (type == "INT") return "an integer";
    if (type == "UINT") return "a non-negative integer";
    if (type == "FLOAT") return "a number";
    return type;
  }
  return "a value of another type";
}

// The long option names of the command being parsed, for suggestions.
std::vector<std::string> OptionNames(const CLI::App* app) {
  std::vector<std::string> names;
  const CLI::App* cmd = app->get_subcommands().empty() ? app : app->get_subcommands().back();
  for (const CLI::Option* opt : cmd->get_options()) {
    for (const auto& n : opt->get_lnames()) names.push_back("--" + n);
  }
  return names;
}

std::string Rephrase(const CLI::App* app, std::string msg) {
  const std::string conv = "Could not convert: ";
  if (msg.rfind(conv, 0) == 0) {
    const std::string rest = msg.substr(conv.size());
    const size_t eq = rest.find(" = ");
    if (eq == std::string::npos) return msg;
    const std::string flag = rest.substr(0, eq);
    return flag + ": expected " + Expected(app, flag) + ", got '" + rest.substr(eq + 3) + "'";
  }
  for (const std::string extra : {"The following argument was not expected: ",
                                   "The following arguments were not expected: "}) {
    if (msg.rfind(extra, 0) != 0) continue;
    std::istringstream args(msg.substr(extra.size()));
    std::string out, arg;
    while (args >> arg) {
      const std::string near = arg.rfind("--", 0) == 0 ? kvsim::DidYouMean(arg, OptionNames(app)) : "";
      out += (out.empty() ? "" : "; ") + ("unexpected argument '" + arg + "'" + near);
    }
    return out;
  }
  const size_t required = msg.find(": 1 required ");
  if (required != std::string::npos && msg.size() > 8 && msg.compare(msg.size() - 8, 8, " missing") == 0) {
    return msg.substr(0, required) + ": expected a value after it";
  }
  return msg;
}

std::string FailureMessage(const CLI::App* app, const CLI::Error& e) {
  const std::string msg = Rephrase(app, e.what());
  std::string help = "kvsim --help";
  for (const CLI::App* sub : app->get_subcommands()) help = "kvsim " + sub->get_name() + " --help";
  return "kvsim: error: " + msg + "\nRun `" + help + "` for the options.\n";
}

// "kvsim frobnicate": CLI11 would only say that a subcommand is required.
void CheckCommandName(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return;
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == argv[1]) return;
    names.push_back(sub->get_name());
  }
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  throw kvsim::Error("unknown command '" + std::string(argv[1]) + "'" +
                     kvsim::DidYouMean(argv[1], names) + " (commands: " + list + ")");
}

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
  // A reader that goes away (`kvsim serve ... --json - | head`) makes writes fail, which
  // CheckStdout reports, instead of killing the process before its file outputs are committed.
  std::signal(SIGPIPE, SIG_IGN);
  for (int i = 0; i < argc; ++i) kvsim::cli::g_command.emplace_back(argv[i]);
  kvsim::cli::g_command[0] = "kvsim";
  CLI::App app{
      "kvsim: replay multi-turn chat workloads and request traces against KV-cache strategies\n"
      "(radix, block-trie, lru-buckets, two-tier, turboquant) and report hit rate, prefill\n"
      "saved, memory, compression and attention error.",
      "kvsim"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "kvsim " + kvsim::KvsimVersion());
  app.failure_message(FailureMessage);
  app.footer(
      "Examples:\n"
      "  kvsim run workloads/support_chat.json\n"
      "  kvsim run workloads/support_chat.json --strategy radix,block-trie --budget inf,25%\n"
      "  kvsim sweep workloads/support_chat.json --strategy radix,two-tier,turboquant \\\n"
      "      --budget 1%..100%:8 --report plan.html\n"
      "  kvsim curve workloads/mooncake/conversation_trace.jsonl --json curve.json\n"
      "  kvsim compare results/support_chat.json current.json\n"
      "  kvsim strategies\n"
      "Run `kvsim COMMAND --help` for the options of each command.\n"
      "Output files: - is standard output; FIFOs and devices are written in place, links are\n"
      "followed, regular files are replaced atomically; an output may not name an input.\n"
      "Exit codes: 0 success, 1 a regression found by compare, 2 bad input or usage, or an output\n"
      "that cannot be written (the message names the file, line, field or option), 70 internal\n"
      "error, 130 interrupted (Ctrl-C; no output).");
  kvsim::cli::AddRunCommand(app);
  kvsim::cli::AddServeCommand(app);
  kvsim::cli::AddPlanCommand(app);
  kvsim::cli::AddCurveCommand(app);
  kvsim::cli::AddInspectCommand(app);
  kvsim::cli::AddGenCommand(app);
  kvsim::cli::AddStrategiesCommand(app);
  kvsim::cli::AddCodecsCommand(app);
  kvsim::cli::AddAttentionCommand(app);
  kvsim::cli::AddSweepCommand(app);
  kvsim::cli::AddMergeCommand(app);
  kvsim::cli::AddCompareCommand(app);
  try {
    CheckCommandName(app, argc, argv);
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
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
