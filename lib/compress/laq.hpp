// LAQ's innovation quantizer (Sun, Chen, Giannakis, Yang, NeurIPS 2019; ef-local-lazy.md §2.6 and
// §9; official LAQ.py quantd): laq[bits=b], b ∈ 1..16, τ = 1/(2^b − 1).
//
// C(v): R = ||v||_∞ (sent at width w, rounded UP to float32 when w = 32 so R̂ >= R), then per
// coordinate q_i = ⌊(v_i + R̂)/(2τR̂) + 1/2⌋ ∈ {0..2^b − 1} and C(v)_i = −R̂ + 2τR̂ q_i: a grid of 2^b
// levels, spacing 2τR̂, symmetric around 0, so |C(v)_i − v_i| <= τR̂ for every i. The centre is not a
// level: v_i = 0 is sent as ±τR̂ (kept on purpose, as the official code; ef-local-lazy.md §9.2).
// Deterministic, biased. ||C(v) − v||² <= dτ²R̂² <= dτ²||v||²(1 + 2^-23)², so it is reported as
// contractive with α = 1 − dτ²(R̂/R)² when that is > 0 [DERIVED; R̂/R <= 1 + 2^-23
// for w = 32, 1 for w = 64], and with kind none otherwise.
//
// STATE — design. LAQ quantizes the innovation v = ∇f_m(θ^k) − Q̂_m against the worker's last
// uploaded quantized gradient Q̂_m; the message decodes to δQ_m = C(v) and Q_m = Q̂_m + δQ_m.
// The reference Q̂_m is the METHOD's per-worker state, exactly like LAG's stale gradient and EF21's
// g_i: the worker passes v = g − Q̂_m to compress() and, only when it uploads, applies
// add_decoded(msg, 1, Q̂_m); the server adds add_decoded(msg, 1, ∇) for every message it receives
// (∇^k = ∇^{k−1} + Σ_m δQ_m). The compressor itself is stateless, therefore
//   * one server-side instance decodes every worker (no per-worker decoder is needed);
//   * decode(encode(v)) never depends on history, so a message decoded twice, or an upload that
//     LAQ's trigger skips (sent = false, after inspecting the candidate), cannot make the worker's
//     and the server's references diverge;
//   * used inside EF21 (g_i ← g_i + C(∇f_i − g_i)) it is exactly LAQ without skipping ("QGD"), and
//     in plain GD it quantizes the gradient with R = ||∇f_i||_∞.
// The method owns "relative to the last uploaded value": a LAQ method keeps Q̂_m and ε̂_m.
//
// WIRE FORMAT: [R̂: w bits][d codes q_i, b bits each, LSB-first]. Total bits = w + b·d (the
//   official code counts b·d only; ef-local-lazy.md §1). index_coding = none.
// Stateless; compress() never allocates once warmed up; add_decoded is O(d) = O(message).
#pragma once
#include "compress/compressor.hpp"

namespace commopt {

// laq[bits=b].
struct LaqOptions {
  int bits = 4;  // bits b per coordinate, 1 <= b <= 16 (τ = 1/(2^b − 1)); the official LAQ runs use 4
};

class LaqCompressor final : public Compressor {
 public:
  LaqCompressor(int d, int bits, ValueCodec codec);
  std::string name() const override;
  void compress(const Vec& x, Rng& rng, Message& out) const override;
  void add_decoded(const Message& m, double scale, Vec& acc) const override;
  // Contractive with α = 1 − dτ² if dτ² < 1, else kind none; deterministic.
  CompressorConstants constants() const override;
  int bits() const { return bits_; }
  double tau() const { return 1.0 / ((1 << bits_) - 1); }
  // The radius R̂ of a message, as the receiver reads it.
  double radius(const Message& m) const;

 private:
  int bits_;
};

}  // namespace commopt
