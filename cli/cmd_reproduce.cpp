// `commopt reproduce NAME...`: runs paper claims as commands. Each writes <out>/<name>/report.md (the
// claim, the paper's setting, ours and why, tables, figures, a verdict) with its traces and figures,
// and <out>/<name>/verdict.json; `--list` names them; `--quick` runs each in seconds (for tests: the
// report is produced, the verdict is not meaningful and says so).
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "trace/result_file.hpp"
#include "cli/command_output.hpp"
#include "cli/commands.hpp"
#include "cli/vocabulary.hpp"
#include "cli/reproduce/report.hpp"
#include "cli/reproduce/reproduction.hpp"
#include "core/error.hpp"
#include "core/spec.hpp"

namespace po = boost::program_options;

namespace commopt::cli {

int cmd_reproduce(const std::vector<std::string>& args) {
  using namespace commopt::reproduce;
  std::vector<std::string> names;
  std::string out_dir, data_dir;
  int seeds = 0;
  bool list = false, all = false, quick = false;
  OutputFlags out_flags;
  po::options_description desc("commopt reproduce options");
  desc.add_options()
      ("help,h", "this help")
      ("name", po::value(&names)->multitoken(), "reproductions to run (required unless --all or --list; also the arguments; commopt reproduce --list)")
      ("list", po::bool_switch(&list), "list the reproductions with their papers")
      ("all", po::bool_switch(&all), "run every reproduction")
      ("quick", po::bool_switch(&quick), "tiny budgets, one seed: checks the pipeline in seconds (verdicts not meaningful)")
      ("seeds", po::value(&seeds)->default_value(0), "how many seeds (0..K-1) per configuration (0: the reproduction's default, 3; 1 with --quick)")
      ("out,o", po::value(&out_dir)->default_value("reproductions"), "output directory; each reproduction writes <out>/<name>/")
      ("data-dir", po::value(&data_dir), "first directory to search for datasets (default: only the search path, see README)");
  add_output_options(desc, out_flags);  // --json: the verdicts (or the --list) as one document
  po::positional_options_description pos;
  pos.add("name", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(canonical_flags(args, desc, "reproduce")).options(desc).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << "usage: commopt reproduce NAME... [--quick] [--out DIR] | --all | --list\n\n" << desc << "\n";
    return 0;
  }
  po::notify(vm);
  if (list) {
    CommandOutput output(out_flags);
    nlohmann::json doc = {{"reproductions", nlohmann::json::array()}};
    for (const auto& e : entries()) {
      fmt::print("{:<24} {}\n{:<24} ({})\n", e.name, e.summary, "", e.paper);
      doc["reproductions"].push_back({{"name", e.name}, {"summary", e.summary}, {"paper", e.paper}});
    }
    output.write(doc);
    return 0;
  }
  std::vector<std::string> known;
  for (const auto& e : entries()) known.push_back(e.name);
  if (all) names = known;
  if (names.empty()) throw UsageError("reproduce: name a reproduction (commopt reproduce --list) or give --all");
  if (seeds < 0 || seeds > 100) throw UsageError(fmt::format("--seeds {}: use 1 to 100 (0: the default)", seeds));
  for (const auto& n : names)
    if (std::find(known.begin(), known.end(), n) == known.end())
      throw UsageError(unknown_name_message("reproduction", n, known));
  CommandOutput output(out_flags);
  nlohmann::json doc = {{"reproductions", nlohmann::json::array()}};
  for (const auto& n : names) {
    const Entry& e = *std::find_if(entries().begin(), entries().end(), [&](const Entry& x) { return x.name == n; });
    Context ctx;
    ctx.dir = std::filesystem::path(out_dir) / e.name;
    ctx.quick = quick;
    ctx.data_dir = data_dir;
    const int k = seeds > 0 ? seeds : (quick ? 1 : 3);
    ctx.seeds.clear();
    for (int s = 0; s < k; ++s) ctx.seeds.push_back(static_cast<std::uint64_t>(s));
    std::filesystem::create_directories(ctx.dir);
    Report report(fmt::format("{} — {}", e.name, e.summary));
    report.text(fmt::format("Paper: {}.", e.paper));
    if (quick)
      report.text("**Quick mode**: tiny budgets and one seed, to check the pipeline; the numbers and the verdict "
                  "below are not a reproduction. Run without `--quick` for the real one.");
    fmt::print("reproduce {}: running (output in {})\n", e.name, ctx.dir.string());
    std::fflush(stdout);
    const auto start = std::chrono::steady_clock::now();
    e.run(ctx, report);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const char* omp = std::getenv("OMP_NUM_THREADS");
    report.section("Cost");
    report.text(fmt::format("Wall time of this reproduction: {:.2f} s (OMP_NUM_THREADS={}).", seconds, omp ? omp : "unset"));
    if (!report.verdict()) throw std::logic_error("reproduction " + e.name + " gave no verdict");
    report.write(ctx.dir / "report.md");
    const nlohmann::json v = {{"name", e.name},       {"paper", e.paper}, {"verdict", to_string(*report.verdict())},
                              {"why", report.verdict_reason()}, {"quick", quick}, {"seeds", k},
                              {"seconds", seconds}};
    write_result_file(ctx.dir / "verdict.json", v.dump(2) + "\n", /*overwrite=*/true, "reproduce --out");
    doc["reproductions"].push_back(v);
    doc["reproductions"].back()["report"] = (ctx.dir / "report.md").string();
    fmt::print("reproduce {}: {} — {}\n  report: {} ({:.1f} s)\n", e.name, to_string(*report.verdict()),
               report.verdict_reason(), (ctx.dir / "report.md").string(), seconds);
  }
  output.write(doc);
  return 0;
}

}  // namespace commopt::cli
