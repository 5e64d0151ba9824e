// Deterministic inequalities and identities, checked exactly (up to double rounding) on random and
// adversarial vectors (spike, all equal, zeros, ±0, denormals, huge): block_sign and signtopk
// identities (ef-local-lazy.md §2.3–2.4), LAQ's per-coordinate error <= τR (§2.6), the grids of
// natural / natural_dithering / qsgd (dasha-family.md §2), PowerSGD's projection (§2.7).
#include <catch2/catch.hpp>

#include <Eigen/LU>
#include <cmath>

#include "compress/laq.hpp"
#include "compress/sign.hpp"
#include "test_compress_helpers.hpp"

using namespace commopt;
using namespace commopt::testing;

TEST_CASE("block_sign: ||x-C(x)||^2 = ||x||^2 - sum_b ||x_b||_1^2/d_b, delta >= 1/max d_b", "[compress]") {
  for (int d : {1, 7, 64, 200}) {
    std::vector<CompressorPtr> cs;
    cs.push_back(make_c("block_sign[blocks=" + std::to_string(std::min(d, 3)) + "]", d, 64));
    cs.push_back(make_c("block_sign[block_size=" + std::to_string(std::min(d, 5)) + "]", d, 64));
    std::vector<int> layers = {d};  // uneven "layers" through the context seam
    if (d > 3) layers = {1, d - 3, 2};
    cs.push_back(make_c("block_sign", d, 64, {0, 1, layers}));
    for (const auto& c : cs) {
      const auto& sizes = dynamic_cast<const BlockSignCompressor&>(*c).block_sizes();
      for (const Vec& x : adversarial_vectors(d, 3)) {
        const Vec y = decode_with(*c, encode_with(*c, x, 0));
        const double s = x.cwiseAbs().maxCoeff();
        if (s == 0.0) {
          CHECK(y.isZero(0.0));
          continue;
        }
        double l1sq = 0;
        int begin = 0, dmax = 0;
        for (int n : sizes) {
          const double l1 = (x.segment(begin, n) / s).lpNorm<1>();
          l1sq += l1 * l1 / n;
          for (int i = begin; i < begin + n; ++i) CHECK(std::abs(y[i]) == std::abs(y[begin]));
          begin += n;
          dmax = std::max(dmax, n);
        }
        const double sx = scaled_sq(x, s), lhs = scaled_sq(x - y, s);
        INFO(c->name() << " lhs " << lhs << " rhs " << sx - l1sq);
        CHECK(std::abs(lhs - (sx - l1sq)) <= 1e-10 * sx);
        CHECK(lhs <= (1.0 - 1.0 / dmax) * sx + 1e-10 * sx);
        for (int i = 0; i < d; ++i) CHECK((y[i] < 0) == (x[i] < 0));  // sign(±0) = +1
      }
    }
  }
}

TEST_CASE("signtopk/signrandk: ||x-C(x)||^2 = ||x||^2 - ||y||_1^2/K per draw, gamma >= 1/d (topk)", "[compress]") {
  for (int d : {5, 64, 300}) {
    for (int k : {1, 3, d}) {
      for (const char* name : {"signtopk", "signrandk"}) {
        const auto c = make_c(std::string(name) + "[k=" + std::to_string(k) + "]", d, 64);
        const auto top = make_c("topk[k=" + std::to_string(k) + "]", d, 64);
        for (const Vec& x : adversarial_vectors(d, 4)) {
          const Message m = encode_with(*c, x, 5);
          const Vec y = decode_with(*c, m);
          const double s = x.cwiseAbs().maxCoeff();
          if (s == 0.0) continue;
          // y's support is the selection; its magnitude is ||x_S||_1/K.
          Vec sel = Vec::Zero(d);
          if (name[4] == 't') {
            sel = decode_with(*top, encode_with(*top, x, 0));
          } else {
            for (int i = 0; i < d; ++i) sel[i] = y[i] != 0.0 || (k == d) ? x[i] : 0.0;
          }
          const double l1 = (sel / s).lpNorm<1>();
          const double sx = scaled_sq(x, s), lhs = scaled_sq(x - y, s);
          INFO(name << " d=" << d << " k=" << k);
          CHECK(std::abs(lhs - (sx - l1 * l1 / k)) <= 1e-10 * sx);
          if (name[4] == 't') CHECK(lhs <= (1.0 - 1.0 / d) * sx + 1e-10 * sx);
        }
      }
    }
  }
}

TEST_CASE("laq: |C(v)_i - v_i| <= tau R_hat, R_hat >= ||v||_inf, 2^b grid levels", "[compress]") {
  for (int w : {32, 64}) {
    for (int bits : {1, 2, 4, 8, 16}) {
      const auto c = make_c("laq[bits=" + std::to_string(bits) + "]", 50, w);
      const auto& laq = dynamic_cast<const LaqCompressor&>(*c);
      for (const Vec& v : adversarial_vectors(50, 6)) {
        const Message m = encode_with(*c, v, 0);
        const Vec q = decode_with(*c, m);
        const double r_hat = laq.radius(m), r = v.cwiseAbs().maxCoeff();
        INFO("w=" << w << " bits=" << bits << " R=" << r << " R_hat=" << r_hat);
        CHECK(r_hat >= r);
        if (!std::isfinite(r_hat)) {  // beyond float32's range: sent as inf, like identity
          CHECK((w == 32 && r > 3.4e38));
          continue;
        }
        CHECK(r_hat <= r * (1 + 0x1.0p-23) + 0x1.0p-149);  // float32 denormals: an absolute ulp
        const double tol = 1e-12 * r_hat;
        for (int i = 0; i < 50; ++i) CHECK(std::abs(q[i] - v[i]) <= laq.tau() * r_hat + tol);
      }
    }
  }
}

TEST_CASE("natural, natural_dithering, qsgd: decoded values lie on the receiver's grid and bracket x", "[compress]") {
  const int d = 40;
  for (int w : {32, 64}) {
    const auto nat = make_c("natural", d, w);
    const double emin = w == 32 ? std::ldexp(1.0, -126) : std::ldexp(1.0, -1022);
    const double emax = w == 32 ? std::ldexp(1.0, 127) : std::ldexp(1.0, 1023);
    for (const Vec& x : adversarial_vectors(d, 8)) {
      for (int r = 0; r < 4; ++r) {
        const Vec y = decode_with(*nat, encode_with(*nat, x, r));
        for (int i = 0; i < d; ++i) {
          const double a = std::abs(x[i]), b = std::abs(y[i]);
          INFO("w=" << w << " x=" << x[i] << " y=" << y[i]);
          if (a == 0) { CHECK(b == 0); continue; }
          if (a < emin) { CHECK((b == 0 || b == emin)); continue; }
          CHECK((y[i] < 0) == (x[i] < 0));
          if (a >= emax) { CHECK(b == emax); continue; }
          const double lo = std::ldexp(1.0, std::ilogb(a));
          CHECK((b == lo || b == 2 * lo));
        }
      }
    }
    for (const char* text : {"natural_dithering[s=3]", "qsgd[s=5]", "qsgd[s=2,norm=linf]"}) {
      const auto c = make_c(text, d, w);
      const bool nd = text[0] == 'n';
      for (const Vec& x : adversarial_vectors(d, 9)) {
        const Message m = encode_with(*c, x, 1);
        BitReader rd = m.reader();
        const double n_hat = w == 32 ? static_cast<double>(rd.get_f32()) : rd.get_f64();
        const Vec y = decode_with(*c, m);
        const double norm = std::string(text).find("linf") != std::string::npos ? x.cwiseAbs().maxCoeff() : x.stableNorm();
        INFO(text << " w=" << w << " norm " << norm << " sent " << n_hat);
        CHECK(n_hat >= norm * (1 - 1e-15));  // stableNorm vs the compressor's sum: an ulp apart
        if (norm == 0) { CHECK(y.isZero(0.0)); continue; }
        if (!std::isfinite(norm * 1e10) || norm < 1e-290) continue;  // decoded denormals lose bits
        for (int i = 0; i < d; ++i) {
          const double r = std::abs(x[i]) / n_hat, t = std::abs(y[i]) / n_hat;
          if (nd) {  // t ∈ {0, 2^{1-s}, ..., 1} and the two grid neighbours of r
            CHECK(((t == 0 && r <= 0.25) || (t >= 0.25 && t <= 1 && std::ldexp(1.0, std::ilogb(t)) == t)));
            if (t > 0.25) CHECK(r >= t / 2 * (1 - 1e-12));  // lower neighbour of t (0 for t = 2^{1-s})
            if (t > 0) CHECK(r <= 2 * t * (1 + 1e-12));      // upper neighbour
          } else {  // t·s is an integer level ξ ∈ {⌊s r⌋, ⌈s r⌉}
            const double s = std::string(text).find("s=5") != std::string::npos ? 5 : 2;
            const double level = t * s;
            CHECK(std::abs(level - std::round(level)) <= 1e-9);
            CHECK(std::round(level) >= std::floor(s * r * (1 - 1e-12)));
            CHECK(std::round(level) <= std::ceil(s * r * (1 + 1e-12)));
          }
          if (y[i] != 0) CHECK((y[i] < 0) == (x[i] < 0));
        }
      }
    }
  }
}

TEST_CASE("powersgd: projection of the matrix part, exact at full rank, dense tail exact", "[compress]") {
  const int rows = 6, cols = 4, d = rows * cols + 3;
  for (const Vec& x : adversarial_vectors(d, 10, false)) {
    const double s = std::max(1e-300, x.cwiseAbs().maxCoeff());
    const auto c1 = make_c("powersgd[rank=2,shape=6x4]", d, 64);
    const auto full = make_c("powersgd[rank=4,shape=6x4]", d, 64);
    for (int r = 0; r < 3; ++r) {  // warm-started rounds
      const Vec y = decode_with(*c1, encode_with(*c1, x, r));
      CHECK(y.tail(3) == x.tail(3));
      CHECK(scaled_sq((y - x).head(rows * cols), s) <= scaled_sq(x.head(rows * cols), s) * (1 + 1e-12) + 1e-24);
      const Vec z = decode_with(*full, encode_with(*full, x, r));
      Eigen::FullPivLU<Eigen::Matrix<double, 6, 4, Eigen::RowMajor>> lu(
          Eigen::Map<const Eigen::Matrix<double, 6, 4, Eigen::RowMajor>>(x.data()));
      const auto rank = lu.setThreshold(1e-9).rank();
      if (rank == 4) CHECK((z - x).cwiseAbs().maxCoeff() <= 1e-9 * s);
    }
  }
}
