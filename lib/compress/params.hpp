// Parameter parsing shared by the compressor factories: every bad value is a UsageError of one line
// that names the flag, the spec, the offending key=value and the fix.
#pragma once
#include <string>
#include <vector>

#include "core/spec.hpp"

namespace commopt {

enum class QuantNorm { l2, linf };

// "--compressor: compressor 'qsgd[s=0]'" (the prefix of every message).
std::string compressor_where(const Spec& spec);
// A required integer `key` in [lo, hi], e.g. the levels s of qsgd (hint: an example spec).
int resolve_required_int(const Spec& spec, const std::string& key, long long lo, long long hi,
                         const std::string& example);
// An optional integer `key` in [lo, hi] with a default.
int resolve_int(const Spec& spec, const std::string& key, long long fallback, long long lo, long long hi,
                const std::string& example);
// norm=l2 (default) or norm=linf.
QuantNorm resolve_norm(const Spec& spec);
// zero=plus (default: sign(0) = +1) or zero=minus (sign(0) = -1); returns true for minus.
bool resolve_zero_is_negative(const Spec& spec);
// One of `choices` for `key` (the first is the default).
std::string resolve_choice(const Spec& spec, const std::string& key, const std::vector<std::string>& choices);

}  // namespace commopt
