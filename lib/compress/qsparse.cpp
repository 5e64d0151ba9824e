// qtopk, qrandk, signtopk, signrandk (Qsparse Lemmas 1 and 2, ef-local-lazy.md §2.3); format in
// qsparse.hpp.
#include "compress/qsparse.hpp"

#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

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
  for (int base = 0; base < k_; base += 64) {
    const int n = std::min(64, k_ - base);
    const std::uint64_t word = r.get(n);
    for (int j = 0; j < n; ++j) acc[idx_[static_cast<std::size_t>(base + j)]] += (word >> j) & 1u ? -v : v;
  }
}

CompressorConstants QSparseCompressor::constants() const {
  CompressorConstants c;
  c.kind = CompressorConstants::Kind::contractive;
  c.alpha = s_ > 0 ? static_cast<double>(k_) / (d_ * (1.0 + beta())) : 1.0 / d_;
  c.random = select_ == Select::rand || s_ > 0;
  return c;
}

}  // namespace commopt
