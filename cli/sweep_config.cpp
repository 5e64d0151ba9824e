#include "cli/sweep_config.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/deprecation.hpp"
#include "core/error.hpp"
#include "core/spec.hpp"
#include "run/compare.hpp"

namespace commopt::cli {

std::string at_line(const std::string& file, int line, const std::string& key, const std::string& message) {
  return fmt::format("{}:{}: {}: {}", file, line, key, message);
}

namespace {

const std::vector<std::string> kTopKeys = {"name",  "problem",   "workers", "rounds",          "log_every",
                                           "value_bits", "split", "select", "out_dir",       "seeds",
                                           "stepsize_powers", "stepsize_grid", "stepsizes", "max_bits",
                                           "targets", "target", "target_on", "x", "runs"};
const std::vector<std::string> kRunKeys = {"method", "compressor", "problem", "workers", "label"};
// Old key spellings (README "Vocabulary"): read as the new key, with one warning.
const std::vector<std::pair<std::string, std::string>> kKeyAliases = {
    {"budget", "max_bits"}, {"threshold", "target"}, {"eps", "target"}};

struct Reader {
  std::string file;
  int line(const toml::node& n) const { return static_cast<int>(n.source().begin.line); }
  [[noreturn]] void fail(const toml::node& n, const std::string& key, const std::string& msg) const {
    throw UsageError(at_line(file, line(n), key, msg));
  }
  void check_keys(const toml::table& t, const std::vector<std::string>& known, const std::string& where) const {
    for (const auto& [k, v] : t) {
      const std::string key(k.str());
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      fail(v, key, fmt::format("unknown key{}; {}", where, unknown_name_message("key", key, known)));
    }
  }
  std::string str(const toml::node& n, const std::string& key) const {
    if (auto v = n.value<std::string>(); v && n.is_string()) return *v;
    fail(n, key, "expected a string in quotes, e.g. " + key + " = \"...\"");
  }
  long long integer(const toml::node& n, const std::string& key) const {
    if (n.is_integer()) return *n.value<long long>();
    fail(n, key, "expected an integer without quotes, e.g. " + key + " = 5");
  }
  double number(const toml::node& n, const std::string& key) const {
    if (n.is_integer() || n.is_floating_point()) {
      const double v = *n.value<double>();
      if (std::isfinite(v)) return v;
    }
    fail(n, key, "expected a finite number without quotes, e.g. " + key + " = 1e-3");
  }
  // A string or a non-empty list of strings.
  std::vector<std::string> strings(const toml::node& n, const std::string& key) const {
    if (auto* a = n.as_array()) {
      if (a->empty()) fail(n, key, "empty list; give at least one value or drop the key");
      std::vector<std::string> out;
      for (auto& e : *a) out.push_back(str(e, key));
      return out;
    }
    return {str(n, key)};
  }
  std::vector<int> worker_counts(const toml::node& n) const {
    std::vector<int> out;
    auto one = [&](const toml::node& e) {
      const long long w = integer(e, "workers");
      if (w < 1 || w > 100000) fail(e, "workers", fmt::format("{} workers; give n between 1 and 100000", w));
      out.push_back(static_cast<int>(w));
    };
    if (auto* a = n.as_array()) {
      if (a->empty()) fail(n, "workers", "empty list; give at least one n");
      for (auto& e : *a) one(e);
    } else {
      one(n);
    }
    return out;
  }
};

}  // namespace

SweepConfig parse_sweep_config(const std::string& file) {
  toml::table t;
  try {
    t = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    throw UsageError(fmt::format("{}:{}: {}", file, e.source().begin.line, e.description()));
  }
  const Reader r{file};
  for (const auto& [old_key, new_key] : kKeyAliases)
    if (auto* n = t.get(old_key)) {
      if (t.get(new_key)) r.fail(*n, old_key, fmt::format("give {} only ({} is its old name)", new_key, old_key));
      warn_deprecated(fmt::format("sweep key {}", old_key), new_key);
      t.insert(new_key, *n);
      t.erase(old_key);
    }
  r.check_keys(t, kTopKeys, "");
  SweepConfig c;
  c.file = file;
  c.name = std::filesystem::path(file).stem().string();
  if (auto* n = t.get("name")) c.name = r.str(*n, "name");
  std::vector<std::string> problems;
  std::map<std::string, int> top_lines;
  if (auto* n = t.get("problem")) problems = r.strings(*n, "problem"), top_lines["problem"] = r.line(*n);
  std::vector<int> workers{10};
  if (auto* n = t.get("workers")) workers = r.worker_counts(*n), top_lines["workers"] = r.line(*n);
  if (auto* n = t.get("rounds")) {
    c.rounds = r.integer(*n, "rounds");
    c.rounds_given = true;
    if (c.rounds < 1 || c.rounds > 100000000) r.fail(*n, "rounds", "give between 1 and 1e8 rounds");
  }
  if (auto* n = t.get("log_every")) {
    c.log_every = r.integer(*n, "log_every");
    if (c.log_every < 0) r.fail(*n, "log_every", "must be >= 0 (0 = log-spaced rows)");
  }
  if (auto* n = t.get("value_bits")) {
    c.value_bits = static_cast<int>(r.integer(*n, "value_bits"));
    if (c.value_bits != 32 && c.value_bits != 64) r.fail(*n, "value_bits", "use 32 (float32 on the wire) or 64");
  }
  if (auto* n = t.get("split")) {
    c.split = r.str(*n, "split");
    const std::vector<std::string> splits = {"contiguous", "shuffled", "label-sorted"};
    if (std::find(splits.begin(), splits.end(), c.split) == splits.end())
      r.fail(*n, "split", unknown_name_message("split", c.split, splits));
  }
  if (auto* n = t.get("select")) {
    c.select = r.str(*n, "select");
    if (c.select != "mean" && c.select != "robust") r.fail(*n, "select", "use \"mean\" or \"robust\"");
  }
  c.out_dir = "runs/" + c.name;
  if (auto* n = t.get("out_dir")) c.out_dir = r.str(*n, "out_dir");
  if (auto* n = t.get("seeds"); n && n->is_integer()) {  // a count K: seeds 0..K-1 (as --seeds K)
    const long long k = r.integer(*n, "seeds");
    if (k < 1 || k > 1000) r.fail(*n, "seeds", fmt::format("{} seeds; give a count from 1 to 1000 or a list", k));
    c.seeds.clear();
    for (long long s = 0; s < k; ++s) c.seeds.push_back(static_cast<std::uint64_t>(s));
  } else if (n) {
    auto* a = n->as_array();
    if (!a) r.fail(*n, "seeds", "expected a count or a list of integers, e.g. seeds = 3 or seeds = [0, 1, 2]");
    if (a->empty()) r.fail(*n, "seeds", "empty list; give at least one seed, e.g. seeds = [0]");
    c.seeds.clear();
    std::set<long long> seen;
    for (auto& e : *a) {
      const long long s = r.integer(e, "seeds");
      if (s < 0) r.fail(e, "seeds", fmt::format("seed {} is negative; seeds are integers >= 0", s));
      if (!seen.insert(s).second) r.fail(e, "seeds", fmt::format("seed {} is listed twice", s));
      c.seeds.push_back(static_cast<std::uint64_t>(s));
    }
  }
  if (auto* n = t.get("stepsize_powers")) {
    auto* a = n->as_array();
    if (!a || a->size() != 2) r.fail(*n, "stepsize_powers", "write [lo, hi) as two integers, e.g. [-2, 4]");
    const long long lo = r.integer(*a->get(0), "stepsize_powers"), hi = r.integer(*a->get(1), "stepsize_powers");
    if (lo >= hi) r.fail(*n, "stepsize_powers", fmt::format("[{}, {}) is empty; give lo < hi", lo, hi));
    if (lo < -60 || hi > 61) r.fail(*n, "stepsize_powers", "powers must lie in [-60, 60]");
    if (hi - lo > 64) r.fail(*n, "stepsize_powers", fmt::format("{} step sizes; give at most 64", hi - lo));
    c.powers.clear();
    for (long long i = lo; i < hi; ++i) c.powers.push_back(static_cast<int>(i));
  }
  if (auto* n = t.get("stepsize_grid")) {
    const std::string g = r.str(*n, "stepsize_grid");
    if (g != "theory" && g != "absolute")
      r.fail(*n, "stepsize_grid", "use \"theory\" (γ = theory·2^i) or \"absolute\" (γ = 2^i)");
    c.absolute = g == "absolute";
  }
  if (auto* n = t.get("stepsizes")) {
    auto* a = n->as_array();
    if (!a || a->empty()) r.fail(*n, "stepsizes", "expected a non-empty list of positive numbers, e.g. [0.5, 1, 2]");
    if (a->size() > 64) r.fail(*n, "stepsizes", "give at most 64 step sizes");
    if (t.get("stepsize_powers")) r.fail(*n, "stepsizes", "give either stepsizes or stepsize_powers, not both");
    for (auto& e : *a) {
      const double g = r.number(e, "stepsizes");
      if (g <= 0) r.fail(e, "stepsizes", fmt::format("{:g} is not positive", g));
      c.stepsizes.push_back(g);
    }
  }
  if (auto* n = t.get("max_bits")) {
    c.max_bits = r.number(*n, "max_bits");
    if (*c.max_bits <= 0) r.fail(*n, "max_bits", "give a positive bit budget per worker, e.g. 1e6");
  }
  auto add_target = [&](const toml::node& e, const std::string& key) {
    const double v = r.number(e, key);
    if (v <= 0) r.fail(e, key, fmt::format("target {:g} must be positive", v));
    c.targets.push_back(v);
  };
  if (auto* n = t.get("target")) add_target(*n, "target");
  if (auto* n = t.get("targets")) {
    auto* a = n->as_array();
    if (!a || a->empty()) r.fail(*n, "targets", "expected a non-empty list, e.g. targets = [1e-2, 1e-3]");
    for (auto& e : *a) add_target(e, "targets");
  }
  std::sort(c.targets.begin(), c.targets.end(), std::greater<>());
  if (auto* n = t.get("target_on")) {
    c.target_on = r.str(*n, "target_on");
    if (c.target_on != "grad_norm_sq" && c.target_on != "gap") r.fail(*n, "target_on", "use grad_norm_sq or gap");
  }
  if (auto* n = t.get("x")) {
    c.x = r.str(*n, "x");
    const std::vector<std::string> axes = {"bits_up_max", "bits_up", "bits_down", "round", "grad_evals"};
    if (std::find(axes.begin(), axes.end(), c.x) == axes.end()) r.fail(*n, "x", unknown_name_message("axis", c.x, axes));
  }
  if (c.max_bits && c.x != "bits_up_max" && c.x != "bits_up")
    r.fail(*t.get("max_bits"), "max_bits",
           "the budget is uplink bits per worker; use x = \"bits_up_max\" or \"bits_up\" with it, or drop max_bits");
  if (!c.rounds_given && (c.max_bits || !c.targets.empty())) c.rounds = kSafetyRounds;

  auto* runs_node = t.get("runs");
  auto* runs = runs_node ? runs_node->as_array() : nullptr;
  if (!runs || runs->empty())
    throw UsageError(at_line(file, 1, "runs", "no [[runs]]; add at least one with method = \"...\""));
  for (auto& node : *runs) {
    auto* rt = node.as_table();
    if (!rt) r.fail(node, "runs", "every [[runs]] entry must be a table");
    r.check_keys(*rt, kRunKeys, " in [[runs]]");
    SweepRunEntry e;
    e.line = r.line(node);
    e.key_lines = top_lines;
    for (const auto& [k, v] : *rt) e.key_lines[std::string(k.str())] = r.line(v);
    auto* m = rt->get("method");
    if (!m) r.fail(node, "method", "this [[runs]] entry has no method; add method = \"...\"");
    e.methods = r.strings(*m, "method");
    if (auto* n = rt->get("compressor")) e.compressors = r.strings(*n, "compressor");
    e.problems = problems;
    if (auto* n = rt->get("problem")) e.problems = r.strings(*n, "problem");
    if (e.problems.empty())
      r.fail(node, "problem", "this run has no problem; set problem = \"...\" at the top or in the run");
    e.workers = workers;
    if (auto* n = rt->get("workers")) e.workers = r.worker_counts(*n);
    if (auto* n = rt->get("label")) e.label = r.str(*n, "label");
    c.runs.push_back(std::move(e));
  }
  return c;
}

}  // namespace commopt::cli
