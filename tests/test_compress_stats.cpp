// Statistical and inequality tests of the compressors (dasha-family.md §2, ef-local-lazy.md §2.1,
// §2.4): RandK unbiasedness, its exact variance identity E||C(x) − x||² = (d/K − 1)||x||² and uniform
// inclusion frequency K/d (Monte Carlo); the TopK contraction bound and the scaled-sign identity,
// checked exactly on random and adversarial vectors; TopK selection against a brute-force sort.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "compress/compressor.hpp"
#include "compress/topk.hpp"
#include "core/rng.hpp"
#include "core/spec.hpp"

using namespace commopt;

namespace {

CompressorPtr make(const std::string& text, int d, int bits = 64) {
  return make_compressor(Spec::parse(text, "--compressor"), d, bits);
}

Vec apply(const Compressor& c, const Vec& x, std::int64_t round, Message& m) {
  Rng rng(2024, 3, round, Purpose::compress);
  c.compress(x, rng, m);
  Vec y;
  c.decompress(m, y);
  return y;
}

// Σ (v_i / s)² with s = max|x_i|: squared norms that neither overflow (1e300) nor underflow
// (1e-310). Both sides of every inequality below are divided by the same s².
double scaled_sq(const Vec& v, double s) { return (v / s).squaredNorm(); }
double max_abs(const Vec& x) { return x.cwiseAbs().maxCoeff(); }

// Random and adversarial test vectors of dimension d.
std::vector<Vec> test_vectors(int d, std::uint64_t seed) {
  std::vector<Vec> out;
  Rng rng(seed, 0, d, Purpose::data);
  for (int t = 0; t < 30; ++t) {
    Vec x(d);
    const double scale = std::pow(10.0, static_cast<double>(rng.below(13)) - 6.0);
    for (auto& v : x) v = scale * (t % 3 == 0 ? rng.normal() : std::floor(4 * rng.uniform()) - 2);
    out.push_back(x);
  }
  Vec spike = Vec::Zero(d);
  spike[d / 2] = -7.5;
  out.push_back(spike);
  out.push_back(Vec::Constant(d, 3.25));
  Vec alternating(d), signed_zeros(d), denormal(d), huge(d), mixed(d), near_max(d);
  for (int i = 0; i < d; ++i) {
    alternating[i] = i % 2 ? -1.0 : 1.0;
    signed_zeros[i] = i % 2 ? -0.0 : 0.0;
    denormal[i] = (i % 3 == 0 ? -1e-310 : 1e-310) * (1 + i % 4);
    huge[i] = (i % 2 ? -1e300 : 1e300) * (1 + i % 5);  // ||x||² overflows: use scaled_sq
    mixed[i] = i % 4 == 0 ? 1e300 : (i % 4 == 1 ? 1e-310 : (i % 4 == 2 ? -0.0 : -1.0));
    near_max[i] = i % 2 ? -1.5e308 : 1.7e308;  // ||x||_1 overflows for d >= 2: the l1 fallback path
  }
  for (const Vec& v : {alternating, signed_zeros, denormal, huge, mixed, near_max}) out.push_back(v);
  Vec sorted(d), strided(d);
  const int stride = std::max(1, d / 4096);
  for (int i = 0; i < d; ++i) {
    sorted[i] = i;
    strided[i] = i % stride == 0 ? 1.0 : -0.5;  // TopK's sample sees only the spikes: its fallback
  }
  out.push_back(sorted);
  out.push_back(strided);
  return out;
}

}  // namespace

TEST_CASE("randk Monte Carlo: unbiased, variance (d/K-1)||x||^2, inclusion frequency K/d", "[compress]") {
  // Confidence: every check is a 4-standard-error band. For one check a false failure has
  // probability P(|Z| > 4) ≈ 6.3e-5 (CLT); over the 20 + 1 + 20 checks at most ≈ 2.6e-3 by the
  // union bound. The seeds are fixed, so the outcome is deterministic.
  const int d = 20, k = 3, n = 20000;
  const auto c = make("randk[k=3]", d, 64);
  Vec x(d);
  for (int i = 0; i < d; ++i) x[i] = (i % 2 ? -1.0 : 1.0) * (0.3 + 0.17 * i);
  const double omega = static_cast<double>(d) / k - 1.0;
  const double target = omega * x.squaredNorm();
  Vec sum = Vec::Zero(d), sum_sq = Vec::Zero(d), hits = Vec::Zero(d);
  double err_sum = 0, err_sq = 0;
  Message m;
  for (int r = 0; r < n; ++r) {
    const Vec y = apply(*c, x, r, m);
    sum += y;
    sum_sq += y.cwiseProduct(y);
    for (int i = 0; i < d; ++i) hits[i] += y[i] != 0.0 ? 1.0 : 0.0;
    const double e = (y - x).squaredNorm();
    err_sum += e;
    err_sq += e * e;
  }
  for (int i = 0; i < d; ++i) {
    const double mean = sum[i] / n;
    const double se = std::sqrt((sum_sq[i] / n - mean * mean) / (n - 1));
    INFO("coordinate " << i << " mean " << mean << " x " << x[i] << " se " << se);
    CHECK(std::abs(mean - x[i]) <= 4 * se);
    const double p = static_cast<double>(k) / d;
    CHECK(std::abs(hits[i] / n - p) <= 4 * std::sqrt(p * (1 - p) / n));
  }
  const double err_mean = err_sum / n;
  const double err_se = std::sqrt((err_sq / n - err_mean * err_mean) / (n - 1));
  INFO("E||C(x)-x||^2 = " << err_mean << " vs omega||x||^2 = " << target << " se " << err_se);
  CHECK(std::abs(err_mean - target) <= 4 * err_se);
  CHECK(err_mean <= target + 4 * err_se);
  CHECK(err_se > 0);
}

TEST_CASE("randk sends K distinct indices and is exact on every coordinate it keeps", "[compress]") {
  for (int d : {1, 2, 7, 64, 65, 1000}) {
    for (int k : {1, (d + 1) / 2, d}) {
      const auto c = make("randk[k=" + std::to_string(k) + "]", d, 64);
      Vec x(d);
      for (int i = 0; i < d; ++i) x[i] = 1.0 + i;
      Message m;
      for (int r = 0; r < 20; ++r) {
        const Vec y = apply(*c, x, r, m);
        int kept = 0;
        for (int i = 0; i < d; ++i) {
          if (y[i] == 0.0) continue;
          ++kept;
          CHECK(y[i] == static_cast<double>(d) / k * x[i]);
        }
        CHECK(kept == k);
      }
    }
  }
}

TEST_CASE("topk: ||C(x) - x||^2 <= (1 - K/d)||x||^2 on random and adversarial vectors", "[compress]") {
  // value_bits = 64, so C(x) keeps x_i exactly and the bound holds up to rounding of the sums
  // (tolerance 1e-12 relative). With 32 bits the float rounding of kept values can exceed it.
  for (int d : {1, 5, 64, 333}) {
    for (int k : {1, 2, d / 3 + 1, d}) {
      if (k > d) continue;
      const auto c = make("topk[k=" + std::to_string(k) + "]", d, 64);
      Message m;
      for (const Vec& x : test_vectors(d, 11)) {
        const Vec y = apply(*c, x, 0, m);
        REQUIRE(y.allFinite());
        const double s = max_abs(x);
        if (s == 0.0) {
          CHECK(y.isZero(0.0));
          continue;
        }
        const double lhs = scaled_sq(y - x, s), rhs = (1.0 - static_cast<double>(k) / d) * scaled_sq(x, s);
        INFO("d=" << d << " k=" << k << " lhs " << lhs << " rhs " << rhs);
        CHECK(lhs <= rhs + 1e-12 * scaled_sq(x, s));
      }
    }
  }
}

TEST_CASE("topk keeps exactly the first K of (|x| desc, index asc) on tie-heavy vectors", "[compress]") {
  // d >= 16384 with K <= d/16 runs the sampled-threshold path; the others the full nth_element.
  for (int d : {10, 1000, 20000, 70001}) {
    for (int k : {1, 7, d / 100 + 1, d / 16, d}) {
      if (k < 1 || k > d) continue;
      const auto c = make("topk[k=" + std::to_string(k) + "]", d, 64);
      Message m;
      for (const Vec& x : test_vectors(d, 5)) {
        std::vector<int> order(static_cast<std::size_t>(d));
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](int a, int b) { return std::abs(x[a]) > std::abs(x[b]); });
        std::vector<int> want(order.begin(), order.begin() + k);
        std::sort(want.begin(), want.end());
        const Vec y = apply(*c, x, 0, m);
        INFO("d=" << d << " k=" << k);
        REQUIRE(dynamic_cast<const TopKCompressor&>(*c).last_indices() == want);
        int wrong = 0;
        for (int i = 0; i < d; ++i)
          wrong += y[i] != (std::binary_search(want.begin(), want.end(), i) ? x[i] : 0.0) ? 1 : 0;
        CHECK(wrong == 0);
      }
    }
  }
}

TEST_CASE("scaled_sign: ||x - C(x)||^2 = ||x||^2 - ||x||_1^2/d and delta >= 1/d", "[compress]") {
  // Exact identity up to rounding (tolerance 1e-10 relative to ||x||², loose enough for the
  // ~44-bit precision of the 1e-310 denormals); value_bits = 64 so the receiver's scale is exact.
  for (int d : {1, 2, 3, 64, 65, 1000}) {
    const auto c = make("scaled_sign", d, 64);
    Message m;
    for (const Vec& x : test_vectors(d, 17)) {
      const Vec y = apply(*c, x, 0, m);
      REQUIRE(y.allFinite());
      const double s = max_abs(x);
      if (s == 0.0) {
        CHECK(y.isZero(0.0));
        continue;
      }
      const double sx = scaled_sq(x, s), l1 = (x / s).lpNorm<1>();
      const double lhs = scaled_sq(x - y, s);
      INFO("d=" << d << " lhs " << lhs << " ||x||^2 " << sx << " l1 " << l1);
      CHECK(std::abs(lhs - (sx - l1 * l1 / d)) <= 1e-10 * sx);
      CHECK(lhs <= (1.0 - 1.0 / d) * sx + 1e-10 * sx);
      for (int i = 0; i < d; ++i) CHECK(std::abs(y[i]) == std::abs(y[0]));  // one magnitude
      for (int i = 0; i < d; ++i) CHECK((y[i] < 0) == (x[i] < 0));            // sign(0) = +1
    }
  }
  // The single spike attains the worst case delta = 1/d.
  Vec spike = Vec::Zero(8);
  spike[3] = -2;
  Message m;
  const Vec y = apply(*make("scaled_sign", 8, 64), spike, 0, m);
  CHECK((spike - y).squaredNorm() == Approx((1.0 - 1.0 / 8) * spike.squaredNorm()));
}
