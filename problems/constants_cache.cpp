// JSON cache of problem constants (see constants_cache.hpp).
#include "problems/constants_cache.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "problems/checksum.hpp"

namespace commopt {

namespace fs = std::filesystem;

namespace {
constexpr int kFormatVersion = 1;

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

std::optional<ProblemConstants> load_cached_constants(const std::string& key, int workers) {
  const fs::path file = constants_cache_file(key);
  if (file.empty()) return std::nullopt;
  try {
    std::ifstream in(file);
    if (!in) return std::nullopt;
    const nlohmann::json j = nlohmann::json::parse(in);
    if (j.at("version").get<int>() != kFormatVersion || j.at("key").get<std::string>() != key) return std::nullopt;
    ProblemConstants c;
    c.L = j.at("L").get<double>();
    c.mu = j.at("mu").get<double>();
    c.L_i = j.at("L_i").get<std::vector<double>>();
    if (static_cast<int>(c.L_i.size()) != workers || !finite_nonneg(c.L) || !finite_nonneg(c.mu)) return std::nullopt;
    for (double l : c.L_i)
      if (!finite_nonneg(l)) return std::nullopt;
    summarize_L_i(c);
    if (j.contains("f_star") && !j.at("f_star").is_null()) c.f_star = j.at("f_star").get<double>();
    c.source = "cache";
    return c;
  } catch (const std::exception&) {
    return std::nullopt;  // corrupt or truncated: recompute
  }
}

bool store_cached_constants(const std::string& key, const ProblemConstants& c) {
  const fs::path file = constants_cache_file(key);
  if (file.empty()) return false;
  static std::atomic<unsigned> counter{0};
  try {
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    if (ec) return false;
    nlohmann::json j;
    j["version"] = kFormatVersion;
    j["key"] = key;
    j["L"] = c.L;
    j["L_i"] = c.L_i;
    j["mu"] = c.mu;
    j["f_star"] = c.f_star ? nlohmann::json(*c.f_star) : nlohmann::json(nullptr);
    j["computed_by"] = c.source;
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

}  // namespace commopt
