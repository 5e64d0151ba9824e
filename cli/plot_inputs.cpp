#include "cli/plot_inputs.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/spec.hpp"
#include "run/compare.hpp"
#include "run/job.hpp"

namespace commopt::cli {

namespace fs = std::filesystem;

namespace {

// One CSV record (RFC 4180: fields may be "quoted", with "" for a quote inside).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

std::string first_line(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  return line;
}

bool is_trace(const fs::path& p) { return first_line(p).rfind("round,", 0) == 0; }

std::string json_text(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number_float()) return fmt::format("{:.4g}", j.get<double>());
  if (j.is_null()) return "";
  return j.dump();
}

// The method spec without its stepsize key (the step is a part of its own).
std::string method_without_step(const std::string& method) {
  if (method.empty()) return method;
  const Spec s = Spec::parse(method, "metadata method");
  std::vector<std::string> kv;
  for (const auto& [k, v] : s.values())
    if (k != "stepsize") kv.push_back(k + "=" + v);
  return kv.empty() ? s.name() : fmt::format("{}[{}]", s.name(), fmt::join(kv, ","));
}

RunIdentity identity_of(const nlohmann::json& m) {
  RunIdentity id;
  if (m.is_null()) return id;
  const auto get = [&](const char* k) { return m.contains(k) ? json_text(m[k]) : std::string(); };
  id.problem = get("problem");
  id.method = method_without_step(get("method"));
  id.compressor = get("compressor");
  id.split = get("split");
  id.workers = get("workers");
  id.value_bits = get("value_bits");
  id.seed = get("seed");
  if (m.contains("method_info") && m["method_info"].contains("stepsize")) id.stepsize = json_text(m["method_info"]["stepsize"]);
  return id;
}

std::string identity_key(const RunIdentity& id, bool with_step) {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}", id.problem, id.method, id.compressor, id.workers, id.split, id.value_bits,
                     with_step ? id.stepsize : "");
}

PlotRun read_run(const fs::path& trace, const std::string& input) {
  PlotRun r;
  r.trace = trace;
  try {
    r.rows = read_trace_csv(trace);
  } catch (const std::exception& e) {
    throw UsageError(fmt::format("{}: cannot read the trace {}: {}; pass a trace written by commopt run or sweep", input,
                                 trace.string(), e.what()));
  }
  const fs::path meta = metadata_path(trace.string());
  if (fs::exists(meta)) {
    std::ifstream in(meta);
    try {
      r.meta = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
      throw UsageError(fmt::format("{}: its metadata {} is not JSON ({}); rerun the run or remove the file", input,
                                   meta.string(), e.what()));
    }
  }
  r.id = identity_of(r.meta);
  r.config = r.meta.is_null() ? trace.string() : identity_key(r.id, true);
  return r;
}

// A sweep's index: one row per run; `trace` relative to the index's directory.
void read_index(const fs::path& index, std::vector<PlotRun>& out, std::vector<std::string>& notes) {
  std::ifstream in(index);
  std::string line;
  std::getline(in, line);
  const auto header = csv_fields(line);
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
  if (!col.count("trace"))
    throw UsageError(fmt::format("{}: the index has no `trace` column (columns: {}); pass the trace files or their "
                                 "directory instead", index.string(), fmt::join(header, ",")));
  const auto field = [&](const std::vector<std::string>& f, const char* name) {
    const auto it = col.find(name);
    return it != col.end() && it->second < f.size() ? f[it->second] : std::string();
  };
  for (int lineno = 2; std::getline(in, line); ++lineno) {
    if (line.empty()) continue;
    const auto f = csv_fields(line);
    const std::string status = field(f, "status");
    if (!status.empty() && !parse_status(status)) {
      notes.push_back(fmt::format("{} line {}: skipped (status {})", index.string(), lineno, status));
      continue;
    }
    fs::path trace = index.parent_path() / field(f, "trace");
    if (!fs::exists(trace) && fs::exists(field(f, "trace"))) trace = field(f, "trace");  // relative to the cwd
    if (!fs::exists(trace))
      throw UsageError(fmt::format("{} line {}: the trace {} does not exist; rerun the sweep (it resumes) or pass the "
                                   "traces directly", index.string(), lineno, trace.string()));
    PlotRun r = read_run(trace, fmt::format("{} line {}", index.string(), lineno));
    const auto fill = [&](std::string& v, const char* name) {
      if (v.empty()) v = field(f, name);
    };
    fill(r.id.problem, "problem"), fill(r.id.compressor, "compressor"), fill(r.id.split, "split");
    fill(r.id.workers, "workers"), fill(r.id.value_bits, "value_bits"), fill(r.id.stepsize, "stepsize");
    fill(r.id.seed, "seed");
    if (r.id.method.empty()) r.id.method = method_without_step(field(f, "method"));
    if (!field(f, "config").empty()) r.config = "index:" + field(f, "config");
    if (col.count("best")) r.index_best = field(f, "best") == "1";
    out.push_back(std::move(r));
  }
}

}  // namespace

std::vector<PlotRun> read_plot_inputs(const std::vector<std::string>& inputs, std::vector<std::string>& notes) {
  if (inputs.empty()) throw UsageError("plot: name the runs: trace .csv files, directories or a sweep's results");
  std::vector<PlotRun> runs;
  std::set<std::string> seen;  // canonical trace paths: each run once
  for (const auto& input : inputs) {
    const fs::path p(input);
    if (!fs::exists(p)) throw UsageError(fmt::format("{}: no such file or directory; pass a trace .csv, a directory of "
                                                     "traces or a sweep's results", input));
    const std::size_t before = runs.size();
    if (fs::is_directory(p) && fs::exists(p / "runs.csv")) {
      read_index(p / "runs.csv", runs, notes);
    } else if (fs::is_directory(p)) {
      std::vector<fs::path> traces;
      for (const auto& e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file() && e.path().extension() == ".csv" && e.path().filename() != "runs.csv" &&
            is_trace(e.path()))
          traces.push_back(e.path());
      std::sort(traces.begin(), traces.end());
      for (const auto& t : traces) runs.push_back(read_run(t, input));
    } else if (p.filename() == "runs.csv") {
      read_index(p, runs, notes);
    } else {
      if (!is_trace(p))
        throw UsageError(fmt::format("{}: not a trace (its first line is not the trace header `round,...`); pass a "
                                     "trace .csv written by commopt run or sweep", input));
      runs.push_back(read_run(p, input));
    }
    if (runs.size() == before)
      throw UsageError(fmt::format("{}: no complete trace found (interrupted runs leave only .partial files); run "
                                   "commopt run or sweep first, or pass another directory", input));
    for (std::size_t i = before; i < runs.size(); ++i)
      if (!seen.insert(fs::weakly_canonical(runs[i].trace).string()).second)
        throw UsageError(fmt::format("{}: the trace {} is already among the inputs; pass each run once", input,
                                     runs[i].trace.string()));
    for (std::size_t i = before; i < runs.size(); ++i)
      if (runs[i].meta.is_null())
        notes.push_back(fmt::format("{}: no metadata {} beside it: drawn as its own curve", runs[i].trace.string(),
                                    metadata_path(runs[i].trace.string())));
  }
  return runs;
}

namespace {

// The legend parts of a run, each with its kind (only the kinds that differ between groups are shown).
std::vector<std::pair<std::string, std::string>> parts(const PlotRun& r) {
  const auto& id = r.id;
  return {{"problem", id.problem},
          {"method", id.method},
          {"compressor", id.compressor == "identity" ? "" : id.compressor},
          {"workers", id.workers.empty() ? "" : "n=" + id.workers},
          {"split", id.split.empty() ? "" : "split=" + id.split},
          {"value_bits", id.value_bits.empty() ? "" : id.value_bits + "-bit"},
          {"stepsize", id.stepsize.empty() ? "" : "step=" + id.stepsize}};
}

double mean_score(const std::vector<PlotRun>& runs) {
  double s = 0;
  for (const auto& r : runs) s += papers_score(r.rows) / static_cast<double>(runs.size());
  return s;
}

}  // namespace

std::vector<PlotGroup> group_runs(std::vector<PlotRun> runs, bool best_step, std::string& title) {
  std::vector<PlotGroup> groups;
  std::map<std::string, std::size_t> at;
  for (auto& r : runs) {
    auto [it, fresh] = at.emplace(r.config, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].runs.push_back(std::move(r));
  }
  if (best_step) {
    std::map<std::string, std::size_t> best;  // configuration without its step -> best group
    std::vector<bool> keep(groups.size(), false);
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const PlotRun& r = groups[g].runs.front();
      if (r.index_best) {  // the sweep chose (its rule, its seeds): taken as is
        keep[g] = *r.index_best;
        continue;
      }
      const std::string key = r.meta.is_null() ? r.config : identity_key(r.id, false);
      auto [it, fresh] = best.emplace(key, g);
      if (!fresh && mean_score(groups[g].runs) < mean_score(groups[it->second].runs)) it->second = g;
    }
    for (const auto& [k, g] : best) keep[g] = true;
    std::vector<PlotGroup> kept;
    for (std::size_t g = 0; g < groups.size(); ++g)
      if (keep[g]) kept.push_back(std::move(groups[g]));
    groups = std::move(kept);
  }
  // Legend: the kinds whose value differs between groups (method and compressor when none does);
  // the step only where it tells apart configurations that agree on everything else (methods at
  // their own theory steps differ in step anyway). Title: the kinds all groups share.
  const auto first = parts(groups.front().runs.front());
  std::vector<bool> differs(first.size(), false);
  std::map<std::string, std::set<std::string>> steps;  // configuration without step -> its steps
  for (const auto& g : groups) {
    const auto p = parts(g.runs.front());
    for (std::size_t k = 0; k < p.size(); ++k) differs[k] = differs[k] || p[k].second != first[k].second;
    steps[identity_key(g.runs.front().id, false)].insert(g.runs.front().id.stepsize);
  }
  std::vector<std::string> common;
  for (std::size_t k = 0; k < first.size(); ++k)
    if (!differs[k] && !first[k].second.empty() && first[k].first != "value_bits" && first[k].first != "stepsize")
      common.push_back(first[k].second);
  title = fmt::format("{}", fmt::join(common, ", "));
  const std::size_t step = first.size() - 1;
  differs[step] = std::any_of(steps.begin(), steps.end(), [](const auto& kv) { return kv.second.size() > 1; });
  if (std::none_of(differs.begin(), differs.end(), [](bool b) { return b; })) differs[1] = differs[2] = true;
  std::set<std::string> seen;
  for (auto& g : groups) {
    const PlotRun& r = g.runs.front();
    std::vector<std::string> shown;
    const auto p = parts(r);
    for (std::size_t k = 0; k < p.size(); ++k)
      if (differs[k] && !p[k].second.empty()) shown.push_back(p[k].second);
    g.label = r.meta.is_null() ? r.trace.stem().string() : fmt::format("{}", fmt::join(shown, " "));
    if (g.label.empty() || !seen.insert(g.label).second) g.label += " (" + r.config + ")";
  }
  return groups;
}

}  // namespace commopt::cli
