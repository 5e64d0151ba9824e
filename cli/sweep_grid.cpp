#include "cli/sweep_grid.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "compress/registry.hpp"
#include "core/error.hpp"
#include "core/spec.hpp"
#include "methods/method.hpp"
#include "problems/checksum.hpp"
#include "problems/registry.hpp"

namespace commopt::cli {

std::string slug(std::string s) {
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '.') ch = '_';
  return s;
}

namespace {

// Splits "[a,b[c=1],d]" (outer brackets included) at its top-level commas.
std::vector<std::string> list_items(const std::string& text) {
  std::vector<std::string> items;
  std::string item;
  int depth = 0;
  for (char c : text.substr(1, text.size() - 2)) {
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (c == ',' && depth == 0) {
      items.push_back(item);
      item.clear();
    } else {
      item.push_back(c);
    }
  }
  items.push_back(item);
  for (auto& i : items) {
    while (!i.empty() && std::isspace(static_cast<unsigned char>(i.front()))) i.erase(i.begin());
    while (!i.empty() && std::isspace(static_cast<unsigned char>(i.back()))) i.pop_back();
  }
  return items;
}

}  // namespace

std::vector<std::string> expand_spec_lists(const std::string& text, const std::string& what) {
  if (text.find('[') == std::string::npos) return {text};
  const Spec spec = Spec::parse(text, what);
  // One list of alternatives per key, then their cartesian product in key order.
  std::vector<std::pair<std::string, std::vector<std::string>>> choices;
  bool any = false;
  for (const auto& [key, value] : spec.values()) {
    std::vector<std::string> alts;
    if (value.size() >= 2 && value.front() == '[' && value.back() == ']') {
      for (const auto& item : list_items(value)) {
        if (item.empty()) throw UsageError(fmt::format("{}: empty item in the list {}={} of '{}'", what, key, value, text));
        for (auto& e : expand_spec_lists(item, what)) alts.push_back(e);
      }
      any = true;
    } else {
      alts = expand_spec_lists(value, what);
      any = any || alts.size() > 1 || alts.front() != value;
    }
    choices.emplace_back(key, std::move(alts));
  }
  if (!any) return {text};
  std::vector<std::string> out;
  std::vector<std::size_t> pick(choices.size(), 0);
  while (true) {
    std::string s = spec.name() + "[";
    for (std::size_t i = 0; i < choices.size(); ++i)
      s += (i ? "," : "") + choices[i].first + "=" + choices[i].second[pick[i]];
    out.push_back(s + "]");
    std::size_t i = choices.size();
    while (i > 0 && ++pick[i - 1] == choices[i - 1].second.size()) pick[--i] = 0;
    if (i == 0) break;
  }
  return out;
}

namespace {

std::vector<std::string> names_of(const auto& registry) {
  std::vector<std::string> names;
  for (const auto& e : registry) names.push_back(e.name);
  return names;
}

// The method/compressor/problem names and keys, checked against the registries.
void check_case(const SweepConfig& cfg, const SweepCase& c) {
  auto fail = [&](const std::string& key, const std::string& msg) -> void {
    throw UsageError(at_line(cfg.file, c.line_of(key), key, msg));
  };
  try {
    const Spec m = Spec::parse(c.method, "method");
    const auto& methods = method_registry();
    auto it = std::find_if(methods.begin(), methods.end(), [&](const MethodEntry& e) { return e.name == m.name(); });
    if (it == methods.end()) fail("method", unknown_name_message("method", m.name(), names_of(methods)));
    m.check_keys(it->params);
    if (!c.compressor.empty()) {
      const Spec k = Spec::parse(c.compressor, "compressor");
      if (!find_compressor(k.name()))
        fail("compressor", unknown_name_message("compressor", k.name(), names_of(compressor_registry())));
      k.check_keys(find_compressor(k.name())->params);
      if (!it->uses_compressor && k.name() != "identity")
        fail("compressor", fmt::format("{} sends dense vectors and takes no compressor; drop compressor", it->name));
    }
  } catch (const UsageError& e) {
    const std::string msg = e.what();
    if (msg.rfind(cfg.file + ":", 0) == 0) throw;
    fail(c.compressor.empty() || msg.find("compressor") == std::string::npos ? "method" : "compressor",
         msg + " (" + c.method + (c.compressor.empty() ? "" : " + " + c.compressor) + ")");
  }
  try {
    const Spec p = Spec::parse(c.problem, "problem");
    const auto& problems = problem_registry();
    auto it = std::find_if(problems.begin(), problems.end(), [&](const ProblemEntry& e) { return e.name == p.name(); });
    if (it == problems.end()) fail("problem", unknown_name_message("problem", p.name(), names_of(problems)));
    p.check_keys(it->params);
  } catch (const UsageError& e) {
    const std::string msg = e.what();
    if (msg.rfind(cfg.file + ":", 0) == 0) throw;
    fail("problem", msg);
  }
}

std::vector<SweepStep> steps_of(const SweepConfig& cfg, const std::string& method) {
  const Spec m = Spec::parse(method, "method");
  if (m.has("stepsize")) return {{m.get_string("stepsize", ""), "fixed", 0}};
  std::vector<SweepStep> steps;
  if (!cfg.stepsizes.empty()) {
    for (std::size_t i = 0; i < cfg.stepsizes.size(); ++i)
      steps.push_back({fmt::format("{:.17g}", cfg.stepsizes[i]), fmt::format("v{}", i), std::log2(cfg.stepsizes[i])});
    return steps;
  }
  for (int p : cfg.powers) {
    const std::string factor = fmt::format("{:.17g}", std::ldexp(1.0, p));
    if (cfg.absolute)
      steps.push_back({factor, fmt::format("a{}", p), double(p)});
    else
      steps.push_back({p == 0 ? "theory" : "theory*" + factor, fmt::format("g{}", p), double(p)});
  }
  return steps;
}

}  // namespace

SweepGrid expand_grid(const SweepConfig& cfg) {
  SweepGrid g;
  std::set<std::string> problems_seen;
  std::set<int> workers_seen;
  for (const auto& e : cfg.runs) {
    for (const auto& p : e.problems) problems_seen.insert(p);
    for (int n : e.workers) workers_seen.insert(n);
  }
  auto expand = [&](const std::string& text, const std::string& key, int line) {
    try {
      return expand_spec_lists(text, key);
    } catch (const UsageError& err) {
      throw UsageError(at_line(cfg.file, line, key, err.what()));  // line: where `key` was given
    }
  };
  std::set<std::string> ids, labels;
  for (const auto& e : cfg.runs) {
    std::vector<std::string> methods, compressors, problems;
    for (const auto& m : e.methods) for (auto& x : expand(m, "method", e.line_of("method"))) methods.push_back(x);
    for (const auto& k : e.compressors) for (auto& x : expand(k, "compressor", e.line_of("compressor"))) compressors.push_back(x);
    if (compressors.empty()) compressors.push_back("");
    for (const auto& p : e.problems) for (auto& x : expand(p, "problem", e.line_of("problem"))) problems.push_back(x);
    const std::size_t count = methods.size() * compressors.size() * problems.size() * e.workers.size();
    for (const auto& m : methods)
      for (const auto& k : compressors)
        for (const auto& p : problems)
          for (int n : e.workers) {
            SweepCase c{"", m, k, p, n, e.line, e.key_lines, {}};
            std::string derived = m + (k.empty() ? "" : "+" + k);
            if (problems_seen.size() > 1 || problems.size() > 1) derived += " on " + p;
            if (workers_seen.size() > 1) derived += fmt::format(" n={}", n);
            c.label = e.label.empty() ? derived : (count > 1 ? e.label + " [" + derived + "]" : e.label);
            check_case(cfg, c);
            const std::string id = fmt::format("{}|{}|{}|{}", m, k, p, n);
            if (!ids.insert(id).second)
              throw UsageError(at_line(cfg.file, e.line_of("method"), "method",
                                       "this configuration (" + id + ") is listed twice; drop one [[runs]] entry"));
            for (int dup = 2; !labels.insert(c.label).second; ++dup) c.label += fmt::format(" #{}", dup);
            c.steps = steps_of(cfg, m);
            g.cases.push_back(std::move(c));
          }
  }
  std::set<std::string> traces;  // never two runs writing one file
  for (std::size_t ci = 0; ci < g.cases.size(); ++ci) {
    const SweepCase& c = g.cases[ci];
    const std::string id = hex64(fnv1a64(fmt::format("{}|{}|{}|{}", c.method, c.compressor, c.problem, c.workers)));
    std::string base = slug(c.label);
    if (base.size() > 80) base.resize(80);
    for (std::size_t si = 0; si < c.steps.size(); ++si)
      for (std::uint64_t seed : cfg.seeds) {
        SweepRun r;
        r.case_index = static_cast<int>(ci);
        r.step_index = static_cast<int>(si);
        r.seed = seed;
        r.method = c.steps[si].code == "fixed"
                       ? c.method
                       : Spec::parse(c.method, "method").with("stepsize", c.steps[si].spec).str();
        r.trace = fmt::format("{}-{}-{}-s{}.csv", base, id.substr(0, 8), c.steps[si].code, seed);
        r.config = fmt::format("{} stepsize={}", c.label, c.steps[si].spec);
        if (!traces.insert(r.trace).second)
          throw UsageError(at_line(cfg.file, c.line, "label",
                                   fmt::format("two runs would write '{}'; give the runs distinct labels", r.trace)));
        g.runs.push_back(std::move(r));
      }
  }
  return g;
}

}  // namespace commopt::cli
