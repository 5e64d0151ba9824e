// Parameter parsing of the compressor specs; see params.hpp.
#include "compress/params.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/error.hpp"

namespace commopt {

std::string compressor_where(const Spec& spec) {
  return fmt::format("{}: compressor '{}'", spec.what(), spec.str());
}

int resolve_int(const Spec& spec, const std::string& key, long long fallback, long long lo, long long hi,
                const std::string& example) {
  const long long v = spec.get_int(key, fallback);
  if (v < lo || v > hi)
    throw UsageError(fmt::format("{}: {}={} is outside [{}, {}]; use e.g. {}", compressor_where(spec), key,
                                 spec.has(key) ? spec.values().at(key) : std::to_string(fallback), lo, hi,
                                 example));
  return static_cast<int>(v);
}

int resolve_required_int(const Spec& spec, const std::string& key, long long lo, long long hi,
                         const std::string& example) {
  if (!spec.has(key))
    throw UsageError(fmt::format("{} needs {} (an integer in [{}, {}]), e.g. {}", compressor_where(spec), key, lo,
                                 hi, example));
  return resolve_int(spec, key, lo, lo, hi, example);
}

std::string resolve_choice(const Spec& spec, const std::string& key, const std::vector<std::string>& choices) {
  const std::string v = spec.get_string(key, choices.front());
  if (std::find(choices.begin(), choices.end(), v) == choices.end())
    throw UsageError(fmt::format("{}: {}={} is not known; use {}={}", compressor_where(spec), key, v, key,
                                 fmt::join(choices, " or " + key + "=")));
  return v;
}

QuantNorm resolve_norm(const Spec& spec) {
  return resolve_choice(spec, "norm", {"l2", "linf"}) == "l2" ? QuantNorm::l2 : QuantNorm::linf;
}

bool resolve_zero_is_negative(const Spec& spec) { return resolve_choice(spec, "zero", {"plus", "minus"}) == "minus"; }

}  // namespace commopt
