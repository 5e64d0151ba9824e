// PowerSGD, rank r (Vogels, Karimireddy, Jaggi, NeurIPS 2019; ef-local-lazy.md §2.7, §1 bit table):
// powersgd[rank=r,shape=RxC]. The first R·C coordinates of x are the matrix M (row-major,
// M(i,j) = x[iC + j]); the remaining d − R·C coordinates (biases, or everything when no shape is
// given: "dense for vectors") are sent dense.
//   P = M Q (Q warm-started: the Q of this instance's previous message; initially i.i.d. N(0,1)
//   drawn from the caller's stream at the first call — the shared stream, needs_shared_randomness(),
//   so every worker starts from the same Q as in the paper); P̂ = orthonormalize(P) (modified
//   Gram–Schmidt; a column whose remaining norm is <= 1e-300 becomes 0); P̂ is rounded to the value
//   width; Q = Mᵀ P̂ (rounded); output P̂ Qᵀ = P̂ P̂ᵀ M.
// Deviation from the paper, on purpose: the paper all-reduces P between the two products (two
// communication phases per step); a Compressor sends one message per worker, so each worker
// orthonormalizes its own P and sends both factors. No worst-case constant (kind none; P̂P̂ᵀ is a
// projection, so ||C(x) − x|| <= ||x|| for the matrix part up to the rounding of the factors).
// State: the warm-start Q lives in the ENCODER instance only; the message carries both factors,
// so decoding is stateless and one server instance decodes every worker.
//
// WIRE FORMAT: [P̂: R·r values, row-major (row i: P̂(i,0..r−1))][Q: C·r values, row-major]
//   [x_{RC}, ..., x_{d−1} dense], all at width w. Bits = w·(r(R + C) + d − R·C). index_coding = none.
// Cost: compress and decode O(r·R·C) with plain loops (no allocation once warmed up).
#pragma once
#include <vector>

#include "compress/compressor.hpp"

namespace commopt {

// powersgd[rank=r,shape=RxC]; without a shape the whole vector is sent dense.
struct PowerSgdOptions {
  int rank = 1;  // rank r, 1 <= r <= min(R, C)
  int rows = 0;  // R and C of shape=RxC, R*C <= d; 0: no shape
  int cols = 0;
};

class PowerSgdCompressor final : public Compressor {
 public:
  // rows·cols <= d; rows = cols = 0: no matrix part (dense); 1 <= rank <= min(rows, cols).
  PowerSgdCompressor(int d, int rows, int cols, int rank, ValueCodec codec);
  std::string name() const override;
  void compress(const Vec& x, Rng& rng, Message& out) const override;
  void add_decoded(const Message& m, double scale, Vec& acc) const override;
  // Kind none (heuristic); random through the first call's initial Q.
  CompressorConstants constants() const override;
  bool needs_shared_randomness() const override { return true; }

 private:
  int rows_, cols_, rank_;
  mutable bool started_ = false;
  mutable std::vector<double> p_, q_;           // R×r and C×r, row-major (q_ is the warm start)
  mutable std::vector<double> dp_, dq_;         // decode scratch
};

}  // namespace commopt
