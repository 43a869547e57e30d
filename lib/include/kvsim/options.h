// Options of an index or codec: declared as a schema, parsed from "k=v,k=v", always complete.
//
// As libCacheSim does with its algorithm parameters: defaults are filled in first, then each
// given key is checked against the schema (unknown key, wrong type, out of range, not one of the
// choices), so an Options object always holds every option with its effective value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kvsim {

struct OptionSpec {
  enum class Type { kInt, kChoice };
  std::string name;
  Type type = Type::kInt;
  int64_t default_int = 0;
  int64_t min = 0;
  int64_t max = 0;
  std::vector<std::string> choices;  // kChoice: allowed values, the first is the default
  std::string help;

  std::string DefaultText() const;
  std::string RangeText() const;
};

struct OptionValue {
  std::string name;
  bool is_int = true;
  int64_t int_value = 0;
  std::string text;  // kChoice value
};

// Splits each argument at commas ("a,b" "c" -> a, b, c). Empty items are kept.
std::vector<std::string> SplitCommas(const std::vector<std::string>& args);

class Options {
 public:
  int64_t Int(const std::string& name) const;
  const std::string& Choice(const std::string& name) const;
  const std::vector<OptionValue>& values() const { return values_; }
  std::string ToString() const;  // "k=v,k=v" in schema order

  // Parses `text` ("k=v,k=v" or "") against `schema`. `context` names the owner in messages,
  // such as "index 'block-trie'".
  static Options Parse(const std::vector<OptionSpec>& schema, const std::string& text,
                       const std::string& context);

 private:
  const OptionValue& Find(const std::string& name) const;
  std::vector<OptionValue> values_;
};

}  // namespace kvsim
