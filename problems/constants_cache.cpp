// JSON cache of problem constants (see constants_cache.hpp).
#include "problems/constants_cache.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "problems/checksum.hpp"

namespace commopt {

namespace fs = std::filesystem;

namespace {
constexpr int kFormatVersion = 2;  // 2: per-sample, L_pm, noise constants and kinds

bool finite_nonneg(double v) { return std::isfinite(v) && v >= 0; }
}  // namespace

void summarize_L_i(ProblemConstants& c) {
  double sq = 0;
  c.L_max = 0;
  for (double l : c.L_i) {
    sq += l * l;
    c.L_max = std::max(c.L_max, l);
  }
  c.L_hat = c.L_i.empty() ? 0.0 : std::sqrt(sq / static_cast<double>(c.L_i.size()));
}

fs::path constants_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "commopt";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "commopt";
  return {};
}

fs::path constants_cache_file(const std::string& key) {
  const fs::path dir = constants_cache_dir();
  if (dir.empty()) return {};
  return dir / ("constants-" + hex64(fnv1a64(key)) + ".json");
}

int constants_cache_version() { return kFormatVersion; }

std::optional<nlohmann::json> load_cache_entry(const std::string& key) {
  const fs::path file = constants_cache_file(key);
  if (file.empty()) return std::nullopt;
  try {
    std::ifstream in(file);
    if (!in) return std::nullopt;
    nlohmann::json j = nlohmann::json::parse(in);
    if (!j.is_object() || j.at("version").get<int>() != kFormatVersion || j.at("key").get<std::string>() != key)
      return std::nullopt;
    return j;
  } catch (const std::exception&) {
    return std::nullopt;  // corrupt or truncated: recompute
  }
}

bool store_cache_entry(const std::string& key, const nlohmann::json& entry) {
  const fs::path file = constants_cache_file(key);
  if (file.empty()) return false;
  static std::atomic<unsigned> counter{0};
  try {
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    if (ec) return false;
    nlohmann::json j = entry;
    j["version"] = kFormatVersion;
    j["key"] = key;
    const fs::path tmp = file.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << j.dump(1) << '\n';
      out.close();
      if (!out) {
        fs::remove(tmp, ec);
        return false;
      }
    }
    fs::rename(tmp, file, ec);
    if (ec) {
      fs::remove(tmp, ec);
      return false;
    }
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

ConstantsLookup lookup_cached_constants(const std::string& key, int workers) {
  ConstantsLookup out;
  const auto entry = load_cache_entry(key);
  if (!entry) return out;
  const auto reject = [&](std::string why) {
    out.rejected = std::move(why);
    return out;
  };
  try {
    const nlohmann::json& j = *entry;
    ProblemConstants c;
    c.L = j.at("L").get<double>();
    c.mu = j.at("mu").get<double>();
    c.L_i = j.at("L_i").get<std::vector<double>>();
    c.L_max_sample_rms = j.at("L_max_sample_rms").get<double>();
    c.L_max_sample = j.at("L_max_sample").get<double>();
    c.L_pm = j.at("L_pm").get<double>();
    c.L_pm_local = j.at("L_pm_local").get<double>();
    c.sigma_sq = j.at("sigma_sq").get<double>();
    c.L_sigma = j.at("L_sigma").get<double>();
    if (static_cast<int>(c.L_i.size()) != workers)
      return reject(fmt::format("{} values of L_i for {} workers", c.L_i.size(), workers));
    for (double v : {c.L, c.mu, c.L_max_sample_rms, c.L_max_sample, c.L_pm, c.L_pm_local, c.sigma_sq, c.L_sigma})
      if (!finite_nonneg(v)) return reject(fmt::format("a constant is {}, not finite and >= 0", v));
    for (double l : c.L_i)
      if (!finite_nonneg(l)) return reject(fmt::format("an L_i is {}, not finite and >= 0", l));
    const auto kind = [&](const char* name) -> std::optional<ConstantKind> {
      const std::string k = j.at(name).get<std::string>();
      for (ConstantKind v : {ConstantKind::exact, ConstantKind::upper_bound, ConstantKind::estimate})
        if (k == constant_kind_name(v)) return v;
      return std::nullopt;
    };
    const auto ks = kind("smoothness_kind"), kp = kind("L_pm_kind"), kn = kind("noise_kind");
    if (!ks || !kp || !kn) return reject("unknown constant kind");
    c.smoothness_kind = *ks;
    c.L_pm_kind = *kp;
    c.noise_kind = *kn;
    summarize_L_i(c);
    if (j.contains("f_star") && !j.at("f_star").is_null()) {
      c.f_star = j.at("f_star").get<double>();
      if (!std::isfinite(*c.f_star)) return reject("f* is not finite");
      c.f_lower = *c.f_star;
    }
    c.source = "cache";
    out.constants = std::move(c);
    return out;
  } catch (const std::exception& e) {
    return reject(fmt::format("missing or mistyped field: {}", e.what()));
  }
}

std::optional<ProblemConstants> load_cached_constants(const std::string& key, int workers) {
  return lookup_cached_constants(key, workers).constants;
}

std::optional<ProblemConstants> load_verified_constants(const Objective& problem, const std::string& key,
                                                        bool spot_check) {
  ConstantsLookup found = lookup_cached_constants(key, problem.workers());
  std::string why = found.rejected;
  if (found.constants)
    if (auto bad = verify_constants(problem, *found.constants, spot_check)) why = *bad;
  if (why.empty()) return found.constants;
  fmt::print(stderr, "commopt: cache entry {} failed verification ({}); recomputed\n",
             constants_cache_file(key).string(), why);
  return std::nullopt;
}

bool store_cached_constants(const std::string& key, const ProblemConstants& c) {
  nlohmann::json j;
  j["L"] = c.L;
  j["L_i"] = c.L_i;
  j["mu"] = c.mu;
  j["L_max_sample_rms"] = c.L_max_sample_rms;
  j["L_max_sample"] = c.L_max_sample;
  j["L_pm"] = c.L_pm;
  j["L_pm_local"] = c.L_pm_local;
  j["sigma_sq"] = c.sigma_sq;
  j["L_sigma"] = c.L_sigma;
  j["smoothness_kind"] = constant_kind_name(c.smoothness_kind);
  j["L_pm_kind"] = constant_kind_name(c.L_pm_kind);
  j["noise_kind"] = constant_kind_name(c.noise_kind);
  j["f_star"] = c.f_star ? nlohmann::json(*c.f_star) : nlohmann::json(nullptr);
  j["computed_by"] = c.source;
  return store_cache_entry(key, j);
}

}  // namespace commopt
