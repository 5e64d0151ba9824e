// gd — distributed gradient descent with dense (uncompressed) uplink, the reference method.
// Nesterov, "Introductory Lectures on Convex Optimization" (2004), Thm 2.1.14 / 2.1.15:
//   x^{t+1} = x^t − γ (1/n) Σ_i ∇f_i(x^t),  γ = 1/L,
// f(x^{t+1}) ≤ f(x^t) − (γ/2)||∇f(x^t)||², so Φ^t = f(x^t) − f_low never increases; for μ-strongly
// convex f, f(x^t) − f* ≤ (1 − μ/L)^t (f(x^0) − f*).
#include "methods/builders.hpp"
#include "methods/step_server.hpp"

namespace commopt {
namespace {

class GdWorker final : public ReplicaWorker {
 public:
  GdWorker(const Vec& x0, int value_bits, double step)
      : ReplicaWorker(x0, dense_codec(static_cast<int>(x0.size()), value_bits), step),
        up_codec_(dense_codec(static_cast<int>(x0.size()), value_bits)) {}
  void upload(WorkerEnv& env, Message& up) override {
    env.problem->grad(env.worker, x_, grad_);  // ∇f_i(x^t)
    env.grad_evals += env.problem->samples(env.worker);
    Rng rng = env.compress_rng(*up_codec_);
    up_codec_->compress(grad_, rng, up);
  }

 private:
  CompressorPtr up_codec_;
  Vec grad_;
};

}  // namespace

MethodInstance build_gd(const MethodSetup& s) {
  const Objective& p = *s.problem;
  MethodInstance inst;
  const auto& c = p.constants();
  inst.info["constants"] = constants_json(c);
  inst.info["potential"] = "f(x^t) - f_low";
  inst.stepsize = resolve_stepsize(s.method, 1.0 / c.L, "1/L [Nesterov 2004, Thm 2.1.14]", inst.info);
  const Vec x0 = p.initial_point();
  const int d = p.dim();
  for (int i = 0; i < p.workers(); ++i)
    inst.workers.push_back(std::make_unique<GdWorker>(x0, s.value_bits, inst.stepsize));
  inst.server = std::make_unique<StepServer>(
      x0, dense_codec(d, s.value_bits), dense_codec(d, s.value_bits), s.value_bits, inst.stepsize, p.workers(),
      StepServer::Mode::replace, [](double gap, const Vec&, double, const Vec&) { return std::optional<double>(gap); });
  return inst;
}

}  // namespace commopt
