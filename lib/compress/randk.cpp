// RandK, shared-seed RandK and unscaled RandK (dasha-family.md §2, ef-local-lazy.md §2.1); wire
// formats in randk.hpp.
#include "compress/randk.hpp"

#include <fmt/format.h>
#include <stdexcept>

#include "compress/select.hpp"
#include "compress/sparse_coding.hpp"

namespace commopt {

RandKCompressor::RandKCompressor(int d, int k, ValueCodec codec, Options opts)
    : Compressor(d, codec),
      k_(k),
      opts_(opts),
      chosen_(static_cast<std::size_t>(d), 0),
      idx_(static_cast<std::size_t>(k)) {
  if (k < 1 || k > d) throw std::logic_error(fmt::format("randk: k={} outside [1, d={}]", k, d));
}

std::string RandKCompressor::name() const {
  if (!opts_.scaled) return fmt::format("randk_biased[k={}]", k_);
  return opts_.shared_seed ? fmt::format("randk[k={},shared_seed=true]", k_) : fmt::format("randk[k={}]", k_);
}

void RandKCompressor::compress(const Vec& x, Rng& rng, Message& out) const {
  check_input_size(x, d_, "randk");
  if (!opts_.shared_seed) {
    select_randk(d_, rng, chosen_, idx_);
    encode_sparse(idx_, x, value_scale(), d_, codec_, out);
    return;
  }
  out.shared_key = rng.key();
  out.sender = opts_.worker;
  Rng sub = shared_substream(out.shared_key, out.sender);
  select_randk(d_, sub, chosen_, idx_);
  BitWriter w(out.bytes);
  const double s = value_scale();
  for (int i : idx_) codec_.put(w, s * x[i]);
  out.bits = w.bits();
  out.sent = true;
  out.index_coding = IndexCoding::none;
}

void RandKCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  if (!opts_.shared_seed) {
    add_sparse(m, k_, d_, codec_, scale, acc, "randk");
    return;
  }
  if (!m.sent) return;
  check_input_size(acc, d_, "randk");
  check_message_bits(m, static_cast<std::uint64_t>(k_) * codec_.bits, "randk[shared_seed=true]");
  Rng sub = shared_substream(m.shared_key, m.sender);
  select_randk(d_, sub, chosen_, idx_);
  BitReader r = m.reader();
  for (int i : idx_) acc[i] += scale * codec_.get(r);
}

CompressorConstants RandKCompressor::constants() const {
  CompressorConstants c;
  if (opts_.scaled) {
    c.kind = CompressorConstants::Kind::unbiased;
    c.omega = static_cast<double>(d_) / k_ - 1.0;
  } else {
    c.kind = CompressorConstants::Kind::contractive;
    c.alpha = static_cast<double>(k_) / d_;
  }
  c.random = true;
  return c;
}

}  // namespace commopt
