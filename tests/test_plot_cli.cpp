// `commopt plot` end to end: runs made with the binary (2 methods x 2 seeds on a quadratic), then one
// command renders them from their directory or from a sweep-style runs.csv; --theory draws gd's
// linear rate above its measured gap; bad inputs exit 2 with one line naming the input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

#include "test_cli_helpers.hpp"
#include "test_problem_helpers.hpp"

namespace {

using commopt::testing::run_cli;

const char* const kProblem = "'quadratic[d=20,mu=0.1,L=1,workers-heterogeneity=0.5,seed=1]'";

// Per curve of a .dat: its label line and rows (x, y, y_low, y_high).
struct DatCurve {
  std::string label;
  std::vector<std::array<double, 4>> rows;
};
std::vector<DatCurve> read_dat(const std::filesystem::path& p) {
  std::vector<DatCurve> out;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# curve ", 0) == 0) out.push_back({line.substr(line.find(": ") + 2), {}});
    if (line.empty() || line[0] == '#') continue;
    std::istringstream s(line);
    std::array<double, 4> v{};
    s >> v[0] >> v[1] >> v[2] >> v[3];
    out.back().rows.push_back(v);
  }
  return out;
}

// Two methods x two seeds in dir/runs (dasha with randk: the seeds differ).
void make_runs(const std::filesystem::path& dir) {
  for (const char* m : {"gd", "dasha --compressor 'randk[k=4]'"})
    for (int s : {1, 2}) {
      const std::string name = std::string(m).substr(0, std::string(m).find(' '));
      const auto out = dir / "runs" / (name + "-s" + std::to_string(s) + ".csv");
      const auto o = run_cli(std::string("run --problem ") + kProblem + " -n 3 --method " + m + " --rounds 40 -q --seed " +
                             std::to_string(s) + " -o " + out.string());
      REQUIRE(o.code == 0);
    }
}

}  // namespace

TEST_CASE("plot cli: one command renders the runs of a directory, one curve per configuration", "[plot]") {
  commopt::testing::TempDir dir;
  make_runs(dir.path());
  const auto fig = dir / "f.png";
  const auto o = run_cli("plot " + (dir / "runs").string() + " --out " + fig.string());
  INFO(o.output);
  REQUIRE(o.code == 0);
  CHECK(std::filesystem::file_size(fig) > 1000);
  CHECK(o.output.find("figure: " + fig.string()) != std::string::npos);
  const auto curves = read_dat(dir / "f.dat");
  REQUIRE(curves.size() == 2);
  // Legend: what differs (method, compressor); traces are read in file-name order.
  REQUIRE(curves[0].label == "dasha randk[k=4] (2 seeds)");
  REQUIRE(curves[1].label == "gd (2 seeds)");
  // gd is deterministic: both seeds equal, so the band is the line; dasha with randk has a band.
  for (const auto& r : curves[1].rows) CHECK((r[2] == r[1] && r[3] == r[1]));
  bool band = false;
  for (const auto& r : curves[0].rows) band = band || r[2] < r[3];
  CHECK(band);

  // The same runs through a sweep's index: rows grouped by its `config` column.
  {
    std::ofstream idx(dir / "runs" / "runs.csv");
    idx << "trace,config,method,compressor,problem,workers,split,seed,stepsize,value_bits,status\n";
    for (const char* m : {"gd", "dasha"})
      for (int s : {1, 2})
        idx << m << "-s" << s << ".csv,\"" << m << ",x\"," << m << ",,q,3,contiguous," << s << ",0.1,32,max_rounds\n";
    idx << "lost.csv,gd,gd,,q,3,contiguous,3,0.1,32,failed\n";  // a failed run: skipped with a note
  }
  const auto o2 = run_cli("plot " + (dir / "runs").string() + " --x rounds --y loss --linear-y --out " + (dir / "g.svg").string());
  INFO(o2.output);
  REQUIRE(o2.code == 0);
  CHECK(o2.output.find("status failed") != std::string::npos);
  CHECK(read_dat(dir / "g.dat").size() == 2);
  CHECK(std::filesystem::exists(dir / "g.svg"));

  // A sweep's index with its `best` column: by default each configuration at the step it marks.
  std::filesystem::create_directories(dir / "sweep");
  {
    std::ofstream idx(dir / "sweep" / "runs.csv");
    idx << "trace,config,seed,status,best\n";
    for (const char* m : {"gd", "dasha"})
      for (int s : {1, 2})
        idx << "../runs/" << m << "-s" << s << ".csv," << m << "," << s << ",max_rounds," << (m[0] == 'g') << "\n";
  }
  const auto o3 = run_cli("plot " + (dir / "sweep").string() + " --out " + (dir / "s.png").string());
  INFO(o3.output);
  REQUIRE(o3.code == 0);
  CHECK(o3.output.find("--all-steps for every step") != std::string::npos);
  REQUIRE(read_dat(dir / "s.dat").size() == 1);
  CHECK(read_dat(dir / "s.dat")[0].label == "gd (2 seeds)");
  REQUIRE(run_cli("plot " + (dir / "sweep").string() + " --all-steps --out " + (dir / "s.png").string()).code == 0);
  CHECK(read_dat(dir / "s.dat").size() == 2);
}

TEST_CASE("plot cli: --theory draws gd's linear rate above its measured gap", "[plot]") {
  commopt::testing::TempDir dir;
  for (int s : {1, 2}) {
    const auto o = run_cli(std::string("run --problem ") + kProblem + " -n 3 --method gd --rounds 60 -q --seed " +
                           std::to_string(s) + " -o " + (dir / ("gd-s" + std::to_string(s) + ".csv")).string());
    REQUIRE(o.code == 0);
  }
  const auto o = run_cli("plot " + dir.path().string() + " --y gap --x rounds --theory --out " + (dir / "t.png").string());
  INFO(o.output);
  REQUIRE(o.code == 0);
  CHECK(o.output.find("theory: gd (dashed)") != std::string::npos);
  const auto curves = read_dat(dir / "t.dat");
  REQUIRE(curves.size() == 2);
  CHECK(curves[1].label.find("bound on f(x^T) - f*") != std::string::npos);
  REQUIRE(curves[1].rows.size() == curves[0].rows.size());
  for (std::size_t i = 0; i < curves[0].rows.size(); ++i) {
    CHECK(curves[1].rows[i][0] == curves[0].rows[i][0]);
    CHECK(curves[0].rows[i][1] <= curves[1].rows[i][1] * (1 + 1e-9));
  }
  CHECK(curves[1].rows.back()[1] < 0.5 * curves[1].rows.front()[1]);  // a rate, not a constant
  // A quantity no card bounds: one line saying so, still exit 0.
  const auto o2 = run_cli("plot " + dir.path().string() + " --y loss --linear-y --theory --out " + (dir / "u.png").string());
  CHECK(o2.code == 0);
  CHECK(o2.output.find("no bound drawn: no theorem bound on loss") != std::string::npos);
  // A run above the theory step gets no bound (the card's theorem does not cover it).
  const auto fast = dir / "fast" / "gd2.csv";
  REQUIRE(run_cli(std::string("run --problem ") + kProblem + " -n 3 --method 'gd[stepsize=theory*2]' --rounds 20 -q -o " +
                  fast.string()).code == 0);
  const auto o3 = run_cli("plot " + fast.string() + " --theory --out " + (dir / "v.png").string());
  CHECK(o3.code == 0);
  CHECK(o3.output.find("is 2x the theory step") != std::string::npos);
  CHECK(read_dat(dir / "v.dat").size() == 1);
}

TEST_CASE("plot cli: bad inputs exit 2 with one line naming the input", "[plot]") {
  commopt::testing::TempDir dir;
  const auto trace = dir / "gd.csv";
  REQUIRE(run_cli(std::string("run --problem ") + kProblem + " -n 2 --rounds 5 -q -o " + trace.string()).code == 0);
  std::filesystem::create_directories(dir / "empty");
  std::filesystem::create_directories(dir / "bad");
  std::ofstream(dir / "bad" / "runs.csv") << "config,seed\nx,1\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"plot " + (dir / "missing.csv").string(), "missing.csv: no such file"},
      {"plot " + (dir / "empty").string(), "no complete trace found"},
      {"plot " + (dir / "gd.json").string(), "not a trace"},
      {"plot " + trace.string() + " --x bitz", "unknown --x column 'bitz'"},
      {"plot " + trace.string() + " --y accuracy", "the trace has no accuracy values"},
      {"plot " + trace.string() + " --out f.pdf", "must end in .png or .svg"},
      {"plot " + trace.string() + " --band iqr", "--band iqr"},
      {"plot " + trace.string() + " --y loss", "no positive value to draw on a log axis; add --linear-y"},
      {"plot " + (dir / "bad").string(), "has no `trace` column"},
      {"plot", "name the runs"},
      {"plot " + dir.path().string() + " " + trace.string(), "is already among the inputs"},
  };
  for (const auto& [args, says] : cases) {
    const auto o = run_cli(args);
    INFO(args << "\n" << o.output);
    CHECK(o.code == 2);
    CHECK(o.output.find(says) != std::string::npos);
    CHECK(std::count(o.output.begin(), o.output.end(), '\n') == 1);
  }
}

TEST_CASE("plot cli: configurations differing in step size show it; --best-step keeps the papers' best", "[plot]") {
  commopt::testing::TempDir dir;
  for (const char* step : {"theory", "theory*0.25"}) {
    const std::string name = std::string(step) == "theory" ? "full" : "quarter";
    REQUIRE(run_cli(std::string("run --problem ") + kProblem + " -n 3 --method 'gd[stepsize=" + step +
                    "]' --rounds 30 -q -o " + (dir / (name + ".csv")).string())
                .code == 0);
  }
  const auto all = run_cli("plot " + dir.path().string() + " --out " + (dir / "a.png").string());
  REQUIRE(all.code == 0);
  const auto curves = read_dat(dir / "a.dat");
  REQUIRE(curves.size() == 2);
  CHECK(curves[0].label.rfind("step=", 0) == 0);  // only the step differs: the legend is the step
  CHECK(curves[0].label != curves[1].label);
  const auto best = run_cli("plot " + dir.path().string() + " --best-step --out " + (dir / "b.png").string());
  REQUIRE(best.code == 0);
  const auto kept = read_dat(dir / "b.dat");
  REQUIRE(kept.size() == 1);
  // The full theory step 1/L converges faster on the quadratic than a quarter of it: its score wins.
  const auto& full = curves[0].rows.back()[1] < curves[1].rows.back()[1] ? curves[0] : curves[1];
  CHECK(kept[0].rows.back()[1] == full.rows.back()[1]);
  CHECK(kept[0].label == "gd (1 seed)");
}
