// qtopk, qrandk, signtopk, signrandk (Qsparse Lemmas 1 and 2, ef-local-lazy.md §2.3); format in
// qsparse.hpp.
#include "compress/qsparse.hpp"

#include <cmath>
#include <fmt/format.h>
#include <memory>
#include <stdexcept>

#include "compress/entries.hpp"
#include "compress/params.hpp"
#include "compress/quantize.hpp"
#include "compress/select.hpp"
#include "compress/sign.hpp"
#include "compress/sparse_coding.hpp"

namespace commopt {

QSparseCompressor::QSparseCompressor(int d, int k, Select select, int s, bool zero_negative, ValueCodec codec)
    : Compressor(d, codec), k_(k), select_(select), s_(s), zero_negative_(zero_negative),
      keys_(select == Select::top ? static_cast<std::size_t>(d) : 0),
      chosen_(select == Select::rand ? static_cast<std::size_t>(d) : 0, 0),
      idx_(static_cast<std::size_t>(k)), vals_(static_cast<std::size_t>(k)) {
  if (k < 1 || k > d) throw std::logic_error(fmt::format("qsparse: k={} outside [1, d={}]", k, d));
  if (s < 0) throw std::logic_error(fmt::format("qsparse: s={} < 0", s));
}

std::string QSparseCompressor::name() const {
  const char* sel = select_ == Select::top ? "topk" : "randk";
  if (s_ > 0) return fmt::format("q{}[k={},s={}]", sel, k_, s_);
  return fmt::format("sign{}[k={}{}]", sel, k_, zero_negative_ ? ",zero=minus" : "");
}

double QSparseCompressor::beta() const {
  if (s_ == 0) return 0.0;
  const double k = k_, s = s_;
  return std::min(k / (s * s), std::sqrt(k) / s);
}

void QSparseCompressor::compress(const Vec& x, Rng& rng, Message& out) const {
  check_input_size(x, d_, "qsparse");
  if (select_ == Select::top) {
    select_topk(x, keys_, idx_);
  } else {
    select_randk(d_, rng, chosen_, idx_);
  }
  for (std::size_t j = 0; j < idx_.size(); ++j) vals_[j] = x[idx_[j]];
  BitWriter w(out.bytes);
  out.index_coding = put_sparse_index_section(idx_, d_, w);
  if (s_ > 0) {
    const double n_hat = sendable_norm_up(quant_norm(vals_.data(), vals_.size(), QuantNorm::l2), codec_);
    codec_.put(w, n_hat);
    out.bits = put_dithered_fixed(vals_.data(), vals_.size(), n_hat, s_, rng, out.bytes, w.bits());
  } else {
    codec_.put(w, mean_abs(vals_.data(), k_));
    put_sign_bits(vals_.data(), k_, zero_negative_, w);
    out.bits = w.bits();
  }
  out.sent = true;
}

void QSparseCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  if (!m.sent) return;
  const int code = s_ > 0 ? 1 + level_bits(s_) : 1;
  const std::uint64_t index_section = sparse_index_section_bits(k_, d_);
  check_message_bits(m, index_section + static_cast<std::uint64_t>(codec_.bits) + static_cast<std::uint64_t>(k_) * code,
                     "qsparse");
  check_input_size(acc, d_, "qsparse");
  BitReader r = m.reader();
  get_sparse_index_section(r, k_, d_, idx_, "qsparse");
  const double value = codec_.get(r);
  if (s_ > 0) {
    const double unit = scale * value / (s_ * (1.0 + beta()));
    get_dithered_fixed(m, r.position(), idx_.size(), unit, s_, [&](std::size_t j, double v) { acc[idx_[j]] += v; });
    return;
  }
  const double v = scale * value;
  const double signed_v[2] = {v, -v};  // indexed by the sign bit: branch-free on random signs
  for (int base = 0; base < k_; base += 64) {
    const int n = std::min(64, k_ - base);
    const std::uint64_t word = r.get(n);
    for (int j = 0; j < n; ++j) acc[idx_[static_cast<std::size_t>(base + j)]] += signed_v[(word >> j) & 1u];
  }
}

CompressorConstants QSparseCompressor::constants() const {
  CompressorConstants c;
  c.kind = CompressorConstants::Kind::contractive;
  c.alpha = s_ > 0 ? static_cast<double>(k_) / (d_ * (1.0 + beta())) : 1.0 / d_;
  c.random = select_ == Select::rand || s_ > 0;
  return c;
}

// The four Qsparse entries; ef-local-lazy.md §1 "QTop_k": k(1 + ⌈log2(s+1)⌉ + ⌈log2 d⌉) + 32
// and "SignTopK": k(1 + ⌈log2 d⌉) + 32, with the index part min(K⌈log2 d⌉, d) (list or bitmap) and
// the one value at width w.
namespace {
using Select = QSparseCompressor::Select;

QSparseOptions parse_q(const Spec& spec, int d, const CompressorContext&) {
  QSparseOptions o;
  o.k = resolve_sparse_k(spec, d);
  o.s = resolve_required_int(spec, "s", 1, kMaxQuantLevels, spec.name() + "[k=10,s=16]");
  return o;
}
SignSparseOptions parse_sign(const Spec& spec, int d, const CompressorContext&) {
  SignSparseOptions o;
  o.k = resolve_sparse_k(spec, d);
  o.zero_negative = zero_choices().parse(spec, "zero", o.zero_negative);
  return o;
}
template <Select S>
CompressorPtr build_q(const QSparseOptions& o, int d, const ValueCodec& codec, const CompressorContext&) {
  return std::make_unique<QSparseCompressor>(d, o.k, S, o.s, false, codec);
}
template <Select S>
CompressorPtr build_sign(const SignSparseOptions& o, int d, const ValueCodec& codec, const CompressorContext&) {
  return std::make_unique<QSparseCompressor>(d, o.k, S, 0, o.zero_negative, codec);
}
std::optional<BitsRange> q_bits(const QSparseOptions& o, int d, int w, const CompressorContext&) {
  using namespace closed_form;
  return exactly(sparse_index(o.k, d) + u(w) + u(o.k) * sign_and_level(o.s));
}
std::optional<BitsRange> sign_bits(const SignSparseOptions& o, int d, int w, const CompressorContext&) {
  using namespace closed_form;
  return exactly(sparse_index(o.k, d) + u(w) + u(o.k));
}
std::vector<ParamDoc> q_params() {
  return concat(sparse_params(), {required_param("s", "number of quantization levels, 1 <= s <= 2^30")});
}
std::vector<ParamDoc> sign_params() { return concat(sparse_params(), {zero_param(&SignSparseOptions::zero_negative)}); }
}  // namespace

CompressorEntry qtopk_entry() {
  return make_entry<QSparseOptions>({
      .name = "qtopk",
      .doc = "QSGD on the TopK values, scaled 1/(1+beta) (Qsparse Lemma 1)",
      .params = q_params(),
      .constant = "contractive, alpha = K/(d(1+beta)), beta = min(K/s^2, sqrt(K)/s)",
      .flags = "random",
      .examples = {"qtopk[k=3,s=4]"},
      .parse = parse_q,
      .build = build_q<Select::top>,
      .expected_bits = q_bits,
  });
}

CompressorEntry qrandk_entry() {
  return make_entry<QSparseOptions>({
      .name = "qrandk",
      .doc = "QSGD on K random (unscaled) values, scaled 1/(1+beta) (Qsparse Lemma 1)",
      .params = q_params(),
      .constant = "contractive, alpha = K/(d(1+beta)) in expectation, beta = min(K/s^2, sqrt(K)/s)",
      .flags = "random",
      .examples = {"qrandk[ratio=0.5,s=2]"},
      .parse = parse_q,
      .build = build_q<Select::rand>,
      .expected_bits = q_bits,
  });
}

CompressorEntry signtopk_entry() {
  return make_entry<SignSparseOptions>({
      .name = "signtopk",
      .doc = "(||y||_1/K) sign(y), y = TopK(x) (Qsparse Lemma 2)",
      .params = sign_params(),
      .constant = "contractive, alpha = 1/d (gamma(x) = ||y||_1^2/(K ||x||^2))",
      .flags = "deterministic",
      .examples = {"signtopk[k=3]"},
      .parse = parse_sign,
      .build = build_sign<Select::top>,
      .expected_bits = sign_bits,
  });
}

CompressorEntry signrandk_entry() {
  return make_entry<SignSparseOptions>({
      .name = "signrandk",
      .doc = "(||y||_1/K) sign(y), y = RandK(x) unscaled (Qsparse Lemma 2)",
      .params = sign_params(),
      .constant = "contractive, alpha = 1/d in expectation",
      .flags = "random",
      .examples = {"signrandk[k=3,zero=minus]"},
      .parse = parse_sign,
      .build = build_sign<Select::rand>,
      .expected_bits = sign_bits,
  });
}

}  // namespace commopt
