// The server shared by the gradient-estimator methods (GD, EF21, DASHA, LAG, local SGD):
// it keeps an estimator g^t built from the decoded uploads, broadcasts g^t densely and steps
// x^{t+1} = x^t − γ·decode(g^t). `replace` rebuilds g^t from each round's uploads (GD: g^t is the
// mean of the fresh gradients); `accumulate` adds them (EF21/DASHA/LAG: g^{t+1} = g^t + (1/n)Σ m_i).
#pragma once
#include <functional>

#include "methods/common.hpp"

namespace commopt {

class StepServer final : public ServerLogic {
 public:
  enum class Mode { replace, accumulate };
  // Φ^t from f(x^t) − f_low, ∇f(x^t), the mean of the workers' terms and the server's g^t.
  using Potential =
      std::function<std::optional<double>(double gap, const Vec& grad, double worker_terms, const Vec& g)>;

  // init_codec decodes round 0 (the initialization), up_codec every later round.
  StepServer(const Vec& x0, CompressorPtr init_codec, CompressorPtr up_codec, int value_bits, double step,
             int n, Mode mode, Potential potential = {})
      : x_(x0), g_(Vec::Zero(x0.size())), init_codec_(std::move(init_codec)), up_codec_(std::move(up_codec)),
        down_codec_(dense_codec(static_cast<int>(x0.size()), value_bits)), step_(step), n_(n), mode_(mode),
        potential_(std::move(potential)) {}

  void absorb(std::span<const Message> ups, ServerEnv& env) override {
    if (mode_ == Mode::replace) g_.setZero();
    const Compressor& codec = env.round == 0 ? *init_codec_ : *up_codec_;
    for (const Message& m : ups)
      if (m.sent) codec.add_decoded(m, 1.0 / n_, g_);  // in worker order: deterministic sums
  }
  void broadcast(ServerEnv& env, Message& down) override {
    Rng rng = env.rng(Purpose::server);
    down_codec_->compress(g_, rng, down);
    down_codec_->add_decoded(down, -step_, x_);  // x^{t} = x^{t-1} − γ·decode(g^{t-1})
  }
  const Vec& model() const override { return x_; }
  const Vec& estimator() const { return g_; }
  void expose(StateView& out) const override {
    out.add("x", x_);
    out.add("g", g_);
  }
  std::optional<double> potential(double gap, const Vec& grad, double worker_terms) const override {
    return potential_ ? potential_(gap, grad, worker_terms, g_) : std::nullopt;
  }

 private:
  Vec x_, g_;
  CompressorPtr init_codec_, up_codec_, down_codec_;
  double step_;
  int n_;
  Mode mode_;
  Potential potential_;
};

}  // namespace commopt
