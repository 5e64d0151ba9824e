// E[decode(C(x))] = x, exactly, for every registered compressor that declares itself unbiased and
// random (theory/expectation_identities.hpp): every outcome of its discrete draws is enumerated
// (OutcomeEnumerator) on random inputs of dimension 12 for worker 0 of 4, in a random direction.
// Compressors whose draws are continuous (e.g. a uniform for stochastic rounding) or too many to
// enumerate are reported as skipped, pointing at their Monte Carlo test.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "compress/registry.hpp"
#include "theory/expectation_identities.hpp"
#include "theory/outcome_enumerator.hpp"

namespace commopt {

namespace {

constexpr int kDim = 12, kWorkers = 4;

// max over 3 random inputs x of |E w.decode(C(x)) - w.x| / (|w|.|x|), exact over every outcome.
double worst_bias(const Compressor& c, std::size_t& paths) {
  OutcomeEnumerator outcomes(200'000);
  double worst = 0;
  for (std::uint64_t s = 0; s < 3; ++s) {
    Rng data(s + 1, kServer, 0, Purpose::data);
    Vec x(kDim), w(kDim), y(kDim);
    for (int j = 0; j < kDim; ++j) x[j] = data.normal() * std::pow(10.0, j % 3 - 1), w[j] = data.normal();
    Message m;
    const double e_wy = outcomes.expectation([&](OutcomeEnumerator& en) {
      OutcomeEnumerator::Scope scope(en);
      Rng rng = c.needs_shared_randomness() ? Rng(s, kServer, 1, Purpose::shared) : Rng(s, 0, 1, Purpose::compress);
      c.compress(x, rng, m);
      y.setZero();
      c.add_decoded(m, 1.0, y);
      return w.dot(y);
    });
    paths = std::max(paths, outcomes.paths());
    worst = std::max(worst, std::abs(e_wy - w.dot(x)) / w.cwiseAbs().dot(x.cwiseAbs()));
  }
  return worst;
}

}  // namespace

std::vector<CheckRow> compressor_unbiased_rows() {
  const std::string problem = fmt::format("3 random inputs, d={}, worker 0 of {}", kDim, kWorkers);
  std::vector<CheckRow> rows;
  for (const CompressorEntry& e : compressor_registry()) {
    for (const std::string& example : e.examples) {
      const CompressorPtr c = make_compressor(Spec::parse(example, "compressor example"), kDim, 64, {0, kWorkers});
      const CompressorConstants k = c->constants();
      if (k.kind != CompressorConstants::Kind::unbiased || !k.random) continue;
      CheckRow row{"expectation:unbiased", example, problem, 0, 1e-12, "", "derived", ""};
      std::size_t paths = 0;
      try {
        row.measured = worst_bias(*c, paths);
        row.verdict = row.measured <= 1e-12 ? "pass" : "FAIL";
        row.note = fmt::format("exact E over all {} outcomes of w . decode(C(x)) vs w . x (w random): max relative "
                               "error {:.3g}; the compressor declares itself unbiased ({})",
                               paths, row.measured, e.constant);
      } catch (const std::logic_error& err) {
        row.verdict = "skipped";
        row.note = fmt::format("not enumerable ({}); Monte Carlo check in tests/test_compress_unbiased.cpp", err.what());
      }
      rows.push_back(row);
    }
  }
  // Power: the same enumeration on RandK without the d/K scaling (biased) must find the bias.
  CheckRow power{"expectation:unbiased-power", "randk_biased[k=3]", problem, 0, 1e-6, "", "derived", ""};
  std::size_t paths = 0;
  power.measured = worst_bias(*make_compressor(Spec::parse("randk_biased[k=3]", "power"), kDim, 64, {0, kWorkers}), paths);
  power.verdict = power.measured > 1e-6 ? "pass" : "FAIL";
  power.note = fmt::format("the biased RandK (E C(x) = (K/d) x) must fail the same exact test: relative error {:.3g} "
                           "over {} outcomes",
                           power.measured, paths);
  rows.push_back(power);
  return rows;
}

}  // namespace commopt
