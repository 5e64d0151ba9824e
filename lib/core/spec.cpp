#include "core/spec.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/excerpt.hpp"

namespace commopt {

namespace {
std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// A whole spec quoted in a message: long enough for any real spec, short for a pasted megabyte.
std::string quoted(const std::string& spec) { return excerpt(spec, 100); }
}  // namespace

Spec Spec::parse(const std::string& text_in, const std::string& what) {
  Spec spec;
  spec.what_ = what;
  const std::string text = trim(text_in);
  const auto open = text.find('[');
  if (open == std::string::npos) {
    spec.name_ = text;
  } else {
    if (text.back() != ']')
      throw UsageError(
          fmt::format("{}: '{}' is missing its closing ']' (write name[key=value,...])", what, quoted(text)));
    spec.name_ = trim(text.substr(0, open));
    const std::string body = text.substr(open + 1, text.size() - open - 2);
    int depth = 0;
    std::string item;
    auto flush = [&](void) {
      const std::string t = trim(item);
      item.clear();
      if (t.empty()) return;
      const auto eq = t.find('=');
      if (eq == std::string::npos || eq == 0)
        throw UsageError(fmt::format("{}: '{}' in '{}' is not key=value", what, excerpt(t), quoted(text)));
      const std::string key = trim(t.substr(0, eq));
      if (spec.values_.count(key))
        throw UsageError(fmt::format("{}: key '{}' is given twice in '{}'", what, excerpt(key), quoted(text)));
      spec.values_[key] = trim(t.substr(eq + 1));
    };
    for (char c : body) {
      if (c == '[') ++depth;
      if (c == ']') --depth;
      if (depth < 0) throw UsageError(fmt::format("{}: unbalanced ']' in '{}'", what, quoted(text)));
      if (c == ',' && depth == 0) {
        flush();
      } else {
        item.push_back(c);
      }
    }
    if (depth != 0) throw UsageError(fmt::format("{}: unbalanced '[' in '{}'", what, quoted(text)));
    flush();
  }
  if (spec.name_.empty()) throw UsageError(fmt::format("{}: empty name in '{}'", what, quoted(text)));
  return spec;
}

std::string Spec::get_string(const std::string& key, const std::string& fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second;
}

double Spec::get_double(const std::string& key, double fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(it->second.c_str(), &end);
  if (it->second.empty() || *end != '\0' || errno == ERANGE)
    throw UsageError(fmt::format("{}: {}={} in '{}' is not a number", what_, excerpt(key), excerpt(it->second), quoted(str())));
  return v;
}

long long Spec::get_int(const std::string& key, long long fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0' || errno == ERANGE)
    throw UsageError(fmt::format("{}: {}={} in '{}' is not an integer", what_, excerpt(key), excerpt(it->second),
                                 quoted(str())));
  return v;
}

bool Spec::get_bool(const std::string& key, bool fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  const std::string& v = it->second;
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  throw UsageError(fmt::format("{}: {}={} in '{}' is not true/false", what_, excerpt(key), excerpt(v), quoted(str())));
}

void Spec::check_keys(const std::vector<ParamDoc>& params) const {
  std::vector<std::string> names;
  for (const auto& p : params) names.push_back(p.name);
  for (const auto& [key, value] : values_) {
    if (std::find(names.begin(), names.end(), key) != names.end()) continue;
    std::string msg = fmt::format("{}: unknown parameter '{}' for '{}'", what_, excerpt(key), excerpt(name_));
    if (auto c = closest(key, names)) msg += fmt::format(" (did you mean '{}'?)", *c);
    msg += names.empty() ? "; it takes no parameters"
                         : fmt::format("; it takes: {}", fmt::join(names, ", "));
    throw UsageError(msg);
  }
}

std::string Spec::str() const {
  if (values_.empty()) return name_;
  std::vector<std::string> items;
  for (const auto& [k, v] : values_) items.push_back(k + "=" + v);
  return fmt::format("{}[{}]", name_, fmt::join(items, ","));
}

Spec Spec::with(const std::string& key, const std::string& value) const {
  Spec s = *this;
  s.values_[key] = value;
  return s;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string> closest(const std::string& word, const std::vector<std::string>& options) {
  std::optional<std::string> best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 2) + 1;
  for (const auto& o : options) {
    const std::size_t d = edit_distance(word, o);
    if (d < best_d) {
      best_d = d;
      best = o;
    }
  }
  return best;
}

std::string unknown_name_message(const std::string& kind, const std::string& word,
                                 const std::vector<std::string>& options) {
  std::string msg = fmt::format("unknown {} '{}'", kind, excerpt(word));
  if (auto c = closest(word, options)) msg += fmt::format(" (did you mean '{}'?)", *c);
  msg += fmt::format("; known: {}", fmt::join(options, ", "));
  return msg;
}

}  // namespace commopt
