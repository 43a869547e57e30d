// Option schemas and "k=v,k=v" parsing (see kvsim/options.h).
#include "kvsim/options.h"

#include <charconv>

#include "kvsim/error.h"
#include "kvsim/suggest.h"

namespace kvsim {

std::string OptionSpec::DefaultText() const {
  return type == Type::kInt ? std::to_string(default_int) : choices.front();
}

std::string OptionSpec::RangeText() const {
  if (type == Type::kInt) return std::to_string(min) + ".." + std::to_string(max);
  std::string s;
  for (const auto& c : choices) s += (s.empty() ? "" : "|") + c;
  return s;
}

std::vector<std::string> SplitCommas(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const auto& arg : args) {
    size_t pos = 0;
    while (pos <= arg.size()) {
      size_t comma = arg.find(',', pos);
      if (comma == std::string::npos) comma = arg.size();
      std::string item = arg.substr(pos, comma - pos);
      const size_t first = item.find_first_not_of(" \t");
      const size_t last = item.find_last_not_of(" \t");
      out.push_back(first == std::string::npos ? "" : item.substr(first, last - first + 1));
      pos = comma + 1;
    }
  }
  return out;
}

int64_t Options::Int(const std::string& name) const { return Find(name).int_value; }
const std::string& Options::Choice(const std::string& name) const { return Find(name).text; }

const OptionValue& Options::Find(const std::string& name) const {
  for (const auto& v : values_) {
    if (v.name == name) return v;
  }
  throw Error("internal: option '" + name + "' is not in the schema");
}

std::string Options::ToString() const {
  std::string s;
  for (const auto& v : values_) {
    if (!s.empty()) s += ',';
    s += v.name + "=" + (v.is_int ? std::to_string(v.int_value) : v.text);
  }
  return s;
}

Options Options::Parse(const std::vector<OptionSpec>& schema, const std::string& text,
                       const std::string& context) {
  Options o;
  for (const auto& spec : schema) {
    OptionValue v{spec.name, spec.type == OptionSpec::Type::kInt, spec.default_int, ""};
    if (!v.is_int) v.text = spec.choices.front();
    o.values_.push_back(v);
  }
  std::vector<bool> seen(schema.size(), false);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    const std::string item = text.substr(pos, comma - pos);
    pos = comma + 1;
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw Error(context + ": option '" + item + "' is not of the form key=value");
    }
    const std::string key = item.substr(0, eq);
    const std::string value = item.substr(eq + 1);
    size_t i = 0;
    while (i < schema.size() && schema[i].name != key) ++i;
    if (i == schema.size()) {
      std::string known;
      std::vector<std::string> names;
      for (const auto& s : schema) {
        known += (known.empty() ? "" : ", ") + s.name;
        names.push_back(s.name);
      }
      throw Error(context + ": unknown option '" + key + "'" + DidYouMean(key, names) +
                  " (known: " + (known.empty() ? "none" : known) + ")");
    }
    if (seen[i]) throw Error(context + ": option '" + key + "' is given twice");
    seen[i] = true;
    const OptionSpec& spec = schema[i];
    OptionValue& v = o.values_[i];
    if (spec.type == OptionSpec::Type::kInt) {
      int64_t n = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size() || value.empty()) {
        throw Error(context + ": option '" + key + "' expects an integer, got '" + value + "'");
      }
      if (n < spec.min || n > spec.max) {
        throw Error(context + ": option '" + key + "' must be in " + spec.RangeText() + ", got " +
                    value);
      }
      v.int_value = n;
    } else {
      bool ok = false;
      for (const auto& c : spec.choices) ok = ok || c == value;
      if (!ok) {
        throw Error(context + ": option '" + key + "' must be one of " + spec.RangeText() +
                    ", got '" + value + "'" + DidYouMean(value, spec.choices));
      }
      v.text = value;
    }
  }
  return o;
}

}  // namespace kvsim
