// A one-hidden-layer network on a LIBSVM dataset (nonconvex; ef-local-lazy.md §13: its layers are
// the parameter blocks the per-tensor compressors and methods see). Rows a_j ∈ R^p (raw features,
// no appended column: the layers have their own biases), classes y_j ∈ {0..K−1} (problem_data.hpp;
// binary data gives K = 2 outputs, classes 0 = −1 and 1 = +1, the same softmax as the K-class case).
//   u_j = W1^T a_j + b1 ∈ R^H,  s_j = act(u_j) (tanh or relu),  z_j = W2^T s_j + b2 ∈ R^K,
//   f_i(x) = (1/m_i) Σ_j CE(z_j, y_j) + (λ/2)(||W1||² + ||W2||²)   (biases not regularised),
//   CE(z, y) = log Σ_c exp(z_c) − z_y.
// Backpropagation for one row: δz = softmax(z) − e_y, ∇W2 = s δz^T, ∇b2 = δz, δu = (W2 δz) ⊙ act'(u),
// ∇W1 = a δu^T, ∇b1 = δu (act' = 1 − s² for tanh, [u > 0] for relu).
// x = (W1, b1, W2, b2) in this order, each row-major with the input index first:
//   x[k·H + h] = W1_kh (p×H: feature k → hidden h), then b1 (H), then x[o + h·K + c] = W2_hc (H×K), then b2 (K);
// with bias=false there are no b1, b2. Initial point: Glorot uniform W1 ~ U(±sqrt(6/(p+H))),
// W2 ~ U(±sqrt(6/(H+K))) from Rng(init_seed, −2, 0, Purpose::data), biases 0.
// Constants (mlp_constants.cpp) are ESTIMATES at x^0 (kind estimate): L, L_i by power iteration on
// Hessian-vector products from central differences of gradients; mu = 0; f_lower = 0.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/objective.hpp"
#include "core/spec.hpp"
#include "problems/libsvm.hpp"
#include "problems/registry.hpp"
#include "problems/split.hpp"

namespace commopt {

enum class Activation { tanh, relu };

struct MlpOptions {
  int hidden = 32;
  double lambda = 1e-4;
  Activation activation = Activation::tanh;
  std::uint64_t init_seed = 0;
  bool bias = true;        // b1 and b2
  SplitKind split = SplitKind::contiguous;
  std::uint64_t seed = 0;  // the shuffled split's seed
  bool disk_cache = true;
  int worker_begin = 0;    // as LogisticOptions
  int worker_end = -1;
  std::optional<ProblemConstants> constants;
};

class MlpProblem final : public Objective {
 public:
  MlpProblem(std::shared_ptr<const LibsvmData> data, int workers, const MlpOptions& opts, std::string name);

  std::string name() const override { return name_; }
  int workers() const override { return static_cast<int>(w_.size()); }
  int dim() const override { return dim_; }
  int samples(int i) const override { return m_[static_cast<std::size_t>(i)]; }
  double loss(int i, const Vec& x) const override;
  double loss_grad(int i, const Vec& x, Vec& out) const override;
  void minibatch_grad(int i, const Vec& x, std::span<const int> rows, Vec& out) const override;
  // Fraction of all rows whose largest output is their class (ties: the lowest class wins).
  std::optional<double> accuracy(const Vec& x) const override;
  bool convex() const override { return false; }
  const ProblemConstants& constants() const override;
  Vec initial_point() const override { return x0_; }
  // {"W1", p·H}, {"b1", H}, {"W2", H·K}, {"b2", K} (no b1, b2 with bias=false).
  std::vector<ParamBlock> blocks() const override;

  int classes() const { return classes_; }
  int features() const { return features_; }
  int hidden() const { return opts_.hidden; }
  const MlpOptions& options() const { return opts_; }
  std::string constants_key() const;
  ProblemConstants compute_constants() const;  // mlp_constants.cpp, ignoring every cache

 private:
  struct Worker {
    Csr A;
    std::vector<int> y;
    mutable Vec u, s, z, du;  // one row's hidden pre-activations, activations, logits, δu
  };
  void check(int i, const Vec& x) const;
  // Σ over `rows` (all when null) of CE; with g, g += scale·Σ ∇CE (regulariser excluded). Leaves
  // the last row's logits in w.z.
  double data_term(const Worker& w, const Vec& x, const std::span<const int>* rows, Vec* g, double scale) const;
  double regularizer(const Vec& x) const;
  void add_regularizer_grad(const Vec& x, Vec& out) const;

  std::string name_;
  MlpOptions opts_;
  std::string checksum_;
  int features_ = 0, classes_ = 0, dim_ = 0;
  int off_b1_ = 0, off_w2_ = 0, off_b2_ = 0;  // block offsets (b1, b2 empty without bias)
  Vec x0_;
  std::vector<Worker> w_;
  std::vector<int> m_;
  mutable std::once_flag constants_once_;
  mutable ProblemConstants constants_;
};

// The mlp[...] registry entry's parameters and factory. Throws UsageError.
std::vector<ParamDoc> mlp_params();
std::unique_ptr<Objective> make_mlp(const Spec& spec, int workers, const ProblemOptions& opts);

}  // namespace commopt
