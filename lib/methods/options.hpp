// A method's Options (DESIGN.md "Options"): a plain struct with in-class defaults, described ONCE by
// a table of fields {name, member, doc}. The table generates both the ParamDoc list (`commopt list
// methods`, the unknown-key check) and the parser, so no default is written twice. A default that
// is a formula of other quantities (e.g. momentum 1/(2 omega+1)) is a std::optional member whose
// `formula` is the documented default; the builder evaluates it.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/spec.hpp"

namespace commopt {

template <class T>
inline constexpr bool is_optional_v = false;
template <class T>
inline constexpr bool is_optional_v<std::optional<T>> = true;

// One field of O: its name in the spec, its doc, its documented default, and how to read it.
template <class O>
struct OptionField {
  std::string name;
  std::string doc;
  std::string default_text;
  std::function<void(const Spec&, O&)> read;  // sets the member when the spec has the key
};

// The field `member` of O (long long, double, std::string, or an optional of a number). `formula`
// documents the default when the member's own default does not say it: the formula of an optional
// member, or the meaning of an empty string (e.g. "(the --compressor)").
template <class O, class T>
OptionField<O> option_field(const char* name, T O::*member, const char* doc, const char* formula = "") {
  OptionField<O> f{name, doc, formula, {}};
  if constexpr (!is_optional_v<T>)
    if (f.default_text.empty()) f.default_text = fmt::format("{}", O{}.*member);
  f.read = [key = std::string(name), member](const Spec& spec, O& o) {
    if (!spec.has(key)) return;
    if constexpr (std::is_same_v<T, long long> || std::is_same_v<T, std::optional<long long>>)
      o.*member = spec.get_int(key, 0);
    else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, std::optional<double>>)
      o.*member = spec.get_double(key, 0);
    else
      o.*member = spec.get_string(key, "");
  };
  return f;
}

// The fields as ParamDocs (`commopt list methods`, the unknown-key check).
template <class O>
std::vector<ParamDoc> option_docs(const std::vector<OptionField<O>>& fields) {
  std::vector<ParamDoc> out;
  for (const auto& f : fields) out.push_back({f.name, f.default_text, f.doc});
  return out;
}

// O with the spec's values over the in-class defaults (a malformed value is a UsageError from Spec).
template <class O>
O parse_options(const Spec& spec, const std::vector<OptionField<O>>& fields) {
  O o{};
  for (const auto& f : fields) f.read(spec, o);
  return o;
}

// UsageError "--method: <method> <field>=<value> must be <constraint>[; <fix>]" unless `ok`.
template <class V>
void require_option(bool ok, const Spec& spec, const char* field, const V& value, const std::string& constraint,
                    const std::string& fix = "") {
  if (ok) return;
  throw UsageError(fmt::format("--method: {} {}={} must be {}{}", spec.name(), field, value, constraint,
                               fix.empty() ? "" : "; " + fix));
}

}  // namespace commopt
