// The CLI's subcommands. Each Add*Command registers its options on `app` and sets a callback
// that does the work; errors are thrown as kvsim::Error and turned into exit code 2 by main.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace kvsim::cli {

void AddRunCommand(CLI::App& app);
void AddStrategiesCommand(CLI::App& app);
void AddInspectCommand(CLI::App& app);
void AddGenCommand(CLI::App& app);
void AddCodecsCommand(CLI::App& app);
void AddAttentionCommand(CLI::App& app);

// The full command line, for reports.
const std::vector<std::string>& CommandLine();

}  // namespace kvsim::cli
