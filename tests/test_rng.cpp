// Tests of the counter-based random streams (lib/core/rng.hpp): the key (seed, worker, round,
// purpose) selects the stream, so streams that differ in the purpose alone are different and
// independent. All seeds are fixed: the statistics below are deterministic, and their tolerances
// are wide enough (>= 6 standard deviations) that an independent generator passes them.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "core/rng.hpp"

using namespace commopt;

namespace {

constexpr std::array<Purpose, 6> kPurposes = {Purpose::compress,      Purpose::shared, Purpose::sample,
                                              Purpose::participation, Purpose::data,   Purpose::server};

// A spread of keys: seeds, workers (the server's -1 included) and rounds.
struct Key {
  std::uint64_t seed;
  std::int64_t worker, round;
};
Key key_of(int k) {
  return {static_cast<std::uint64_t>(k % 7) * 1000003u + 11u, static_cast<std::int64_t>(k % 5) - 1,
          static_cast<std::int64_t>(k / 35)};
}

}  // namespace

TEST_CASE("rng: the same key gives the same stream", "[rng]") {
  for (const Purpose p : kPurposes) {
    Rng a(7, 3, 12, p), b(7, 3, 12, p);
    for (int j = 0; j < 100; ++j) CHECK(a() == b());
  }
}

TEST_CASE("rng: streams that differ only in the purpose differ from the first draw", "[rng]") {
  // 6 purposes x 700 keys: all first draws (64-bit) are distinct, and so are the first 4 draws of
  // any two purposes compared position by position (a collision among 4200 uniform 64-bit values
  // has probability < 1e-12).
  std::set<std::uint64_t> first;
  for (int k = 0; k < 700; ++k) {
    const Key key = key_of(k);
    std::array<std::array<std::uint64_t, 4>, kPurposes.size()> draws{};
    for (std::size_t p = 0; p < kPurposes.size(); ++p) {
      Rng r(key.seed, key.worker, key.round, kPurposes[p]);
      for (auto& v : draws[p]) v = r();
      first.insert(draws[p][0]);
    }
    for (std::size_t p = 0; p < kPurposes.size(); ++p)
      for (std::size_t q = p + 1; q < kPurposes.size(); ++q)
        for (std::size_t j = 0; j < 4; ++j) {
          INFO("key " << k << " purposes " << p << ", " << q << " draw " << j);
          CHECK(draws[p][j] != draws[q][j]);
        }
  }
  CHECK(first.size() == 700 * kPurposes.size());
}

TEST_CASE("rng: uniform() of two purposes at the same key is uncorrelated", "[rng]") {
  // Pearson correlation of X = uniform() under purpose p and Y = uniform() under purpose q at the
  // same N keys: for independent streams r is ~ Normal(0, 1/N), sd 1/sqrt(20000) = 0.0071; the band
  // is 6 sd. Streams that ignore the purpose give r = 1.
  constexpr int N = 20000;
  for (std::size_t p = 0; p < kPurposes.size(); ++p) {
    for (std::size_t q = p + 1; q < kPurposes.size(); ++q) {
      double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
      for (int k = 0; k < N; ++k) {
        const Key key = key_of(k);
        const double x = Rng(key.seed, key.worker, key.round, kPurposes[p]).uniform();
        const double y = Rng(key.seed, key.worker, key.round, kPurposes[q]).uniform();
        sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
      }
      const double cov = sxy / N - (sx / N) * (sy / N);
      const double r = cov / std::sqrt((sxx / N - (sx / N) * (sx / N)) * (syy / N - (sy / N) * (sy / N)));
      INFO("purposes " << p << ", " << q << ": r = " << r);
      CHECK(std::abs(r) < 6.0 / std::sqrt(static_cast<double>(N)));
    }
  }
}

TEST_CASE("rng: a sample coin and a participation draw at the same key are independent", "[rng]") {
  // What a worker's minibatch coin (Purpose::sample) and the round's participation draw
  // (Purpose::participation, below(3)) see at the same (seed, worker, round): the joint frequencies
  // of (coin, below(3)) are the products of the marginals. Pearson's independence statistic on the
  // 2 x 3 table has 2 degrees of freedom; P(chi^2_2 > 45) = e^{-22.5} < 1e-9. If the purpose were
  // ignored, both would read the same first draw x: coin = [x < 2^63] and below(3) = floor(3x/2^64)
  // are then strongly dependent (coin = 1 and below(3) = 2 never happen together).
  constexpr int N = 30000;
  double table[2][3] = {};
  for (int k = 0; k < N; ++k) {
    const Key key = key_of(k);
    const int coin = Rng(key.seed, key.worker, key.round, Purpose::sample).uniform() < 0.5 ? 1 : 0;
    const auto pick = Rng(key.seed, key.worker, key.round, Purpose::participation).below(3);
    table[coin][pick] += 1;
  }
  double row[2] = {}, col[3] = {};
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 3; ++b) row[a] += table[a][b], col[b] += table[a][b];
  double chi2 = 0;
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 3; ++b) {
      const double expected = row[a] * col[b] / N;
      chi2 += (table[a][b] - expected) * (table[a][b] - expected) / expected;
      INFO("coin " << a << ", below(3) = " << b << ": " << table[a][b] << " of " << N);
      CHECK(table[a][b] / N == Approx(1.0 / 6.0).margin(6 * std::sqrt((1.0 / 6) * (5.0 / 6) / N)));
    }
  INFO("chi^2 = " << chi2 << " (2 degrees of freedom)");
  CHECK(chi2 < 45.0);
}
