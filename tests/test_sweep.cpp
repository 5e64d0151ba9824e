// `commopt sweep` as a user meets it: the grid a file expands to (lists inside specs), -j N giving
// the same traces as -j 1, the index runs.csv matching the traces, the summary's numbers equal to
// an independent computation from the traces, the edge warning and the diverged row, resume only
// on an exact key match, every validation error with FILE:LINE: key and exit 2, and every shipped
// experiments/*.toml passing --dry-run.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "test_cli_helpers.hpp"
#include "test_problem_helpers.hpp"
#include "trace/trace.hpp"

namespace fs = std::filesystem;

namespace {

using commopt::testing::run_cli;

std::string write_toml(const commopt::testing::TempDir& dir, const std::string& body) {
  const std::string path = (dir / "e.toml").string();
  std::ofstream(path) << "out_dir = \"" << (dir / "out").string() << "\"\n" << body;
  return path;
}

// A CSV file as rows of named fields (quoted fields with commas allowed).
std::vector<std::map<std::string, std::string>> read_csv(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> lines;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (c == '"') {
        if (quoted && i + 1 < line.size() && line[i + 1] == '"') f.back() += '"', ++i;
        else quoted = !quoted;
      } else if (c == ',' && !quoted) {
        f.emplace_back();
      } else {
        f.back() += c;
      }
    }
    lines.push_back(f);
  }
  std::vector<std::map<std::string, std::string>> rows;
  for (std::size_t r = 1; r < lines.size(); ++r) {
    REQUIRE(lines[r].size() == lines[0].size());
    std::map<std::string, std::string> row;
    for (std::size_t k = 0; k < lines[0].size(); ++k) row[lines[0][k]] = lines[r][k];
    rows.push_back(row);
  }
  return rows;
}

const std::string kQuadratic =
    "name = \"q\"\nproblem = \"quadratic[d=8,seed=2]\"\nworkers = 3\nrounds = 60\nlog_every = 5\n";

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

TEST_CASE("sweep: lists in specs and in keys expand to a grid", "[sweep]") {
  commopt::testing::TempDir dir;
  const auto toml = write_toml(dir, kQuadratic + "seeds = [0, 1]\nstepsize_powers = [-1, 1]\n"
                                                 "[[runs]]\nmethod = \"ef21\"\ncompressor = \"topk[k=[1,2,4]]\"\n"
                                                 "[[runs]]\nmethod = [\"gd\", \"dasha[init=[full,none]]\"]\n"
                                                 "compressor = []\n");
  // an empty list is an error
  auto bad = run_cli("sweep --dry-run " + toml);
  CHECK(bad.code == 2);
  CHECK(bad.output.find("e.toml:14: compressor: empty list") != std::string::npos);
  std::string text;
  {
    std::ifstream in(toml);
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  text = text.substr(0, text.find("compressor = []"));
  // ef21 x 3 + gd + dasha x 2 + dasha_pp x 2 = 8 configurations x 2 steps x 2 seeds
  std::ofstream(toml) << text << "[[runs]]\nmethod = \"dasha_pp[participation=snice[s=[1,2]]]\"\n"
                      << "compressor = \"randk[k=2]\"\n";
  const auto o = run_cli("sweep --dry-run " + toml);
  INFO(o.output);
  REQUIRE(o.code == 0);
  CHECK(o.output.find("sweep q: 32 runs = 8 configurations") != std::string::npos);
  for (const char* k : {"compressor=topk[k=1] ", "compressor=topk[k=2] ", "compressor=topk[k=4] "})
    CHECK(o.output.find(k) != std::string::npos);
  CHECK(o.output.find("method=dasha[init=none,stepsize=theory*0.5]") != std::string::npos);
  CHECK(o.output.find("method=dasha_pp[participation=snice[s=2],stepsize=theory]") != std::string::npos);
  CHECK(o.output.find("method=gd[stepsize=theory*0.5]") != std::string::npos);
  // every run its own trace
  std::set<std::string> traces;
  std::istringstream lines(o.output);
  for (std::string l; std::getline(lines, l);)
    if (l.find(" -> ") != std::string::npos && l.rfind("  method=", 0) == 0) traces.insert(l.substr(l.find(" -> ")));
  CHECK(traces.size() == 32);
  // an absolute grid: gamma = 2^i, no theory
  std::ofstream(toml) << kQuadratic << "stepsize_powers = [-2, 0]\nstepsize_grid = \"absolute\"\n[[runs]]\nmethod = \"gd\"\n";
  const auto a = run_cli("sweep --dry-run " + toml);
  CHECK(a.output.find("method=gd[stepsize=0.25]") != std::string::npos);
  CHECK(a.output.find("method=gd[stepsize=0.5]") != std::string::npos);
  std::ofstream(toml) << kQuadratic << "stepsizes = [0.3, 1.5]\n[[runs]]\nmethod = [\"gd\", \"gd[stepsize=0.7]\"]\n";
  const auto l = run_cli("sweep --dry-run " + toml);
  CHECK(l.output.find("3 runs = 2 configurations") != std::string::npos);  // a spec with stepsize= runs at it only
  CHECK(l.output.find("method=gd[stepsize=0.29999999999999999]") != std::string::npos);
  CHECK(l.output.find("method=gd[stepsize=1.5]") != std::string::npos);
  CHECK(l.output.find("method=gd[stepsize=0.7]") != std::string::npos);
}

TEST_CASE("sweep: with a target the round cap is a safety limit that says when it was hit", "[sweep]") {
  commopt::testing::TempDir dir;
  const auto toml = write_toml(dir, "name = \"q\"\nproblem = \"quadratic[d=8,seed=2]\"\nworkers = 3\n"
                                    "targets = [1e-30]\n[[runs]]\nmethod = \"gd\"\n");
  auto o = run_cli("sweep --dry-run " + toml);
  CHECK(o.output.find("stop: 100000 rounds (safety cap), grad_norm_sq <= 1e-30") != std::string::npos);
  std::ofstream(toml) << "out_dir = \"" << (dir / "out").string() << "\"\nrounds = 30\n"
                      << "name = \"q\"\nproblem = \"quadratic[d=8,seed=2]\"\nworkers = 3\ntargets = [1e-30]\n"
                      << "[[runs]]\nmethod = \"gd\"\n";
  o = run_cli("sweep " + toml);
  INFO(o.output);
  CHECK(o.output.find("note: gd: the round cap (30 rounds) stopped a run") != std::string::npos);
  CHECK(o.output.find("- (1/1)") != std::string::npos);  // the one seed never reached 1e-30
}

TEST_CASE("sweep: -j 2 writes the same traces as -j 1", "[sweep]") {
  commopt::testing::TempDir dir;
  const std::string body = kQuadratic + "seeds = [0, 1, 2]\nstepsize_powers = [-1, 1]\n"
                                        "[[runs]]\nmethod = \"dasha\"\ncompressor = \"randk[k=2]\"\n"
                                        "[[runs]]\nmethod = \"marina\"\ncompressor = \"randk[k=3]\"\n";
  std::ofstream(dir / "a.toml") << "out_dir = \"" << (dir / "a").string() << "\"\n" << body;
  std::ofstream(dir / "b.toml") << "out_dir = \"" << (dir / "b").string() << "\"\n" << body;
  REQUIRE(run_cli("sweep -j 1 " + (dir / "a.toml").string()).code == 0);
  REQUIRE(run_cli("sweep -j 2 " + (dir / "b.toml").string()).code == 0);
  const auto index = read_csv(dir / "a" / "runs.csv");
  REQUIRE(index.size() == 12);
  for (const auto& row : index) {
    const auto ra = commopt::read_trace_csv(dir / "a" / row.at("trace"));
    const auto rb = commopt::read_trace_csv(dir / "b" / row.at("trace"));
    REQUIRE(ra.size() == rb.size());
    for (std::size_t i = 0; i < ra.size(); ++i) {
      auto a = ra[i], b = rb[i];
      a.seconds = b.seconds = 0;  // wall-clock time is the one column allowed to differ
      CHECK(commopt::csv_line(a) == commopt::csv_line(b));
    }
  }
}

TEST_CASE("sweep: the index rows match the traces and the summary matches the traces", "[sweep]") {
  commopt::testing::TempDir dir;
  // the grid holds diverging steps and interior best steps (dasha: theory*4, gd: theory)
  const auto toml = write_toml(dir, kQuadratic + "seeds = [0, 1, 2]\nstepsize_powers = [-1, 5]\nmax_bits = 3000\n"
                                                 "targets = [1e-2, 1e-4]\n"
                                                 "[[runs]]\nmethod = \"dasha\"\ncompressor = \"randk[k=2]\"\n"
                                                 "[[runs]]\nmethod = \"ef21\"\ncompressor = \"topk[k=2]\"\n"
                                                 "[[runs]]\nmethod = \"gd\"\n");
  const auto o = run_cli("sweep -j 2 " + toml + " --json " + (dir / "s.json").string());
  INFO(o.output);
  REQUIRE(o.code == 0);
  const auto index = read_csv(dir / "out" / "runs.csv");
  REQUIRE(index.size() == 3 * 6 * 3);
  for (const char* col : {"trace", "config", "method", "compressor", "problem", "workers", "split", "seed", "stepsize",
                          "stepsize_spec", "value_bits", "status", "best", "rounds", "bits_up_max", "grad_norm_sq"})
    CHECK(index[0].count(col) == 1);
  std::map<std::string, std::vector<std::map<std::string, std::string>>> best_of;  // label -> best rows
  std::map<std::string, std::map<std::string, double>> score;  // label -> step -> mean score over seeds
  std::set<std::string> configs;
  for (const auto& row : index) {
    const auto rows = commopt::read_trace_csv(dir / "out" / row.at("trace"));
    REQUIRE(!rows.empty());
    CHECK(std::stoll(row.at("rounds")) == rows.back().round);
    CHECK(std::stod(row.at("grad_norm_sq")) == rows.back().grad_norm_sq);
    CHECK(std::stod(row.at("bits_up_max")) == rows.back().bits_up_max);
    CHECK(row.at("status") == std::string(commopt::to_string(rows.back().status)));
    std::ifstream in(fs::path(dir / "out" / row.at("trace")).replace_extension(".json"));
    const auto meta = nlohmann::json::parse(in);
    CHECK(std::stod(row.at("stepsize")) == meta["method_info"]["stepsize"].get<double>());
    CHECK(std::stoull(row.at("seed")) == meta["seed"].get<std::uint64_t>());
    CHECK(row.at("config") == meta["config"].get<std::string>());
    configs.insert(row.at("config"));
    // the papers' rule, written out: mean log10 ||grad f||^2 over the last 90% of the rows, mean over seeds
    double sc = 0;
    const std::size_t start = rows.size() / 10;
    for (std::size_t i = start; i < rows.size(); ++i) sc += std::log10(rows[i].grad_norm_sq);
    sc /= static_cast<double>(rows.size() - start);
    if (rows.back().status == commopt::RunStatus::diverged || !std::isfinite(sc)) sc = INFINITY;
    score[meta["label"].get<std::string>()][row.at("stepsize_spec")] += sc / 3;
    if (row.at("best") == "1") best_of[meta["label"].get<std::string>()].push_back(row);
  }
  CHECK(configs.size() == 18);  // label x step
  std::ifstream in(dir / "s.json");
  const auto summary = nlohmann::json::parse(in);
  REQUIRE(summary["configurations"].size() == 3);
  for (const auto& c : summary["configurations"]) {
    const auto& best = best_of[c["label"].get<std::string>()];
    REQUIRE(best.size() == 3);  // one step, every seed
    const auto& sc = score[c["label"].get<std::string>()];
    const auto argmin = std::min_element(sc.begin(), sc.end(), [](auto& a, auto& b) { return a.second < b.second; });
    CHECK(argmin->first == c["best_step"].get<std::string>());
    std::vector<double> at_budget, to_target;
    int missing = 0;
    for (const auto& row : best) {
      CHECK(row.at("stepsize_spec") == c["best_step"].get<std::string>());
      const auto rows = commopt::read_trace_csv(dir / "out" / row.at("trace"));
      double v = NAN;
      for (const auto& r : rows)
        if (r.bits_up_max <= 3000) v = r.grad_norm_sq;
      at_budget.push_back(v);
      std::optional<double> reach;
      for (const auto& r : rows)
        if (r.grad_norm_sq <= 1e-2) { reach = r.bits_up_max; break; }
      if (reach) to_target.push_back(*reach); else ++missing;
    }
    CHECK(c["at_budget"]["median"].get<double>() == median_of(at_budget));
    CHECK(c["at_budget"]["min"].get<double>() == *std::min_element(at_budget.begin(), at_budget.end()));
    const auto& t = c["targets"][0];
    CHECK(t["target"].get<double>() == 1e-2);
    CHECK(t["bits_up_max"]["missing"].get<int>() == missing);
    if (!to_target.empty()) CHECK(t["bits_up_max"]["median"].get<double>() == median_of(to_target));
  }
}

TEST_CASE("sweep: a best step at the grid's edge warns; an all-diverged configuration is a row", "[sweep]") {
  commopt::testing::TempDir dir;
  // gd on a quadratic over gamma = theory/8, theory/4: the larger wins, at the grid's edge
  const auto toml = write_toml(dir, kQuadratic + "stepsize_powers = [-3, -1]\n[[runs]]\nmethod = \"gd\"\n");
  auto o = run_cli("sweep " + toml + " --json -");
  INFO(o.output);
  REQUIRE(o.code == 0);
  CHECK(o.output.find("best step theory*0.25 is the largest tried; extend stepsize_powers") != std::string::npos);
  const auto j = nlohmann::json::parse(o.output.substr(o.output.find('{')));
  CHECK(j["configurations"][0]["best_step_at_edge"] == true);
  std::ofstream(toml) << "out_dir = \"" << (dir / "out2").string() << "\"\n" << kQuadratic
                      << "stepsize_powers = [3, 5]\n[[runs]]\nmethod = \"gd\"\n";
  o = run_cli("sweep " + toml);
  REQUIRE(o.code == 0);
  CHECK(o.output.find("diverged") != std::string::npos);
  CHECK(o.output.find("gd: every step size diverged") != std::string::npos);
  o = run_cli("sweep " + toml + " --json -");
  const auto k = nlohmann::json::parse(o.output.substr(o.output.find('{')));
  CHECK(k["configurations"][0]["diverged"] == true);
  CHECK(k["configurations"][0]["best_step"].is_null());
}

TEST_CASE("sweep: resume reuses only on an exact key match", "[sweep]") {
  commopt::testing::TempDir dir;
  const std::string head = "name = \"m\"\nproblem = \"logreg[data=mushrooms]\"\nworkers = 2\nrounds = 15\n"
                           "seeds = [0, 1]\n[[runs]]\nmethod = \"ef21\"\ncompressor = \"topk[k=5]\"\n";
  auto toml = write_toml(dir, head);
  auto o = run_cli("sweep " + toml);
  INFO(o.output);
  REQUIRE(o.code == 0);
  CHECK(o.output.find("0 of 2 runs reused") != std::string::npos);
  o = run_cli("sweep " + toml);
  CHECK(o.output.find("2 of 2 runs reused") != std::string::npos);
  // another split, another value width: nothing reused
  write_toml(dir, head + "split = \"shuffled\"\n");
  std::ofstream(toml) << "out_dir = \"" << (dir / "out").string() << "\"\nsplit = \"shuffled\"\n" << head;
  o = run_cli("sweep " + toml);
  CHECK(o.output.find("0 of 2 runs reused") != std::string::npos);
  std::ofstream(toml) << "out_dir = \"" << (dir / "out").string() << "\"\nsplit = \"shuffled\"\nvalue_bits = 64\n" << head;
  o = run_cli("sweep " + toml);
  CHECK(o.output.find("0 of 2 runs reused") != std::string::npos);
  o = run_cli("sweep " + toml);
  CHECK(o.output.find("2 of 2 runs reused") != std::string::npos);
  // a trace made by another version (its key differs in "version"): rerun, and the file is replaced
  const auto index = read_csv(dir / "out" / "runs.csv");
  const fs::path meta_path = fs::path(dir / "out" / index[0].at("trace")).replace_extension(".json");
  nlohmann::json meta;
  {
    std::ifstream in(meta_path);
    meta = nlohmann::json::parse(in);
  }
  auto key = nlohmann::json::parse(meta["sweep_key"].get<std::string>());
  key["version"] = "0.0.1 old";
  meta["sweep_key"] = key.dump();
  std::ofstream(meta_path) << meta.dump();
  o = run_cli("sweep " + toml);
  CHECK(o.output.find("1 of 2 runs reused") != std::string::npos);
  std::ifstream again(meta_path);
  CHECK(nlohmann::json::parse(again)["sweep_key"].get<std::string>().find("0.0.1 old") == std::string::npos);
}

TEST_CASE("sweep: every validation error names FILE:LINE: key and exits 2", "[sweep]") {
  commopt::testing::TempDir dir;
  const std::string run = "[[runs]]\nmethod = \"gd\"\n";
  struct Case {
    std::string body, fragment;
  };
  const std::vector<Case> cases = {
      {"problem = \"quadratic\"\n[[runs]]\nmehtod = \"gd\"\n", "e.toml:4: mehtod: unknown key in [[runs]]"},
      {"problem = \"quadratic\"\nstepsize_power = [0, 2]\n" + run, "e.toml:3: stepsize_power: unknown key"},
      {"problem = \"quadratic\"\nstepsize_power = [0, 2]\n" + run, "did you mean 'stepsize_powers'"},
      {"problem = \"quadratic\"\nworkers = \"2\"\n" + run, "e.toml:3: workers: expected an integer"},
      {"problem = \"quadratic\"\nseeds = []\n" + run, "e.toml:3: seeds: empty list"},
      {"problem = \"quadratic\"\nseeds = [-1]\n" + run, "e.toml:3: seeds: seed -1 is negative"},
      {"problem = \"quadratic\"\nstepsize_powers = [-2000000000, 2000000000]\n" + run, "e.toml:3: stepsize_powers:"},
      {"problem = \"quadratic\"\nstepsize_powers = [-40, 40]\n" + run, "give at most 64"},
      {"problem = \"quadratic\"\n[[runs]]\nmethod = \"efx21\"\n", "e.toml:4: method: unknown method 'efx21'"},
      {"problem = \"quadratic\"\n[[runs]]\nmethod = \"ef21\"\ncompressor = \"topkk\"\n", "e.toml:5: compressor: unknown compressor"},
      {"problem = \"quadratik\"\n" + run, "e.toml:2: problem: unknown problem 'quadratik'"},
      {"problem = \"quadratic\"\n[[runs]]\nmethod = \"ef21\"\ncompressor = \"topk[kk=2]\"\n", "e.toml:5: compressor:"},
      {"problem = \"quadratic\"\n[[runs]]\nmethod = \"ef21\"\ncompressor = \"topk[k=-1]\"\n", "e.toml:5: compressor:"},
      {"problem = \"quadratic[d=-3]\"\n" + run, "e.toml:2: problem:"},
      {"problem = \"quadratic\"\n[[runs]]\nmethod = \"dasha[stepsize=-1]\"\n", "e.toml:4: method:"},
      {"problem = \"quadratic\"\nmax_bits = -5\n" + run, "e.toml:3: max_bits: give a positive"},
      {"problem = \"quadratic\"\ntargets = [1e-2, \"x\"]\n" + run, "e.toml:3: targets: expected a finite number"},
      {"problem = \"quadratic\"\nrounds = 1.5\n" + run, "e.toml:3: rounds: expected an integer"},
      {"name = \"t\"\n" + run, "has no problem"},
      {"problem = \"quadratic\"\nx = \"round\"\nmax_bits = 1e4\n" + run, "e.toml:4: max_bits: the budget is uplink bits"},
      {"problem = \"quadratic\"\n[[runs]]\nmethod = \"gd\"\nworkers = 0\n", "e.toml:5: workers: 0 workers"},
  };
  for (const auto& c : cases) {
    const auto toml = write_toml(dir, c.body);
    const auto o = run_cli("sweep " + toml);
    INFO(c.body << "\n---\n" << o.output);
    CHECK(o.code == 2);
    CHECK(o.output.find(c.fragment) != std::string::npos);
    CHECK(!fs::exists(dir / "out" / "runs.csv"));  // nothing ran
  }
}

TEST_CASE("sweep: every shipped experiments/*.toml passes --dry-run", "[sweep]") {
  // COMMOPT_SHARED_DATASETS is <source>/../shared/datasets
  const std::string shared = COMMOPT_SHARED_DATASETS;
  const fs::path source = shared.substr(0, shared.rfind("/../shared/datasets"));
  int n = 0;
  for (const auto& e : fs::directory_iterator(source / "experiments")) {
    if (e.path().extension() != ".toml") continue;
    const auto o = run_cli("sweep --dry-run " + e.path().string());
    INFO(e.path() << "\n" << o.output);
    CHECK(o.code == 0);
    CHECK(o.output.find(" runs = ") != std::string::npos);
    ++n;
  }
  CHECK(n >= 11);
}
