// dist-EF-SGD(M) / dist-EF-BlockSGD(M) (dist_ef_sgd.cpp) and signSGD / Signum with majority vote
// (signsgd_mv.cpp): the virtual-sequence identity across a step-size drop (and its ablation
// rescale=off breaking it), the blocks the block variants compress by and the bits that costs, the
// majority vote on a hand-made problem with ties, bad specs.
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "net/network.hpp"
#include "test_method_helpers.hpp"
#include "theory/checks.hpp"

using namespace commopt;
using namespace commopt::testing;

namespace {
constexpr const char* kProblem = "logreg_nc[data=a1a,lambda=0.1]";

const Objective& a1a() {
  static const auto p = problem(kProblem, 4);
  return *p;
}

// A problem with its coordinates split into the blocks `sizes` (as a layered model reports them).
class Layered final : public Objective {
 public:
  Layered(const Objective& base, std::vector<int> sizes) : base_(base), sizes_(std::move(sizes)) {}
  std::string name() const override { return base_.name() + "+layers"; }
  int workers() const override { return base_.workers(); }
  int dim() const override { return base_.dim(); }
  int samples(int i) const override { return base_.samples(i); }
  double loss(int i, const Vec& x) const override { return base_.loss(i, x); }
  double loss_grad(int i, const Vec& x, Vec& out) const override { return base_.loss_grad(i, x, out); }
  void minibatch_grad(int i, const Vec& x, std::span<const int> rows, Vec& out) const override {
    base_.minibatch_grad(i, x, rows, out);
  }
  bool convex() const override { return base_.convex(); }
  const ProblemConstants& constants() const override { return base_.constants(); }
  std::vector<ParamBlock> blocks() const override {
    std::vector<ParamBlock> out;
    for (int s : sizes_) out.push_back({"layer", s});
    return out;
  }

 private:
  const Objective& base_;
  std::vector<int> sizes_;
};

// f_i(x) = c_i · x on d = 3 coordinates, n = 4 workers: ∇f_i = c_i everywhere (hand-made votes).
class Linear final : public Objective {
 public:
  std::string name() const override { return "linear"; }
  int workers() const override { return 4; }
  int dim() const override { return 3; }
  int samples(int) const override { return 1; }
  double loss(int i, const Vec& x) const override { return c(i).dot(x); }
  double loss_grad(int i, const Vec& x, Vec& out) const override {
    out = c(i);
    return loss(i, x);
  }
  void minibatch_grad(int i, const Vec&, std::span<const int>, Vec& out) const override { out = c(i); }
  bool convex() const override { return true; }
  const ProblemConstants& constants() const override { return constants_; }
  static Vec c(int i) {
    static const double rows[4][3] = {{1, 1, 0}, {1, -1, 0}, {-1, 1, 1}, {1, -1, 1}};
    return Vec{{rows[i][0], rows[i][1], rows[i][2]}};
  }

 private:
  ProblemConstants constants_ = [] {
    ProblemConstants k;
    k.L = 1;
    k.L_i = {1, 1, 1, 1};
    return k;
  }();
};

MethodInstance build(const Objective& p, const std::string& method, const std::string& comp, int value_bits = 32) {
  MethodSetup s;
  s.problem = &p;
  s.method = Spec::parse(method, "--method");
  s.compressor = Spec::parse(comp, "--compressor");
  s.value_bits = value_bits;
  s.seed = 1;
  return make_method(s);
}

// x^1 of a majority-vote method on the Linear problem (x^0 = 0, η = 1).
Vec first_step(const std::string& method) {
  static const Linear p;
  MethodInstance m = build(p, method, "identity");
  SimNetwork net(p, m, 1);
  net.run_round(0);
  net.run_round(1);
  return net.model();
}
}  // namespace

TEST_CASE("dist-EF virtual sequence holds across a step drop with the rescaling, breaks without", "[dist_ef]") {
  const auto rows = virtual_sequence_rows(a1a(), "dist_ef_sgd[schedule=step[at=20,factor=0.5]]", "scaled_sign", 40);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].verdict == "pass");
  CHECK(rows[0].measured < 1e-13);
  CHECK(rows[1].id == "virtual-sequence-power");
  CHECK(rows[1].verdict == "pass");  // rescale=off: exact before round 20, broken at it
  CHECK(rows[1].measured > 1e-6);
  const auto off = virtual_sequence_rows(a1a(), "dist_ef_sgd[rescale=off,schedule=step[at=20,factor=0.5]]",
                                         "scaled_sign", 40);
  CHECK(off[0].verdict == "FAIL");
  // Before the drop the ablation is the same algorithm: 20 rounds see no violation.
  CHECK(virtual_sequence_rows(a1a(), "dist_ef_sgd[rescale=off,schedule=step[at=20,factor=0.5]]", "scaled_sign",
                              20)[0].verdict == "pass");
  // Minibatch runs: the check cannot see the sampled rows and says so.
  CHECK(virtual_sequence_rows(a1a(), "dist_ef_sgd[batch=4]", "scaled_sign", 5)[0].verdict == "skipped");
}

TEST_CASE("dist-EF-SGDM virtual sequence (Nesterov momentum, weight decay) is exact across drops", "[dist_ef]") {
  for (const char* m : {"dist_ef_sgdm[schedule=step[at=10:25,factor=0.3]]",
                        "dist_ef_sgdm[weight_decay=0.01,momentum=0.5,schedule=step[at=15,factor=0.1]]",
                        "dist_ef_blocksgdm[block_size=10,schedule=inv[a=5],warmup=3]"}) {
    INFO(m);
    const std::string comp = std::string(m).rfind("dist_ef_block", 0) == 0 ? "block_sign" : "scaled_sign";
    const auto rows = virtual_sequence_rows(a1a(), m, comp, 40);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].verdict == "pass");
    CHECK(rows[1].verdict == "pass");
  }
}

TEST_CASE("dist_ef_sgd defaults are Algorithm 1 with a fixed step, unchanged", "[dist_ef]") {
  const auto rows = virtual_sequence_rows(a1a(), "dist_ef_sgd", "scaled_sign", 50);
  REQUIRE(rows.size() == 1);  // a constant step: no drop, no power row
  CHECK(rows[0].verdict == "pass");
  const auto base = run(a1a(), "dist_ef_sgd", "scaled_sign", 30);
  // With a constant step the rescaling factor is 1, and μ = 0 is Algorithm 1 itself.
  CHECK(same_rows(base.rows, run(a1a(), "dist_ef_sgd[rescale=off]", "scaled_sign", 30).rows));
  CHECK(same_rows(base.rows, run(a1a(), "dist_ef_sgdm[momentum=0]", "scaled_sign", 30).rows));
  CHECK(same_rows(base.rows, run(a1a(), "dist_ef_sgd[schedule=constant]", std::nullopt, 30).rows));
  CHECK(!same_rows(base.rows, run(a1a(), "dist_ef_sgdm", "scaled_sign", 30).rows));
}

TEST_CASE("dist-EF-BlockSGD compresses by the problem's blocks: d + 32 B bits each way", "[dist_ef]") {
  const int d = a1a().dim();
  const Layered layered(a1a(), {d - 30, 20, 10});
  for (const char* m : {"dist_ef_blocksgd", "dist_ef_blocksgdm"}) {
    INFO(m);
    const auto r = run(layered, m, std::nullopt, 3);
    CHECK(r.rows[0].bits_up == d + 32.0 * 3);
    CHECK(r.rows[1].bits_down == d + 32.0 * 3);
    // block_size=S overrides the problem's blocks: ceil(d/S) blocks.
    const auto s = run(layered, std::string(m) + "[block_size=10]", std::nullopt, 3);
    CHECK(s.rows[0].bits_up == d + 32.0 * ((d + 9) / 10));
  }
  // The message itself: worker 0's upload at x^0.
  MethodInstance inst = build(layered, "dist_ef_blocksgd", "block_sign");
  WorkerEnv env;
  env.problem = &layered;
  env.seed = 1;
  Message up;
  inst.workers[0]->upload(env, up);
  CHECK(up.bits == static_cast<std::uint64_t>(d + 32 * 3));
  // One block of the whole vector is the scaled sign's d + 32 bits.
  CHECK(run(a1a(), "dist_ef_blocksgd", std::nullopt, 1).rows[0].bits_up == d + 32.0);
}

TEST_CASE("majority vote on a hand-made problem, ties and sign(0) conventions", "[dist_ef]") {
  // Signs of c_i: coordinate 0: + + − + (vote +); coordinate 1: + − + − (a tie);
  // coordinate 2: 0 0 + + (zero=zero: vote +; zero=minus: − − + +, a tie; zero=plus: +).
  CHECK(first_step("signsgd_mv[stepsize=1]") == Vec{{-1, 0, -1}});
  CHECK(first_step("signsgd_mv[stepsize=1,tie=plus]") == Vec{{-1, -1, -1}});
  CHECK(first_step("signsgd_mv[stepsize=1,tie=minus]") == Vec{{-1, 1, -1}});
  CHECK(first_step("signsgd_mv[stepsize=1,zero=minus]") == Vec{{-1, 0, 0}});
  CHECK(first_step("signsgd_mv[stepsize=1,zero=minus,tie=minus]") == Vec{{-1, 1, 1}});
  CHECK(first_step("signsgd_mv[stepsize=1,zero=plus]") == Vec{{-1, 0, -1}});
  // Signum's momentum buffer m = (1 − β) g has the same signs at the first step.
  CHECK(first_step("signum_mv[stepsize=1]") == Vec{{-1, 0, -1}});
  // Bits: with zeros, 1 flag + d mask + one bit per nonzero; without, 1 flag + d; ±1 only: d.
  const Linear p;
  const auto r = run(p, "signsgd_mv[stepsize=1]", std::nullopt, 1);
  CHECK(r.rows[0].bits_up == (6 + 6 + 4 + 4) / 4.0);
  CHECK(r.rows[1].bits_down == 1 + 3 + 2);  // the vote (+, 0, +) holds a zero
  const auto plus = run(p, "signsgd_mv[stepsize=1,zero=plus,tie=plus]", std::nullopt, 1);
  CHECK(plus.rows[0].bits_up == 3);
  CHECK(plus.rows[1].bits_down == 3);
}

TEST_CASE("majority-vote identity holds on a1a and its power row sees the ties", "[dist_ef]") {
  for (const char* m : {"signsgd_mv", "signum_mv[schedule=step[at=10,factor=0.5]]", "signsgd_mv[zero=plus,tie=plus]"}) {
    INFO(m);
    const auto rows = majority_vote_rows(a1a(), m, 30);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].verdict == "pass");
    CHECK(rows[1].verdict == "pass");
  }
}

TEST_CASE("dist-EF and majority-vote bad specs are usage errors", "[dist_ef]") {
  for (const char* m : {"dist_ef_sgd[rescale=maybe]", "dist_ef_sgd[momentum=0.5]", "dist_ef_sgdm[momentum=1]",
                        "dist_ef_sgdm[weight_decay=-1]", "dist_ef_sgd[batch=-2]", "dist_ef_sgd[schedule=sometimes]",
                        "dist_ef_blocksgd[block_size=1000]", "signsgd_mv[zero=maybe]", "signsgd_mv[tie=2]",
                        "signum_mv[beta=1]", "signsgd_mv[beta=0.5]"}) {
    INFO(m);
    CHECK_THROWS_AS(build(a1a(), m, "scaled_sign"), UsageError);
  }
  CHECK_THROWS_AS(build(a1a(), "dist_ef_blocksgd[block_size=10]", "scaled_sign"), UsageError);
  CHECK_THROWS_AS(build(a1a(), "dist_ef_blocksgd[block_size=10]", "block_sign[blocks=2]"), UsageError);
  CHECK_NOTHROW(build(a1a(), "dist_ef_blocksgd[block_size=10]", "block_sign[zero=minus]"));
}
