// Compressor parameters, documented and parsed (DESIGN.md "Options: one plain struct per
// compressor with documented defaults"). Each compressor's Options struct holds its defaults as
// in-class initializers; the helpers here read those defaults for `commopt list compressors`
// (param) and use them as the parser's fallback, so every default is written once.
// Every bad value is a UsageError of one line that names the flag, the spec, the offending
// key=value, the constraint and a fix.
#pragma once
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/spec.hpp"

namespace commopt {

enum class QuantNorm { l2, linf };

// The largest number of levels s of the QSGD quantizers (qsgd, qtopk, qrandk).
constexpr long long kMaxQuantLevels = 1LL << 30;

// "--compressor: compressor 'qsgd[s=0]'" (the prefix of every message).
std::string compressor_where(const Spec& spec);

// The text of a default in the listing: true/false, decimal integers, shortest doubles.
inline std::string default_text(bool v) { return v ? "true" : "false"; }
inline std::string default_text(int v) { return std::to_string(v); }
inline std::string default_text(double v) { return fmt::format("{}", v); }

// A parameter whose default is the in-class initializer of `member` in Options.
template <class Options, class T>
ParamDoc param(std::string name, T Options::*member, std::string doc) {
  return {std::move(name), default_text(Options{}.*member), std::move(doc)};
}
// A required parameter (listed as "(required)").
inline ParamDoc required_param(std::string name, std::string doc) { return {std::move(name), "", std::move(doc)}; }
// A parameter with no default value of its own: `instead` says what applies without it,
// e.g. "(or ratio)" for k, "(none: dense)" for the shape of powersgd.
inline ParamDoc alternative_param(std::string name, std::string instead, std::string doc) {
  return {std::move(name), std::move(instead), std::move(doc)};
}

// A key whose value is one of a few words, each naming a value of T (the first is listed first).
template <class T>
struct Choices {
  std::vector<std::pair<std::string, T>> items;

  const std::string& name_of(const T& v) const {
    for (const auto& [name, value] : items)
      if (value == v) return name;
    throw std::logic_error("Choices: a default that is not among the choices");
  }
  // The value of `key`, or `fallback` (the Options default) when the spec does not give it.
  T parse(const Spec& spec, const std::string& key, const T& fallback) const {
    if (!spec.has(key)) return fallback;
    const std::string v = spec.get_string(key, "");
    std::vector<std::string> names;
    for (const auto& [name, value] : items) {
      if (name == v) return value;
      names.push_back(key + "=" + name);
    }
    throw UsageError(fmt::format("{}: {}={} is not known; use {}", compressor_where(spec), key, v,
                                 fmt::join(names, " or ")));
  }
};

// A choice parameter whose default is the in-class initializer of `member` in Options.
template <class Options, class T>
ParamDoc param(std::string name, T Options::*member, const Choices<T>& choices, std::string doc) {
  return {std::move(name), choices.name_of(Options{}.*member), std::move(doc)};
}

// norm=l2 or norm=linf (quantizers); zero=plus or zero=minus (sign(0) of the sign compressors,
// true = minus).
const Choices<QuantNorm>& norm_choices();
const Choices<bool>& zero_choices();
template <class Options>
ParamDoc norm_param(QuantNorm Options::*member) {
  return param("norm", member, norm_choices(), "norm of the quantizer: l2 or linf");
}
template <class Options>
ParamDoc zero_param(bool Options::*member) {
  return param("zero", member, zero_choices(), "sign(0): plus (+1, as Qsparse, dist-EF, BytePS) or minus (-1)");
}

// A required integer `key` in [lo, hi], e.g. the levels s of qsgd (hint: an example spec).
int resolve_required_int(const Spec& spec, const std::string& key, long long lo, long long hi,
                         const std::string& example);
// An optional integer `key` in [lo, hi]; `fallback` (the Options default) when absent.
int resolve_int(const Spec& spec, const std::string& key, long long fallback, long long lo, long long hi,
                const std::string& example);

// The parameters of the sparse compressors (randk, topk, the Qsparse family): exactly one of `k`
// (an integer in [1, d]) or `ratio` (a number in (0, 1], K = max(1, round(ratio * d))).
const std::vector<ParamDoc>& sparse_params();
// Resolves K from a spec holding k= or ratio=; throws UsageError naming the spec and the fix.
int resolve_sparse_k(const Spec& spec, int d);

// a followed by b.
std::vector<ParamDoc> concat(std::vector<ParamDoc> a, const std::vector<ParamDoc>& b);

}  // namespace commopt
