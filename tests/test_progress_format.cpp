// The progress line as a pure function: it never reaches the terminal's last column (so nothing
// wraps), keeps the fraction and the ETA as long as they fit, and reports the limit that binds.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "run/progress.hpp"

using commopt::format_progress;
using commopt::ProgressView;

namespace {
ProgressView full_view() {
  ProgressView v;
  v.label = "3/6 dist_ef_sgd";
  v.fraction = 0.62;
  v.limit = "rounds";
  v.count = "round 620";
  v.rate = 1234;
  v.rate_unit = "rounds/s";
  v.eta = 3.4;
  v.detail = "bits 2.40e+04  |g|^2 3.10e-03";
  return v;
}
}  // namespace

TEST_CASE("progress: the line is at most width - 1 characters at every width", "[progress]") {
  for (int width = 1; width <= 240; ++width) {
    for (const double fraction : {0.0, 0.62, 1.0, static_cast<double>(NAN)}) {
      ProgressView v = full_view();
      v.fraction = fraction;
      const std::string line = format_progress(v, width);
      INFO("width " << width << ": '" << line << "'");
      CHECK(static_cast<int>(line.size()) <= width - 1);
      CHECK(line.find('\n') == std::string::npos);
      CHECK(line.find('\r') == std::string::npos);
    }
  }
}

TEST_CASE("progress: 80 columns keep the bar, the fraction, the rate and the ETA", "[progress]") {
  const std::string line = format_progress(full_view(), 80);
  INFO(line);
  CHECK(line.size() <= 79);
  CHECK(line.find("62% of rounds") != std::string::npos);
  CHECK(line.find("ETA 0:03") != std::string::npos);
  CHECK(line.find("rounds/s") != std::string::npos);
  const auto open = line.find('['), close = line.find(']');
  REQUIRE(close != std::string::npos);
  const std::string bar = line.substr(open + 1, close - open - 1);
  CHECK(bar.size() >= 6);
  CHECK(std::count(bar.begin(), bar.end(), '#') == static_cast<long>(0.62 * static_cast<double>(bar.size())));
  // 40 columns: the fraction and the ETA survive, the details go first
  const std::string narrow = format_progress(full_view(), 40);
  INFO(narrow);
  CHECK(narrow.find("62% of rounds") != std::string::npos);
  CHECK(narrow.find("ETA 0:03") != std::string::npos);
  CHECK(narrow.find("|g|^2") == std::string::npos);
  // 200 columns: everything
  CHECK(format_progress(full_view(), 200).find("|g|^2 3.10e-03") != std::string::npos);
}

TEST_CASE("progress: the fraction is that of the limit that binds first", "[progress]") {
  commopt::StopRule stop;
  stop.rounds = 1000;
  stop.max_bits = 1e6;
  auto [f, limit] = commopt::binding_fraction(stop, 100, 5e5, 1, NAN, NAN);
  CHECK(limit == "bits");
  CHECK(f == Approx(0.5));
  std::tie(f, limit) = commopt::binding_fraction(stop, 800, 5e5, 1, NAN, NAN);
  CHECK(limit == "rounds");
  CHECK(f == Approx(0.8));
  // A safety cap is not a limit the user chose; the target in log scale: 1 -> 1e-2 of 1 -> 1e-4 is half way.
  commopt::StopRule target;
  target.rounds = 1'000'000;
  target.rounds_is_safety_cap = true;
  target.target = 1e-4;
  std::tie(f, limit) = commopt::binding_fraction(target, 10, 0, 0, 1e-2, 1.0);
  CHECK(limit == "target");
  CHECK(f == Approx(0.5));
  target.time_limit = 10;
  std::tie(f, limit) = commopt::binding_fraction(target, 10, 0, 9, 1e-2, 1.0);
  CHECK(limit == "time");
  CHECK(f == Approx(0.9));
}

TEST_CASE("progress: durations", "[progress]") {
  CHECK(commopt::format_duration(3.4) == "0:03");
  CHECK(commopt::format_duration(725) == "12:05");
  CHECK(commopt::format_duration(7384) == "2:03:04");
  CHECK(commopt::format_duration(NAN) == "?");
}
