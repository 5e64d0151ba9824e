// Specs written `name[key=value,...]`: the one syntax for problems, methods and compressors.
// A Spec is checked against the parameters its registry entry declares, so an unknown key is an
// error with a "did you mean" instead of a silently ignored typo.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace commopt {

struct ParamDoc {
  std::string name;
  std::string default_value;  // "" when the parameter is required
  std::string doc;
};

class Spec {
 public:
  // Parses `name` or `name[k=v,k2=v2]`; values may hold nested brackets. Throws UsageError naming
  // `what` (e.g. "--method") on malformed text.
  static Spec parse(const std::string& text, const std::string& what);

  const std::string& name() const { return name_; }
  const std::string& what() const { return what_; }
  bool has(const std::string& key) const { return values_.count(key) != 0; }
  const std::map<std::string, std::string>& values() const { return values_; }

  // Typed getters: the default applies when the key is absent; a malformed value is a UsageError.
  std::string get_string(const std::string& key, const std::string& fallback) const;
  double get_double(const std::string& key, double fallback) const;
  long long get_int(const std::string& key, long long fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;

  // Throws UsageError if a key is not among `params` (with the closest known key suggested).
  void check_keys(const std::vector<ParamDoc>& params) const;

  // Canonical text `name[k=v,...]` (keys sorted), used in metadata and file names.
  std::string str() const;
  // A copy with `key` set to `value` (added or replaced), e.g. a method spec with its step size.
  Spec with(const std::string& key, const std::string& value) const;

 private:
  std::string what_;
  std::string name_;
  std::map<std::string, std::string> values_;
};

// Levenshtein distance, and the closest candidate if it is plausibly a typo.
std::size_t edit_distance(const std::string& a, const std::string& b);
std::optional<std::string> closest(const std::string& word, const std::vector<std::string>& options);
// "unknown method 'efx21' (did you mean 'ef21'?; known: gd, ef21, ...)"
std::string unknown_name_message(const std::string& kind, const std::string& word,
                                 const std::vector<std::string>& options);

}  // namespace commopt
