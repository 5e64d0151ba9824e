// signsgd_mv, signum_mv — signSGD and Signum with majority vote: Bernstein, Wang, Azizzadenesheli,
// Anandkumar, "signSGD: Compressed Optimisation for Non-Convex Problems", ICML 2018, Alg. 1 and Thm 1
// (majority vote: Thm 2); Bernstein, Zhao, Azizzadenesheli, Anandkumar, ICLR 2019 (Signum with
// majority vote). Spec: ../shared/methods/ef-local-lazy.md §10.1, §13 "sign(0)". Iteration t:
//   worker i: m_i = β m_i + (1−β) g_i(x^t)   (Signum; signSGD sends g_i itself);  push s_i = sign(m_i)
//   server:   V = sign(Σ_i s_i)   (the majority vote);  broadcast V
//   all:      x^{t+1} = x^t − η_t V
// Conventions (a parameter each, defaults from the official comm.h dist_sign_sgd): the workers'
// sign(0) is zero=zero|plus|minus, the vote of a tie (Σ_i s_i = 0) is tie=zero|plus|minus.
// Bits, from the encoded messages: a ±1 vector costs d bits; a vector that may hold zeros (zero=zero,
// tie=zero) costs one flag bit plus, when it holds a zero, a d-bit nonzero mask and one sign bit
// per nonzero entry: 1 + d without zeros, up to 1 + 2d. The paper's "d bits each way" is the
// zero=plus,tie=plus setting.
#include <algorithm>
#include <bit>
#include <cmath>

#include <fmt/format.h>

#include "compress/sign.hpp"
#include "compress/sparse_coding.hpp"
#include "core/error.hpp"
#include "methods/card_helpers.hpp"
#include "methods/common.hpp"
#include "methods/entries.hpp"
#include "methods/options.hpp"
#include "methods/schedule.hpp"

namespace commopt {
namespace {

// sign(x) with sign(0) = `zero` ∈ {−1, 0, +1}.
// WIRE FORMAT, zero = ±1: d bits, bit j = 1 iff entry j is −1 (as the `sign` compressor).
// zero = 0: [flag: 1 iff an entry is 0][flag: d-bit mask, bit j = 1 iff entry j ≠ 0][one sign bit
// per sent entry, 1 = −1], the sent entries being all d without the mask.
class VoteCodec final : public Compressor {
 public:
  VoteCodec(int d, int zero) : Compressor(d, ValueCodec{}), zero_(zero) {}
  std::string name() const override { return fmt::format("vote_sign[zero={}]", zero_); }
  CompressorConstants constants() const override { return CompressorConstants{}; }
  void compress(const Vec& x, Rng& /*rng*/, Message& out) const override {
    check_input_size(x, d_, "vote_sign");
    BitWriter w(out.bytes);
    bool any_zero = false;
    if (zero_ == 0) {
      for (int base = 0; base < d_ && !any_zero; base += 64) {
        const int m = std::min(64, d_ - base);
        any_zero = nonzero_word(x.data() + base, m) != low_bits(m);
      }
      w.put_bit(any_zero);
    }
    if (any_zero) {
      put_nonzero_mask(x.data(), w);
      put_nonzero_signs(x.data(), w);
    } else {
      put_sign_bits(x.data(), d_, zero_ < 0, w);  // sign(0) = −1 for zero=minus, +1 otherwise
    }
    out.bits = w.bits();
    out.sent = true;
    out.index_coding = IndexCoding::none;
  }
  void add_decoded(const Message& m, double scale, Vec& acc) const override {
    if (!m.sent) return;
    check_input_size(acc, d_, "vote_sign");
    BitReader r = m.reader();
    if (zero_ == 0 && r.get_bit()) {
      BitReader signs = m.reader();
      signs.skip(1 + static_cast<std::uint64_t>(d_));
      add_masked_signs(r, signs, scale, acc.data());
      return;
    }
    add_sign_bits(r, d_, scale, acc.data());  // acc[j] += bit j ? −scale : scale, 64 bits per read
  }

 private:
  // Bits j of x[0..m): x_j ≠ 0 (x > 0 or x < 0, so NaN counts as 0), and x_j < 0; no branch per entry.
  static std::uint64_t nonzero_word(const double* x, int m) {
    return bits_where(x, m, [](double v) { return (v > 0.0) | (v < 0.0); });
  }
  static std::uint64_t negative_word(const double* x, int m) {
    return bits_where(x, m, [](double v) { return v < 0.0; });
  }
  // Bit j = is(x_j), j < m ≤ 64. A full word is built 8 entries at a time with constant shifts, so
  // the bytes do not wait on each other (a loop of `word |= b << j` is one serial chain).
  template <class Is>
  static std::uint64_t bits_where(const double* x, int m, const Is& is) {
    std::uint64_t word = 0;
    if (m == 64) {
      for (int b = 0; b < 64; b += 8) {
        unsigned byte = 0;
        for (int k = 0; k < 8; ++k) byte |= static_cast<unsigned>(is(x[b + k])) << k;
        word |= static_cast<std::uint64_t>(byte) << b;
      }
      return word;
    }
    for (int j = 0; j < m; ++j) word |= static_cast<std::uint64_t>(is(x[j])) << j;
    return word;
  }
  static std::uint64_t low_bits(int m) { return m == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << m) - 1; }
  // The mask section, 64 entries per write: bit j = 1 iff x_j ≠ 0.
  void put_nonzero_mask(const double* x, BitWriter& w) const {
    for (int base = 0; base < d_; base += 64) {
      const int m = std::min(64, d_ - base);
      w.put(nonzero_word(x + base, m), m);
    }
  }
  // The sign section: one bit per nonzero entry in index order (1 = negative); per 64 entries the
  // negative bits of the nonzero entries, packed, in one write.
  void put_nonzero_signs(const double* x, BitWriter& w) const {
    for (int base = 0; base < d_; base += 64) {
      const int m = std::min(64, d_ - base);
      std::uint64_t mask = nonzero_word(x + base, m);
      const std::uint64_t negative = negative_word(x + base, m);
      if (mask == low_bits(m)) {
        w.put(negative, m);
        continue;
      }
      std::uint64_t packed = 0;
      int count = 0;
      for (; mask != 0; mask &= mask - 1, ++count)
        packed |= ((negative >> std::countr_zero(mask)) & 1u) << count;
      w.put(packed, count);
    }
  }
  // acc[j] += ±scale for the entries of the mask (read from `mask`), the signs read from `signs`:
  // per 64 entries one mask read and one read of popcount(mask) sign bits; the same additions, in
  // the same index order, as reading bit by bit.
  void add_masked_signs(BitReader& mask, BitReader& signs, double scale, double* acc) const {
    const double signed_v[2] = {scale, -scale};
    for (int base = 0; base < d_; base += 64) {
      std::uint64_t word = mask.get(std::min(64, d_ - base));
      std::uint64_t bits = signs.get(std::popcount(word));
      for (; word != 0; word &= word - 1, bits >>= 1) acc[base + std::countr_zero(word)] += signed_v[bits & 1u];
    }
  }

  int zero_;
};

struct SignMvOptions {
  long long batch = 0;
  std::string zero = "zero";
  std::string tie = "zero";
  double beta = 0.9;
};
const std::vector<OptionField<SignMvOptions>> kFields = {
    option_field("batch", &SignMvOptions::batch, "rows per gradient, drawn with replacement (0 = full local gradient)"),
    option_field("zero", &SignMvOptions::zero, "the workers' sign(0): zero (comm.h, costs a flag bit), plus or minus"),
    option_field("tie", &SignMvOptions::tie, "the vote of a tie sum_i s_i = 0: zero (comm.h), plus or minus"),
};
const std::vector<OptionField<SignMvOptions>> kBetaField = {
    option_field("beta", &SignMvOptions::beta, "Signum momentum beta in [0, 1): m = beta m + (1 - beta) g"),
};

int convention(const Spec& m, const char* field, const std::string& v) {
  require_option(v == "zero" || v == "plus" || v == "minus", m, field, v, "zero, plus or minus");
  return v == "plus" ? 1 : v == "minus" ? -1 : 0;
}

// The workers read the shared replica (one per process), which applies x^t = x^{t−1} − η_{t−1} V.
class SignMvWorker final : public ReplicaWorker {
 public:
  SignMvWorker(ReplicaPtr replica, int zero, double beta, int batch)
      : ReplicaWorker(std::move(replica)), up_(static_cast<int>(x().size()), zero), beta_(beta), batch_(batch),
        rows_(static_cast<std::size_t>(batch)), m_(Vec::Zero(x().size())) {}
  void upload(WorkerEnv& env, Message& up) override {
    sample_gradient(env, x(), batch_, rows_, g_);
    Rng rng = env.compress_rng(up_);
    if (beta_ == 0) {
      up_.compress(g_, rng, up);  // signSGD: sign(g_i)
    } else {
      m_ = beta_ * m_ + (1.0 - beta_) * g_;  // Signum: sign(m_i)
      up_.compress(m_, rng, up);
    }
  }

 private:
  VoteCodec up_;
  double beta_;
  int batch_;
  std::vector<int> rows_;
  Vec g_, m_;
};

class SignMvServer final : public ServerLogic {
 public:
  SignMvServer(const Vec& x0, int zero, int tie, const StepSchedule& sched)
      : x_(x0), sum_(Vec::Zero(x0.size())), up_(static_cast<int>(x0.size()), zero),
        down_(static_cast<int>(x0.size()), tie), sched_(sched) {}
  void absorb(std::span<const Message> ups, ServerEnv&) override {
    sum_.setZero();  // Σ_i s_i, integers held exactly
    for (const Message& m : ups)
      if (m.sent) up_.add_decoded(m, 1.0, sum_);
  }
  void broadcast(ServerEnv& env, Message& down) override {
    Rng rng = env.rng(Purpose::server);
    down_.compress(sum_, rng, down);                       // V = sign(Σ_i s_i), ties by `tie`
    down_.add_decoded(down, -sched_.at(env.round - 1), x_);  // x^{t+1} = x^t − η_t V
  }
  const Vec& model() const override { return x_; }

 private:
  Vec x_, sum_;
  VoteCodec up_, down_;
  StepSchedule sched_;
};

MethodInstance build(const MethodSetup& s, bool signum) {
  const Objective& p = *s.problem;
  const Spec& m = s.method;
  SignMvOptions o = parse_options(m, kFields);
  if (signum) kBetaField[0].read(m, o);
  else o.beta = 0;
  require_option(o.batch >= 0, m, "batch", o.batch, ">= 0 (0 = full gradient)");
  require_option(o.beta >= 0 && o.beta < 1, m, "beta", o.beta, "in [0, 1)");
  const int zero = convention(m, "zero", o.zero), tie = convention(m, "tie", o.tie);
  MethodInstance inst;
  const auto& c = p.constants();
  inst.info["constants"] = constants_json(c);
  inst.info["batch"] = o.batch;
  inst.info["zero"] = o.zero;
  inst.info["tie"] = o.tie;
  inst.info["beta"] = o.beta;
  inst.info[kInfoStochastic] = o.batch > 0;
  // Thm 1's eta = 1/sqrt(||L||_1 K) needs the coordinate-wise smoothness vector and the horizon K;
  // with ||L||_1 <= d L only, the default is a heuristic: every sign step has ||V||^2 <= d.
  inst.stepsize = resolve_stepsize(m, 1.0 / (c.L * p.dim()),
                                   "1/(L d) heuristic: Thm 1's 1/sqrt(||L||_1 K) needs a coordinate-wise L", inst.info);
  const StepSchedule sched = parse_schedule(m, inst.stepsize);
  record_schedule(sched, inst.info);
  const Vec x0 = p.initial_point();
  ModelReplica::Options ro;
  ro.step_at = [sched](int t) { return sched.at(t - 1); };  // x^t = x^{t−1} − η_{t−1} V
  const auto replica = std::make_shared<ModelReplica>(x0, std::make_unique<VoteCodec>(p.dim(), tie), 0.0, ro);
  for (int i = 0; i < p.workers(); ++i)
    inst.workers.push_back(std::make_unique<SignMvWorker>(replica, zero, o.beta, static_cast<int>(o.batch)));
  inst.server = std::make_unique<SignMvServer>(x0, zero, tie, sched);
  return inst;
}
MethodInstance build_signsgd(const MethodSetup& s) { return build(s, false); }
MethodInstance build_signum(const MethodSetup& s) { return build(s, true); }

MethodEntry make_entry(bool signum) {
  MethodEntry e;
  e.name = signum ? "signum_mv" : "signsgd_mv";
  e.doc = signum ? "Signum with majority vote: workers send sign(momentum), the server broadcasts the vote"
                 : "signSGD with majority vote: workers send sign(g), the server broadcasts sign(sum of signs)";
  e.paper = signum ? "Bernstein, Zhao, Azizzadenesheli, Anandkumar, ICLR 2019 (Signum, majority vote)"
                   : "Bernstein, Wang, Azizzadenesheli, Anandkumar, ICML 2018, Alg. 1, Thm 1/2";
  e.params = option_docs(kFields);
  if (signum) e.params.push_back(option_docs(kBetaField)[0]);
  e.params.insert(e.params.begin(), kStepsizeParam);
  e.params.insert(e.params.end(), kScheduleParams.begin(), kScheduleParams.end());
  e.uses_compressor = false;
  e.default_compressor = "identity";
  e.build = signum ? &build_signum : &build_signsgd;
  TheoremCard& c = e.card;
  c.paper = e.paper;
  c.theorem = signum ? "Signum with majority vote (recalled, low confidence); majority-vote identity exact"
                     : "Thm 1 (signSGD), Thm 2 (majority vote), recalled, low confidence; majority-vote identity exact";
  c.provenance = Provenance::paper_recalled;
  c.setting = "coordinate-wise smoothness vector L; variance vector sigma; minibatch K; majority vote: unimodal "
              "symmetric gradient noise";
  c.stepsize_rule = "eta = 1/sqrt(||L||_1 K) (Thm 1); the commopt default 1/(L d) is a heuristic";
  c.bound = "E[(1/K) sum_k ||g_k||_1]^2 <= (1/K)[sqrt(||L||_1)(f_0 - f* + 1/2) + 2||sigma||_1]^2; majority vote of "
            "M workers: the same with 2||sigma||_1/sqrt(M)";
  c.potential = "";
  c.notes = "binding check: x^{t+1} = x^t - eta_t sign(sum_i sign(m_i)), the vote recomputed from the problem's "
            "gradients; power: the tie=plus run breaks the tie=zero identity";
  e.check.run_checks = false;
  // The defaults, and a step decay inside the checked rounds (signSGD: with the 1-bit conventions).
  e.check.runs = {{"", ""},
                  {e.name + (signum ? "[" : "[zero=plus,tie=plus,") + "schedule=step[at=20,factor=0.5]]", ""}};
  e.check.extra = {"majority-vote"};
  return e;
}

}  // namespace

MethodEntry signsgd_mv_entry() { return make_entry(false); }
MethodEntry signum_mv_entry() { return make_entry(true); }

}  // namespace commopt
