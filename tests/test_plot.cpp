// plots/: aggregate_seeds on hand-made traces with known medians and bands; render() writes a .dat
// equal to the traces' median/min/max (computed here independently), real PNG and SVG figures of
// the asked size, literal text, atomic files, and the .dat/.gp with a message when gnuplot is missing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "plots/figure.hpp"
#include "test_problem_helpers.hpp"

using commopt::TraceRow;
using commopt::plots::Curve;
using commopt::plots::Figure;
using commopt::testing::ScopedEnv;
using commopt::testing::TempDir;

namespace {

std::vector<TraceRow> trace(const std::vector<std::pair<double, double>>& xy) {
  std::vector<TraceRow> rows;
  long long t = 0;
  for (auto [x, y] : xy) {
    TraceRow r;
    r.round = t++;
    r.bits_up_max = x;
    r.grad_norm_sq = y;
    rows.push_back(r);
  }
  return rows;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The .dat's curves: per index the rows (x, y, y_low, y_high).
std::vector<std::vector<std::array<double, 4>>> read_dat(const std::filesystem::path& p) {
  std::vector<std::vector<std::array<double, 4>>> curves;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# curve ", 0) == 0) curves.emplace_back();
    if (line.empty() || line[0] == '#') continue;
    std::istringstream s(line);
    std::array<double, 4> v{};
    s >> v[0] >> v[1] >> v[2] >> v[3];
    curves.back().push_back(v);
  }
  return curves;
}

// PNG: 8-byte signature, then the IHDR chunk (length, "IHDR", width, height big-endian).
std::pair<int, int> png_size(const std::filesystem::path& p) {
  const std::string b = slurp(p);
  REQUIRE(b.size() > 24);
  REQUIRE(b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  REQUIRE(b.compare(12, 4, "IHDR") == 0);
  const auto be32 = [&](std::size_t at) {
    int v = 0;
    for (std::size_t k = 0; k < 4; ++k) v = v * 256 + static_cast<unsigned char>(b[at + k]);
    return v;
  };
  return {be32(16), be32(20)};
}

Figure three_seeds_figure(std::vector<std::vector<double>>& ys) {
  // Three seeds on one x grid: the median, min and max at each x are checked against the .dat.
  ys = {{1.0, 0.5, 0.30, 0.20, 0.07}, {0.9, 0.7, 0.10, 0.25, 0.05}, {1.1, 0.6, 0.20, 0.15, 0.09}};
  const std::vector<double> xs = {0, 100, 200, 300, 400};
  std::vector<std::vector<TraceRow>> seeds;
  for (const auto& y : ys) {
    std::vector<std::pair<double, double>> xy;
    for (std::size_t i = 0; i < xs.size(); ++i) xy.emplace_back(xs[i], y[i]);
    seeds.push_back(trace(xy));
  }
  Figure fig;
  fig.title = "it's a_b^2 {c} \"quoted\"";
  fig.xlabel = "bits_up_max";
  fig.ylabel = "grad_norm_sq";
  fig.width = 640;
  fig.height = 480;
  fig.curves.push_back(commopt::plots::aggregate_seeds("method_x \"q\"", seeds, "bits_up_max", "grad_norm_sq"));
  return fig;
}

}  // namespace

TEST_CASE("plot: aggregate_seeds is the median and min-max of step functions on the covered range", "[plot]") {
  // seed A: (0,8) (10,4) (20,2) (30,1); seed B: (0,6) (15,3) (25,1.5); seed C: (5,9) (10,5) (40,0.5).
  // Covered range [max first x, min last x] = [5, 25]; union of x there: 5, 10, 15, 20, 25.
  const std::vector<std::vector<TraceRow>> seeds = {trace({{0, 8}, {10, 4}, {20, 2}, {30, 1}}),
                                                    trace({{0, 6}, {15, 3}, {25, 1.5}}),
                                                    trace({{5, 9}, {10, 5}, {40, 0.5}})};
  const Curve c = commopt::plots::aggregate_seeds("c", seeds, "bits_up_max", "grad_norm_sq");
  CHECK(c.label == "c");
  CHECK_FALSE(c.theory);
  CHECK(c.x == std::vector<double>{5, 10, 15, 20, 25});
  // step values:  A: 8 4 4 2 2   B: 6 6 3 3 1.5   C: 9 5 5 5 5
  CHECK(c.y == std::vector<double>{8, 5, 4, 3, 2});
  CHECK(c.y_low == std::vector<double>{6, 4, 3, 2, 1.5});
  CHECK(c.y_high == std::vector<double>{9, 6, 5, 5, 5});
}

TEST_CASE("plot: aggregate_seeds skips rows without y; even counts take the mean of the middle two", "[plot]") {
  auto a = trace({{0, 4}, {10, 2}, {20, 1}});
  auto b = trace({{0, 8}, {10, 6}, {20, 3}});
  a[1].gap = std::nullopt;
  a[0].gap = 1.0, a[2].gap = 0.25, b[0].gap = 3.0, b[1].gap = 2.0, b[2].gap = 0.5;
  const Curve g = commopt::plots::aggregate_seeds("g", {a, b}, "bits_up_max", "gap");
  CHECK(g.x == std::vector<double>{0, 10, 20});
  CHECK(g.y == std::vector<double>{2.0, 1.5, 0.375});  // at 10: a holds 1 (row 10 has no gap), b 2
  const Curve m = commopt::plots::aggregate_seeds("m", {a, b}, "round", "grad_norm_sq");
  CHECK(m.x == std::vector<double>{0, 1, 2});
  CHECK(m.y == std::vector<double>{6, 4, 2});
  CHECK(commopt::plots::aggregate_seeds("none", {}, "round", "loss").x.empty());
  CHECK_THROWS_AS(commopt::plots::aggregate_seeds("bad", {a}, "bits", "loss"), commopt::UsageError);
}

TEST_CASE("plot: the .dat holds the median and min-max over seeds; the PNG has the figure's size", "[plot]") {
  TempDir dir;
  std::vector<std::vector<double>> ys;
  const Figure fig = three_seeds_figure(ys);
  const auto r = commopt::plots::render(fig, dir / "f.png");
  REQUIRE(r.rendered);
  CHECK(r.message.empty());
  CHECK(r.image == dir / "f.png");
  const auto curves = read_dat(r.dat);
  REQUIRE(curves.size() == 1);
  REQUIRE(curves[0].size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    std::vector<double> v = {ys[0][i], ys[1][i], ys[2][i]};
    std::sort(v.begin(), v.end());
    CHECK(curves[0][i][0] == 100.0 * static_cast<double>(i));
    CHECK(curves[0][i][1] == v[1]);
    CHECK(curves[0][i][2] == v[0]);
    CHECK(curves[0][i][3] == v[2]);
  }
  CHECK(png_size(r.image).first == 640);
  CHECK(png_size(r.image).second == 480);
  // Only the three files are left (no temporaries).
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  CHECK(files == 3);
  // The script alone re-renders the figure (relative names, its own terminal and size).
  std::filesystem::remove(r.image);
  REQUIRE(std::system(("cd '" + dir.path().string() + "' && gnuplot f.gp 2>/dev/null").c_str()) == 0);
  CHECK(png_size(r.image).first == 640);
  CHECK(png_size(r.image).second == 480);
}

TEST_CASE("plot: SVG output with literal, escaped text", "[plot]") {
  TempDir dir;
  std::vector<std::vector<double>> ys;
  Figure fig = three_seeds_figure(ys);
  fig.width = 500;
  fig.height = 300;
  Curve bound;
  bound.label = "method_x \"q\": bound";
  bound.theory = true;
  bound.x = {100, 400};
  bound.y = {2, 1};
  fig.curves.push_back(bound);
  const auto r = commopt::plots::render(fig, dir / "g.svg");
  REQUIRE(r.rendered);
  const std::string svg = slurp(r.image);
  CHECK(svg.rfind("<?xml", 0) == 0);
  CHECK(svg.find("<svg") != std::string::npos);
  CHECK(svg.find("width=\"500\" height=\"300\"") != std::string::npos);
  // Shown as typed: the underscore, caret and braces are not markup; quotes survive.
  CHECK(svg.find("it's a_b^2 {c} \"quoted\"") != std::string::npos);
  CHECK(svg.find("method_x \"q\"") != std::string::npos);
  const std::string gp = slurp(r.gp);
  CHECK(gp.find("'it''s a_b^2 {c} \"quoted\"'") != std::string::npos);
  CHECK(gp.find("noenhanced") != std::string::npos);
  CHECK(gp.find("index 1 using 1:2 with lines lw 1.5 dt 2") != std::string::npos);  // theory: dashed, no band
  CHECK(gp.find("index 1 using 1:3:4") == std::string::npos);
  CHECK(gp.find("index 0 using 1:3:4 with filledcurves") != std::string::npos);
}

TEST_CASE("plot: without gnuplot the .dat and .gp are written and the message says how to render", "[plot]") {
  TempDir dir;
  std::vector<std::vector<double>> ys;
  const Figure fig = three_seeds_figure(ys);
  {
    ScopedEnv env("COMMOPT_GNUPLOT", std::string("/nonexistent"));
    const auto r = commopt::plots::render(fig, dir / "sub" / "h.png");
    CHECK_FALSE(r.rendered);
    CHECK(r.image.empty());
    CHECK(r.message.rfind("gnuplot not found", 0) == 0);
    CHECK(r.message.find("gnuplot h.gp") != std::string::npos);
    CHECK(std::filesystem::exists(dir / "sub" / "h.dat"));
    CHECK(std::filesystem::exists(dir / "sub" / "h.gp"));
    CHECK_FALSE(std::filesystem::exists(dir / "sub" / "h.png"));
  }
  {
    ScopedEnv env("COMMOPT_GNUPLOT", std::string("/bin/false"));  // runs, fails: no image, no temporaries
    const auto r = commopt::plots::render(fig, dir / "i.png");
    CHECK_FALSE(r.rendered);
    CHECK(r.message.find("status 1") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "i.png"));
    int files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
    CHECK(files == 3);  // sub/, i.dat, i.gp
  }
  CHECK_THROWS_AS(commopt::plots::render(fig, dir / "j.pdf"), commopt::UsageError);
  CHECK_FALSE(std::filesystem::exists(dir / "j.dat"));
  CHECK_THROWS_AS(commopt::plots::render(fig, "/proc/commopt-no-such/k.png"), commopt::UsageError);
}
