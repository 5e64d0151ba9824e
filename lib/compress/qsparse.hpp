// The Qsparse compositions (Basu, Data, Karakus, Diggavi, NeurIPS 2019; ef-local-lazy.md §2.3,
// §1 bit table): y = Comp_K(x) with Comp_K ∈ {Top_K, Rand_K} (Rand_K unscaled, as in Qsparse),
// then on the K selected values
//   qtopk[k,s], qrandk[k,s]   Lemma 1: C(x) = Q_s(y)/(1 + β_{K,s}), β_{K,s} = min(K/s², √K/s),
//                             Q_s = QSGD (quantize.hpp) with the l2 norm of the K values;
//                             contractive with γ = K/(d(1 + β_{K,s})) (in expectation).
//                             (The official code uses β = K/s², which equals this when K <= s².)
//   signtopk[k], signrandk[k] Lemma 2: C(x) = (||y||_1/K) sign(y); ||x − C(x)||² = ||x||² − ||y||_1²/K
//                             exactly, so γ(x) = ||y||_1²/(K||x||²) >= 1/d: reported α = 1/d
//                             (for signrandk in expectation).
// Top_K ties: lower index wins (select.hpp); Rand_K: Floyd's algorithm from the caller's stream.
// sign(0) = +1 by default (zero=minus for −1), as the official signq (sign(v + 1e−13)).
//
// WIRE FORMAT: [index section of sparse_coding.hpp: K indices, list (K·ceil(log2 d) bits) or bitmap
//   (d bits), whichever is smaller][one value at width w][K codes in ascending index order]:
//   q*:    value = N̂ = ||y||_2 rounded up to width w (the receiver multiplies by 1/(1+β) itself);
//          code = sign bit (1 = negative) + level ξ ∈ {0..s} in ceil(log2(s+1)) bits; the decoded
//          value is ±ξ N̂/(s(1 + β)).
//   sign*: value = ||y||_1/K; code = 1 sign bit; the decoded value is ±||y||_1/K.
// Total bits = min(K ceil(log2 d), d) + w + K(1 + ceil(log2(s+1))) (q*) or + w + K (sign*).
// Thread safety: mutable scratch (keys of size d for TopK, d bytes for RandK, K indices and values):
// one instance per worker. compress() never allocates once warmed up; add_decoded is O(K) (list)
// or O(d/64 + K) (bitmap).
#pragma once
#include <cstdint>
#include <vector>

#include "compress/compressor.hpp"

namespace commopt {

// qtopk[k=K | ratio=r, s=S] and qrandk[...]: the QSGD compositions (Lemma 1).
struct QSparseOptions {
  int k = 0;  // kept coordinates K, 1 <= K <= d; required: k=K, or ratio=r for K = max(1, round(r d))
  int s = 0;  // levels s of the quantizer, 1 <= s <= 2^30; required
};

// signtopk[k=K | ratio=r, zero=plus|minus] and signrandk[...]: the sign compositions (Lemma 2).
struct SignSparseOptions {
  int k = 0;                   // as QSparseOptions
  bool zero_negative = false;  // zero=minus: sign(0) = −1; zero=plus (default): +1
};

class QSparseCompressor final : public Compressor {
 public:
  enum class Select { top, rand };
  // s >= 1: QSGD with s levels (qtopk/qrandk); s == 0: scaled sign (signtopk/signrandk).
  QSparseCompressor(int d, int k, Select select, int s, bool zero_negative, ValueCodec codec);
  std::string name() const override;
  void compress(const Vec& x, Rng& rng, Message& out) const override;
  void add_decoded(const Message& m, double scale, Vec& acc) const override;
  // Contractive: α = K/(d(1 + β_{K,s})) (q*) or 1/d (sign*); random unless signtopk.
  CompressorConstants constants() const override;
  double beta() const;  // β_{K,s} (0 for sign*)
  int k() const { return k_; }

 private:
  int k_;
  Select select_;
  int s_;
  bool zero_negative_;
  mutable std::vector<double> keys_;          // TopK scratch, size d
  mutable std::vector<std::uint8_t> chosen_;  // RandK scratch, size d
  mutable std::vector<int> idx_;              // size K
  mutable std::vector<double> vals_;          // size K
};

}  // namespace commopt
