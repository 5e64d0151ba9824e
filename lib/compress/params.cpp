// Parameter parsing of the compressor specs; see params.hpp.
#include "compress/params.hpp"

#include <algorithm>
#include <cmath>

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

const Choices<QuantNorm>& norm_choices() {
  static const Choices<QuantNorm> choices{{{"l2", QuantNorm::l2}, {"linf", QuantNorm::linf}}};
  return choices;
}

const Choices<bool>& zero_choices() {
  static const Choices<bool> choices{{{"plus", false}, {"minus", true}}};
  return choices;
}

const std::vector<ParamDoc>& sparse_params() {
  static const std::vector<ParamDoc> params = {
      // Exactly one of the two is required, so neither has a default; the listing says so.
      alternative_param("k", "(or ratio)", "number of kept coordinates, 1 <= k <= d"),
      alternative_param("ratio", "(or k)", "kept fraction in (0,1]: K = max(1, round(ratio*d))"),
  };
  return params;
}

int resolve_sparse_k(const Spec& spec, int d) {
  const std::string where = compressor_where(spec);
  const bool has_k = spec.has("k");
  const bool has_ratio = spec.has("ratio");
  if (has_k && has_ratio)
    throw UsageError(fmt::format("{} gives both k and ratio; give exactly one, e.g. {}[k=10] or "
                                 "{}[ratio=0.01]", where, spec.name(), spec.name()));
  if (!has_k && !has_ratio)
    throw UsageError(fmt::format("{} needs k or ratio, e.g. {}[k=10] or {}[ratio=0.01]", where,
                                 spec.name(), spec.name()));
  if (has_k) {
    const long long k = spec.get_int("k", 0);
    if (k < 1 || k > d)
      throw UsageError(fmt::format("{}: k={} is outside [1, d={}]; use 1 <= k <= {} or ratio in (0,1]",
                                   where, spec.values().at("k"), d, d));
    return static_cast<int>(k);
  }
  const double ratio = spec.get_double("ratio", 0.0);
  if (!(ratio > 0.0 && ratio <= 1.0))
    throw UsageError(fmt::format("{}: ratio={} is outside (0,1]; use e.g. ratio=0.01", where,
                                 spec.values().at("ratio")));
  const auto k = static_cast<long long>(std::llround(ratio * static_cast<double>(d)));
  return static_cast<int>(std::clamp<long long>(k, 1, d));
}

std::vector<ParamDoc> concat(std::vector<ParamDoc> a, const std::vector<ParamDoc>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace commopt
