// Pieces the theorem cards in lib/methods/ share: the common nonconvex bound 2Φ^0/(γT), and readers
// of the run's method_info for bounds that need a run parameter (b, B, B_init, init, ...). The
// readers THROW std::logic_error naming the key and the method when the key is missing or has the
// wrong type: a key renamed in a builder must break the check, not silently change a bound.
#pragma once
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "methods/theorem.hpp"

namespace commopt {

// The common nonconvex bound of every potential of the form E Φ^{t+1} ≤ Φ^t − (γ/2)||∇f(x^t)||²:
// summing over t < T gives (1/T) Σ_{t<T} ||∇f(x^t)||² ≤ 2 Φ^0 / (γ T).
inline std::optional<double> two_phi0_over_gamma_t(const CardInputs& in, double phi0, long long T) {
  if (T <= 0 || in.gamma <= 0) return std::nullopt;
  return 2.0 * phi0 / (in.gamma * static_cast<double>(T));
}

// The entry in.info[key] (in.info must be set: cards return nullopt without it).
inline const nlohmann::json& info_entry(const CardInputs& in, const char* key, const char* method) {
  if (!in.info) throw std::logic_error(std::string("card of ") + method + ": reads '" + key + "' without the run's info");
  if (!in.info->contains(key))
    throw std::logic_error(std::string("card of ") + method + ": the run's info has no '" + key +
                           "' (the builder must write it)");
  return (*in.info)[key];
}

inline double info_number(const CardInputs& in, const char* key, const char* method) {
  const nlohmann::json& v = info_entry(in, key, method);
  if (!v.is_number())
    throw std::logic_error(std::string("card of ") + method + ": info '" + key + "' is not a number: " + v.dump());
  return v.get<double>();
}

inline std::string info_string(const CardInputs& in, const char* key, const char* method) {
  const nlohmann::json& v = info_entry(in, key, method);
  if (!v.is_string())
    throw std::logic_error(std::string("card of ") + method + ": info '" + key + "' is not a string: " + v.dump());
  return v.get<std::string>();
}

}  // namespace commopt
