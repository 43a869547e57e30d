// The CLI's subcommands. Each Add*Command registers its options on `app` and sets a callback
// that does the work; errors are thrown as kvsim::Error and turned into exit code 2 by main.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kvsim::cli {

void AddRunCommand(CLI::App& app);
void AddStrategiesCommand(CLI::App& app);
void AddInspectCommand(CLI::App& app);
void AddGenCommand(CLI::App& app);
void AddCodecsCommand(CLI::App& app);
void AddAttentionCommand(CLI::App& app);
void AddSweepCommand(CLI::App& app);
void AddMergeCommand(CLI::App& app);
void AddCompareCommand(CLI::App& app);
void AddServeCommand(CLI::App& app);
void AddPlanCommand(CLI::App& app);
void AddCurveCommand(CLI::App& app);

// Thrown by a command to end with a given exit code (compare: 1 on a regression).
struct ExitWith {
  int code;
};

// Reads a JSON file whole; throws Error naming the file.
nlohmann::ordered_json ReadJsonFile(const std::string& path);

// The full command line, for reports.
const std::vector<std::string>& CommandLine();

}  // namespace kvsim::cli
