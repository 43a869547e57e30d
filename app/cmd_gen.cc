// `kvsim gen`: write a synthetic multi-turn chat workload.
#include "commands.h"
#include "kvsim/generator.h"
#include "kvsim/output_files.h"

namespace kvsim::cli {
namespace {

// The CSV files that `csv:PATH:COLUMN` distributions read: the output may not overwrite them.
std::vector<std::string> DistributionFiles(const GeneratorOptions& o) {
  std::vector<std::string> files;
  for (const std::string* d : {&o.turns, &o.system_length, &o.user_length, &o.assistant_length,
                               &o.think_time}) {
    const size_t colon = d->rfind(':');
    if (d->rfind("csv:", 0) == 0 && colon > 4) files.push_back(d->substr(4, colon - 4));
  }
  return files;
}

}  // namespace

void AddGenCommand(CLI::App& app) {
  auto o = std::make_shared<GeneratorOptions>();
  auto out = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("gen", "Generate a synthetic multi-turn chat workload");
  cmd->add_option("-o,--output", *out, "Output file (default, or -: standard output)");
  cmd->add_option("--name", o->name, "Workload name")->capture_default_str();
  cmd->add_option("--sessions", o->sessions, "Number of sessions")->capture_default_str();
  cmd->add_option("--arrival", o->arrival,
                  "Session arrivals: poisson:RATE (sessions/s) or fixed:SECONDS")
      ->capture_default_str();
  cmd->add_option("--turns", o->turns, "User turns per session (a distribution)")
      ->capture_default_str();
  cmd->add_option("--system-prompts", o->system_prompts, "Shared system prompts in the pool")
      ->capture_default_str();
  cmd->add_option("--system-length", o->system_length, "System prompt lengths (a distribution)")
      ->capture_default_str();
  cmd->add_option("--zipf", o->zipf, "Popularity skew of the system prompts (Zipf exponent)")
      ->capture_default_str();
  cmd->add_option("--user-length", o->user_length, "User message lengths (a distribution)")
      ->capture_default_str();
  cmd->add_option("--assistant-length", o->assistant_length,
                  "Assistant reply lengths (a distribution)")
      ->capture_default_str();
  cmd->add_option("--think-time", o->think_time, "Seconds before each later turn (a distribution)")
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "Seed: the same seed gives the same bytes")
      ->capture_default_str();
  cmd->footer(
      "Distributions: fixed:V  uniform:A..B  lognormal:MEAN,SIGMA  exponential:MEAN\n"
      "               geometric:MEAN  csv:PATH:COLUMN (samples a CSV column)\n"
      "Examples:\n"
      "  kvsim gen --sessions 200 --arrival poisson:0.5 -o chat.json\n"
      "  kvsim gen --user-length csv:AzureLLMInferenceTrace_conv.csv:ContextTokens \\\n"
      "      --assistant-length csv:AzureLLMInferenceTrace_conv.csv:GeneratedTokens -o azure.json");
  cmd->callback([o, out] {
    const std::string path = out->empty() ? "-" : *out;
    OutputFiles files(DistributionFiles(*o));
    files.Declare("--output", path);
    std::string command;
    for (const auto& a : CommandLine()) {
      if (!command.empty()) command += ' ';
      command += a;
    }
    o->command = command;
    files.Set(path, GenerateChatWorkload(*o));
    files.Commit();
  });
}

}  // namespace kvsim::cli
