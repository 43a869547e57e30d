// `kvsim strategies`: the presets, indexes and codecs this build has, with options and defaults.
#include <iostream>

#include "commands.h"
#include "kvsim/strategy.h"

namespace kvsim::cli {
namespace {

void PrintEntries(const char* title, const std::vector<RegistryEntry>& entries) {
  std::cout << title << "\n";
  for (const auto& e : entries) {
    std::cout << "  " << e.name << "\n      " << e.summary << "\n";
    for (const auto& o : e.options) {
      std::cout << "      " << o.name << "=" << o.DefaultText() << "  (" << o.RangeText() << ") "
                << o.help << "\n";
    }
  }
  std::cout << "\n";
}

}  // namespace

void AddStrategiesCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("strategies", "List strategy presets, indexes and codecs");
  cmd->footer(
      "A strategy is INDEX[:k=v,...][+CODEC[:k=v,...]], for example\n"
      "  radix   block-trie:block_size=32   radix+fp32   lru-buckets:max_entries=50\n"
      "In a --strategy list an item k=v continues the options of the item before it.");
  cmd->callback([] {
    std::cout << "presets (without --strategy, kvsim runs all of them)\n";
    for (const auto& p : Presets()) {
      std::cout << "  " << p.name << " = " << p.index << "+" << p.codec << "   (" << p.summary
                << ")\n";
    }
    std::cout << "\n";
    PrintEntries("indexes (what is reusable, what is evicted)", IndexEntries());
    PrintEntries("codecs (how each cached token's K and V are stored)", CodecEntries());
  });
}

}  // namespace kvsim::cli
