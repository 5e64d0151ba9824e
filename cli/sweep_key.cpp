#include "cli/sweep_key.hpp"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "compress/registry.hpp"
#include "core/spec.hpp"
#include "core/version.hpp"
#include "methods/method.hpp"
#include "problems/checksum.hpp"
#include "problems/datasets.hpp"
#include "problems/registry.hpp"
#include "run/run.hpp"

namespace commopt::cli {

namespace {
const std::vector<ParamDoc>* params_of(const std::string& kind, const std::string& name) {
  if (kind == "method") {
    for (const auto& e : method_registry())
      if (e.name == name) return &e.params;
  } else if (kind == "compressor") {
    if (auto* e = find_compressor(name)) return &e->params;
  } else {
    for (const auto& e : problem_registry())
      if (e.name == name) return &e.params;
  }
  return nullptr;
}
}  // namespace

std::string with_defaults(const std::string& text, const std::string& kind) {
  Spec s = Spec::parse(text, kind);
  if (const auto* params = params_of(kind, s.name()))
    for (const auto& p : *params)
      if (!p.default_value.empty() && p.default_value.front() != '(' && !s.has(p.name)) s = s.with(p.name, p.default_value);
  return s.str();
}

std::string data_identity(const std::string& problem, const std::string& data_dir,
                          std::map<std::string, std::string>& memo) {
  const Spec s = Spec::parse(problem, "problem");
  if (!s.has("data")) return "";
  const std::string memo_key = s.get_string("data", "") + "|" + data_dir;
  if (auto it = memo.find(memo_key); it != memo.end()) return it->second;
  const std::filesystem::path path = resolve_dataset(s.get_string("data", ""), data_dir);
  std::ifstream in(path, std::ios::binary);
  std::uint64_t h = kFnvOffset;
  std::uintmax_t size = 0;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    h = fnv1a64(std::string_view(buf.data(), got), h);
    size += got;
  }
  return memo[memo_key] = fmt::format("{}|{}|{}", std::filesystem::weakly_canonical(path).string(), size, hex64(h));
}

std::string run_key(const SweepConfig& cfg, const SweepCase& c, const SweepRun& r, const std::string& data_id) {
  const Spec m = Spec::parse(r.method, "method");
  std::string compressor = c.compressor;
  for (const auto& e : method_registry())
    if (e.name == m.name()) compressor = compressor.empty() ? (e.uses_compressor ? e.default_compressor : "identity")
                                                            : compressor;
  nlohmann::json k;
  k["method"] = with_defaults(r.method, "method");
  k["compressor"] = compressor.empty() ? "" : with_defaults(compressor, "compressor");
  k["problem"] = with_defaults(c.problem, "problem");
  k["workers"] = c.workers;
  k["split"] = cfg.split;
  k["value_bits"] = cfg.value_bits;
  k["seed"] = r.seed;
  k["rounds"] = cfg.rounds;
  k["max_bits"] = cfg.max_bits ? nlohmann::json(*cfg.max_bits) : nlohmann::json();
  k["target"] = stop_target(cfg) ? nlohmann::json(*stop_target(cfg)) : nlohmann::json();
  k["target_on"] = cfg.target_on;
  k["log_every"] = cfg.log_every;
  k["log_growth"] = LogGrid{}.growth;
  k["data"] = data_id;
  k["version"] = fmt::format("{} {}", version(), git_revision());
  return k.dump();
}

}  // namespace commopt::cli
