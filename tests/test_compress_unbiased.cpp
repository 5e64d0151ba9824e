// Monte Carlo checks of the random compressors' constants (dasha-family.md §2, ef-local-lazy.md
// §2.1–2.5, §2.7): unbiasedness E[C(x)] = x (or the exact biased mean), and
// E||C(x) − x||² <= ω||x||² (unbiased) or <= (1 − α)||x||² (contractive), with equality checked
// where the compressor attains it (RandK variants, PermK, GRBS, Bernoulli).
//
// Confidence: every comparison is a 4-standard-error band on a mean of N = 20000 i.i.d. draws. By
// the CLT one check fails by chance with probability P(|Z| > 4) ≈ 6.3e-5; this file makes fewer
// than 400 such checks, so a false failure has probability below 2.5% by the union bound. The seeds
// are fixed, so the outcome is deterministic; every check was seen to fail under a deliberate bug.
#include <catch2/catch.hpp>

#include <functional>

#include "compress/qsparse.hpp"
#include "test_compress_helpers.hpp"

using namespace commopt;
using namespace commopt::testing;

namespace {

constexpr int kDraws = 20000;

struct Moments {
  Vec mean, se;
  double err = 0, err_se = 0;  // mean and standard error of ||C(x) − x||²
};

// N draws of decode(C(x)) with the stream of worker `worker` (shared stream if the compressor asks).
Moments sample(const Compressor& c, const Vec& x, int worker = 0) {
  const Index d = x.size();
  Vec sum = Vec::Zero(d), sum_sq = Vec::Zero(d), y(d);
  double e1 = 0, e2 = 0;
  Message m;
  for (int r = 0; r < kDraws; ++r) {
    Rng rng = c.needs_shared_randomness() ? Rng(99, kServer, r, Purpose::shared) : Rng(99, worker, r, Purpose::compress);
    c.compress(x, rng, m);
    c.decompress(m, y);
    sum += y;
    sum_sq += y.cwiseProduct(y);
    const double e = (y - x).squaredNorm();
    e1 += e;
    e2 += e * e;
  }
  Moments mo;
  mo.mean = sum / kDraws;
  mo.se = ((sum_sq / kDraws - mo.mean.cwiseProduct(mo.mean)).cwiseMax(0.0) / (kDraws - 1)).cwiseSqrt();
  mo.err = e1 / kDraws;
  mo.err_se = std::sqrt(std::max(0.0, e2 / kDraws - mo.err * mo.err) / (kDraws - 1));
  return mo;
}

// |mean_i − want_i| <= 4 se_i for every i (exact equality where the draws never vary).
void check_mean(const Moments& mo, const Vec& want) {
  for (Index i = 0; i < want.size(); ++i) {
    INFO("coordinate " << i << ": mean " << mo.mean[i] << " want " << want[i] << " se " << mo.se[i]);
    CHECK(std::abs(mo.mean[i] - want[i]) <= 4 * mo.se[i] + 1e-12 * std::abs(want[i]));
  }
}

void check_err_le(const Moments& mo, double bound) {
  INFO("E||C(x)-x||^2 = " << mo.err << " +- " << mo.err_se << " vs bound " << bound);
  CHECK(mo.err <= bound + 4 * mo.err_se);
}

void check_err_eq(const Moments& mo, double exact) {
  INFO("E||C(x)-x||^2 = " << mo.err << " +- " << mo.err_se << " vs exact " << exact);
  CHECK(std::abs(mo.err - exact) <= 4 * mo.err_se + 1e-12 * exact);
}

std::vector<Vec> mc_vectors(int d) {
  Vec a(d), b = Vec::Zero(d);
  for (int i = 0; i < d; ++i) a[i] = (i % 3 ? -1.0 : 1.0) * (0.2 + 0.37 * i);
  b[1] = 3.0;
  b[d - 2] = -0.5;  // a spike plus a smaller entry (no level hit with probability < 1e-3)
  return {a, b};
}

}  // namespace

TEST_CASE("unbiased quantizers: E C(x) = x and E||C(x)-x||^2 <= omega ||x||^2", "[compress]") {
  const int d = 10;
  for (const char* text : {"qsgd[s=1]", "qsgd[s=2,norm=linf]", "qsgd[s=3,code=elias]", "natural",
                           "natural_dithering[s=2]", "natural_dithering[s=3,norm=linf]", "bernoulli[p=0.3]"}) {
    for (int w : {32, 64}) {
      const auto c = make_c(text, d, w);
      const double omega = c->constants().omega;
      REQUIRE(c->constants().kind == CompressorConstants::Kind::unbiased);
      for (const Vec& x0 : mc_vectors(d)) {
        INFO(text << " w=" << w);
        const Vec x = w == 32 ? Vec(x0.unaryExpr([](double v) { return f32(v); })) : x0;
        const Moments mo = sample(*c, x);
        check_mean(mo, x);
        check_err_le(mo, omega * x.squaredNorm());
        if (std::string(text).rfind("bernoulli", 0) == 0 && w == 64) check_err_eq(mo, omega * x.squaredNorm());
      }
    }
  }
}

TEST_CASE("randk variants: shared-seed unbiased with omega exact, biased mean K/d x", "[compress]") {
  const int d = 10, k = 3;
  for (const Vec& x : mc_vectors(d)) {
    const auto shared = make_c("randk[k=3,shared_seed=true]", d, 64, {1, 3});
    const Moments ms = sample(*shared, x, 1);
    check_mean(ms, x);
    check_err_eq(ms, (static_cast<double>(d) / k - 1) * x.squaredNorm());
    const auto biased = make_c("randk_biased[k=3]", d, 64);
    const Moments mb = sample(*biased, x);
    check_mean(mb, static_cast<double>(k) / d * x);
    check_err_eq(mb, (1 - static_cast<double>(k) / d) * x.squaredNorm());
  }
}

TEST_CASE("permk: each worker unbiased, E||C_i(x)-x||^2 exact for d >= n and d < n", "[compress]") {
  for (const auto& [d, n] : std::vector<std::pair<int, int>>{{10, 3}, {10, 10}, {4, 6}, {3, 9}}) {
    for (const Vec& x0 : mc_vectors(10)) {
      const Vec x = x0.head(d);
      for (int i : {0, n - 1}) {
        const auto c = make_c("permk", d, 64, {i, n});
        const Moments mo = sample(*c, x, i);
        INFO("d=" << d << " n=" << n << " worker " << i);
        check_mean(mo, x);
        double exact = (n - 1.0) * x.squaredNorm();
        if (d < n) {  // Σ_j (n/c_j − 1) x_j², c_j = ⌊n/d⌋ + [j < n mod d]
          exact = 0;
          for (int j = 0; j < d; ++j) exact += (static_cast<double>(n) / (n / d + (j < n % d ? 1 : 0)) - 1) * x[j] * x[j];
        }
        check_err_eq(mo, exact);
        check_err_le(mo, c->constants().omega * x.squaredNorm());
      }
    }
  }
}

TEST_CASE("grbs: E C(x) = x/N, E||C(x)-x||^2 = (1 - 1/N)||x||^2", "[compress]") {
  for (const auto& [d, k] : std::vector<std::pair<int, int>>{{10, 2}, {10, 3}, {10, 10}}) {
    const auto c = make_c("grbs[k=" + std::to_string(k) + "]", d, 64);
    const double nb = (d + k - 1) / k;
    CHECK(c->constants().alpha == Approx(1 / nb));
    for (const Vec& x : mc_vectors(d)) {
      const Moments mo = sample(*c, x);
      check_mean(mo, x / nb);
      check_err_eq(mo, (1 - 1 / nb) * x.squaredNorm());
    }
  }
}

TEST_CASE("qsparse: E C(x) = Comp_K(x)/(1+beta) and contraction (1 - alpha)", "[compress]") {
  const int d = 10;
  for (const char* text : {"qtopk[k=4,s=1]", "qtopk[k=3,s=2]", "qrandk[k=4,s=1]", "qrandk[k=5,s=3]",
                           "signrandk[k=3]", "randk_biased[k=3]"}) {
    const auto c = make_c(text, d, 64);
    const double alpha = c->constants().alpha;
    for (const Vec& x : mc_vectors(d)) {
      INFO(text);
      const Moments mo = sample(*c, x);
      check_err_le(mo, (1 - alpha) * x.squaredNorm());
      const auto* q = dynamic_cast<const QSparseCompressor*>(c.get());
      if (q == nullptr || q->beta() == 0) continue;
      if (std::string(text).rfind("qtopk", 0) == 0) {  // deterministic selection: mean = TopK(x)/(1+β)
        Vec want = Vec::Zero(d);
        const Message m = encode_with(*make_c("topk[k=" + std::to_string(q->k()) + "]", d, 64), x, 0);
        make_c("topk[k=" + std::to_string(q->k()) + "]", d, 64)->add_decoded(m, 1 / (1 + q->beta()), want);
        check_mean(mo, want);
      } else {  // RandK unscaled: mean = (K/d) x/(1+β)
        check_mean(mo, static_cast<double>(q->k()) / d / (1 + q->beta()) * x);
      }
    }
  }
}
