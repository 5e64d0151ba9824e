// `commopt sweep FILE.toml`: an experiment as data — a list of runs (method × compressor, optionally
// a different problem or n), each over a step-size grid γ = theory·2^i and several seeds. Every run
// writes its trace; a run whose complete trace and matching metadata already exist is read back
// instead of recomputed (resumable). The best γ per run follows the papers' rule (dasha-family.md §5):
// the smallest mean log10 ||∇f||² over the last 90% of the logged rows (worst seed first with
// `select = "robust"`). One summary table; `--json` writes it too.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <toml++/toml.h>

#include "trace/result_file.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "problems/registry.hpp"
#include "run/compare.hpp"
#include "run/job.hpp"
#include "theory/fstar.hpp"

namespace po = boost::program_options;

namespace commopt::cli {

namespace {

struct SweepRun {
  std::string label, method, problem;
  std::optional<std::string> compressor;
  int workers = 0;
};

struct SweepConfig {
  std::string name, problem, out_dir, select = "mean", split = "contiguous";
  int workers = 5, value_bits = 32;
  long long rounds = 1000, log_every = 0;
  std::vector<std::uint64_t> seeds{0};
  std::vector<int> powers{0};  // γ = theory · 2^i
  std::optional<double> target;
  std::vector<SweepRun> runs;
};

template <class T>
T need(const toml::table& t, const std::string& key, const std::string& file) {
  auto v = t[key].value<T>();
  if (!v) throw UsageError(fmt::format("{}: '{}' is missing or has the wrong type", file, key));
  return *v;
}

SweepConfig parse_config(const std::string& file) {
  toml::table t;
  try {
    t = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    throw UsageError(fmt::format("{}: line {}: {}", file, e.source().begin.line, e.description()));
  }
  SweepConfig c;
  c.name = t["name"].value_or(std::filesystem::path(file).stem().string());
  c.problem = t["problem"].value_or(std::string());
  c.workers = t["workers"].value_or(5);
  c.rounds = t["rounds"].value_or(1000LL);
  c.log_every = t["log_every"].value_or(0LL);
  c.value_bits = t["value_bits"].value_or(32);
  c.split = t["split"].value_or(std::string("contiguous"));
  c.select = t["select"].value_or(std::string("mean"));
  c.out_dir = t["out_dir"].value_or("runs/" + c.name);
  if (auto tg = t["target"].value<double>()) c.target = *tg;
  if (auto* s = t["seeds"].as_array()) {
    c.seeds.clear();
    for (auto& v : *s) c.seeds.push_back(static_cast<std::uint64_t>(v.value_or(0LL)));
  }
  if (auto* p = t["stepsize_powers"].as_array()) {
    if (p->size() != 2) throw UsageError(file + ": stepsize_powers = [lo, hi) needs two integers");
    c.powers.clear();
    for (int i = (*p)[0].value_or(0); i < (*p)[1].value_or(0); ++i) c.powers.push_back(i);
  }
  if (c.select != "mean" && c.select != "robust")
    throw UsageError(file + ": select = \"" + c.select + "\": use \"mean\" or \"robust\"");
  auto* runs = t["runs"].as_array();
  if (!runs || runs->empty()) throw UsageError(file + ": no [[runs]]; add at least one with method = \"...\"");
  for (auto& node : *runs) {
    auto* r = node.as_table();
    if (!r) throw UsageError(file + ": every [[runs]] entry must be a table");
    SweepRun run;
    run.method = need<std::string>(*r, "method", file);
    if (auto cs = (*r)["compressor"].value<std::string>()) run.compressor = *cs;
    run.problem = (*r)["problem"].value_or(c.problem);
    run.workers = (*r)["workers"].value_or(c.workers);
    run.label = (*r)["label"].value_or(run.method + (run.compressor ? "+" + *run.compressor : ""));
    if (run.problem.empty()) throw UsageError(file + ": run '" + run.label + "' has no problem");
    c.runs.push_back(run);
  }
  return c;
}

std::string slug(std::string s) {
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '.') ch = '_';
  return s;
}

}  // namespace

int cmd_sweep(const std::vector<std::string>& args) {
  std::string file, data_dir, json;
  bool dry = false;
  po::options_description desc("commopt sweep options");
  desc.add_options()
      ("help,h", "this help")
      ("file", po::value(&file)->required(), "the experiment (TOML), e.g. experiments/dasha.toml")
      ("data-dir", po::value(&data_dir), "first directory to search for datasets")
      ("json", po::value(&json), "write the summary as JSON")
      ("dry-run", po::bool_switch(&dry), "list the runs without running them");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << "usage: commopt sweep FILE.toml [--data-dir DIR] [--json OUT]\n\n" << desc << "\n";
    return 0;
  }
  po::notify(vm);
  // The summary's path is checked before the work, so that no result is lost to a bad path after it.
  if (vm.count("json") && json != "-") check_result_target(json, /*overwrite=*/true, "--json");
  if (!std::filesystem::exists(file)) throw UsageError("sweep: no file '" + file + "'; give an experiment TOML");
  const SweepConfig cfg = parse_config(file);
  ProblemOptions popts;
  popts.data_dir = data_dir;
  popts.split = cfg.split;
  nlohmann::json summary = nlohmann::json::array();
  fmt::print("sweep {}: {} runs x {} step sizes x {} seeds, {} rounds each -> {}\n", cfg.name, cfg.runs.size(),
             cfg.powers.size(), cfg.seeds.size(), cfg.rounds, cfg.out_dir);
  fmt::print("{:<34} {:>9} {:>14} {:>14} {:>16} {:>9}  {}\n", "run", "best γ", "final |∇f|^2", "bits_up/worker",
             cfg.target ? fmt::format("bits to {:g}", *cfg.target) : "bits_up_max", "reused", "trace (seed 0)");
  for (const auto& run : cfg.runs) {
    auto problem = make_problem(Spec::parse(run.problem, "problem"), run.workers, popts);
    if (problem->convex()) (void)ensure_f_star(*problem);
    double best_score = INFINITY;
    int best_power = 0;
    std::vector<TraceRow> best_rows;
    std::string best_path;
    int reused = 0;
    for (int power : cfg.powers) {
      double worst = -INFINITY, mean = 0;
      std::vector<TraceRow> first_rows;
      std::string first_path;
      for (std::uint64_t seed : cfg.seeds) {
        JobSpec job;
        Spec m = Spec::parse(run.method, "method");
        const std::string step = power == 0 ? "theory" : fmt::format("theory*{:.17g}", std::ldexp(1.0, power));
        job.method = m.has("stepsize") ? run.method
                                       : (run.method.find('[') == std::string::npos
                                              ? fmt::format("{}[stepsize={}]", run.method, step)
                                              : run.method.substr(0, run.method.size() - 1) + ",stepsize=" + step + "]");
        job.compressor = run.compressor;
        job.seed = seed;
        job.value_bits = cfg.value_bits;
        job.stop.rounds = cfg.rounds;
        job.grid.every = cfg.log_every;
        job.overwrite = true;  // a stale trace (its metadata does not match) is rerun in place
        job.out = fmt::format("{}/{}-g{}-s{}.csv", cfg.out_dir, slug(run.label), power, seed);
        job.extra_meta["sweep"] = cfg.name;
        job.extra_meta["sweep_key"] = fmt::format("{}|{}|{}|{}|{}|{}", run.problem, run.workers, job.method,
                                                  run.compressor.value_or(""), cfg.rounds, cfg.log_every);
        if (dry) {
          fmt::print("  {} -> {}\n", job.method, job.out);
          continue;
        }
        std::vector<TraceRow> rows;
        const std::string meta_path = metadata_path(job.out);
        bool have = false;
        if (std::filesystem::exists(job.out) && std::filesystem::exists(meta_path)) {
          try {
            std::ifstream in(meta_path);
            const auto meta = nlohmann::json::parse(in);
            if (meta.value("sweep_key", "") == job.extra_meta["sweep_key"].get<std::string>() &&
                meta.value("seed", std::uint64_t{0}) == seed) {
              rows = read_trace_csv(job.out);
              have = !rows.empty();
            }
          } catch (const std::exception&) {
            have = false;  // unreadable: recompute
          }
        }
        if (have) {
          ++reused;
        } else {
          rows = run_job(*problem, job).rows;
        }
        const double sc = papers_score(rows);
        worst = std::max(worst, sc);
        mean += sc / static_cast<double>(cfg.seeds.size());
        if (first_rows.empty()) first_rows = rows, first_path = job.out;
      }
      if (dry) continue;
      const double s = cfg.select == "robust" ? worst : mean;
      if (s < best_score) best_score = s, best_power = power, best_rows = first_rows, best_path = first_path;
    }
    if (dry || best_rows.empty()) continue;
    const TraceRow& last = best_rows.back();
    std::string reach = fmt::format("{:.4g}", last.bits_up_max);
    if (cfg.target) {
      reach = "not reached";
      for (const auto& r : best_rows)
        if (r.grad_norm_sq <= *cfg.target) {
          reach = fmt::format("{:.4g}", r.bits_up);
          break;
        }
    }
    fmt::print("{:<34} {:>9} {:>14.4e} {:>14.4g} {:>16} {:>9}  {}\n", run.label, fmt::format("2^{}", best_power),
               last.grad_norm_sq, last.bits_up, reach, reused, best_path);
    summary.push_back({{"run", run.label},           {"method", run.method},
                       {"compressor", run.compressor.value_or("")}, {"problem", run.problem},
                       {"workers", run.workers},     {"best_stepsize_power", best_power},
                       {"final_grad_norm_sq", last.grad_norm_sq}, {"bits_up", last.bits_up},
                       {"bits_up_max", last.bits_up_max}, {"bits_to_target", reach},
                       {"trace", best_path},         {"status", to_string(last.status)}});
  }
  if (vm.count("json") && json == "-") fmt::print("{}\n", summary.dump(2));
  else if (vm.count("json")) write_result_file(json, summary.dump(2) + "\n", /*overwrite=*/true, "--json");
  return 0;
}

}  // namespace commopt::cli
