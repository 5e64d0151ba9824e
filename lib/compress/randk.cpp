// RandK, shared-seed RandK and unscaled RandK (dasha-family.md §2, ef-local-lazy.md §2.1); wire
// formats in randk.hpp.
#include "compress/randk.hpp"

#include <fmt/format.h>
#include <memory>
#include <stdexcept>

#include "compress/entries.hpp"
#include "compress/params.hpp"
#include "compress/select.hpp"
#include "compress/sparse_coding.hpp"

namespace commopt {

RandKCompressor::RandKCompressor(int d, const RandKOptions& opts, ValueCodec codec, int worker)
    : RandKCompressor(d, opts.k, true, opts.shared_seed, worker, codec) {}

RandKCompressor::RandKCompressor(int d, const RandKBiasedOptions& opts, ValueCodec codec)
    : RandKCompressor(d, opts.k, false, false, 0, codec) {}

RandKCompressor::RandKCompressor(int d, int k, bool scaled, bool shared_seed, int worker, ValueCodec codec)
    : Compressor(d, codec),
      k_(k),
      scaled_(scaled),
      shared_seed_(shared_seed),
      worker_(worker),
      chosen_(static_cast<std::size_t>(d), 0),
      idx_(static_cast<std::size_t>(k)) {
  if (k < 1 || k > d) throw std::logic_error(fmt::format("randk: k={} outside [1, d={}]", k, d));
}

std::string RandKCompressor::name() const {
  if (!scaled_) return fmt::format("randk_biased[k={}]", k_);
  return shared_seed_ ? fmt::format("randk[k={},shared_seed=true]", k_) : fmt::format("randk[k={}]", k_);
}

void RandKCompressor::compress(const Vec& x, Rng& rng, Message& out) const {
  check_input_size(x, d_, "randk");
  if (!shared_seed_) {
    select_randk(d_, rng, chosen_, idx_);
    encode_sparse(idx_, x, value_scale(), d_, codec_, out);
    return;
  }
  out.shared_key = rng.key();
  out.sender = worker_;
  Rng sub = shared_substream(out.shared_key, out.sender);
  select_randk(d_, sub, chosen_, idx_);
  BitWriter w(out.bytes);
  const double s = value_scale();
  const double* v = x.data();
  const int* idx = idx_.data();
  w.put_values(codec_.bits, idx_.size(), [v, idx, s](std::size_t j) { return s * v[idx[j]]; });
  out.bits = w.bits();
  out.sent = true;
  out.index_coding = IndexCoding::none;
}

void RandKCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  if (!shared_seed_) {
    add_sparse(m, k_, d_, codec_, scale, acc, "randk");
    return;
  }
  if (!m.sent) return;
  check_input_size(acc, d_, "randk");
  check_message_bits(m, static_cast<std::uint64_t>(k_) * codec_.bits, "randk[shared_seed=true]");
  Rng sub = shared_substream(m.shared_key, m.sender);
  select_randk(d_, sub, chosen_, idx_);
  BitReader r = m.reader();
  double* a = acc.data();
  const int* idx = idx_.data();
  r.get_values(codec_.bits, idx_.size(), [a, idx, scale](std::size_t j, double v) { a[idx[j]] += scale * v; });
}

CompressorConstants RandKCompressor::constants() const {
  CompressorConstants c;
  if (scaled_) {
    c.kind = CompressorConstants::Kind::unbiased;
    c.omega = static_cast<double>(d_) / k_ - 1.0;
  } else {
    c.kind = CompressorConstants::Kind::contractive;
    c.alpha = static_cast<double>(k_) / d_;
  }
  c.random = true;
  return c;
}

// randk[k | ratio, shared_seed] and randk_biased[k | ratio]; dasha-family.md §2 "RandK": K·b_v
// values + index bits: none with the shared seed, else min(K⌈log2 d⌉, d) (list or bitmask).
CompressorEntry randk_entry() {
  return make_entry<RandKOptions>({
      .name = "randk",
      .doc = "K uniformly random coordinates scaled by d/K; indices sent, or drawn from the shared seed",
      .params = concat(sparse_params(), {param("shared_seed", &RandKOptions::shared_seed,
                                               "true: subset from the shared stream, no index bits")}),
      .constant = "unbiased, omega = d/K - 1",
      .flags = "random; shared_seed=true: shared stream, independent subsets per worker",
      .examples = {"randk[k=3]", "randk[k=3,shared_seed=true]", "randk[ratio=0.5]"},
      .parse = [](const Spec& spec, int d, const CompressorContext&) {
        RandKOptions o;
        o.k = resolve_sparse_k(spec, d);
        o.shared_seed = spec.get_bool("shared_seed", o.shared_seed);
        return o;
      },
      .build = [](const RandKOptions& o, int d, const ValueCodec& codec, const CompressorContext& ctx) -> CompressorPtr {
        return std::make_unique<RandKCompressor>(d, o, codec, ctx.worker);
      },
      .expected_bits = [](const RandKOptions& o, int d, int w, const CompressorContext&) {
        using namespace closed_form;
        return exactly(u(o.k) * u(w) + (o.shared_seed ? 0 : sparse_index(o.k, d)));
      },
  });
}

CompressorEntry randk_biased_entry() {
  return make_entry<RandKBiasedOptions>({
      .name = "randk_biased",
      .doc = "K uniformly random coordinates, unscaled; indices sent",
      .params = sparse_params(),
      .constant = "contractive, alpha = K/d (in expectation)",
      .flags = "random",
      .examples = {"randk_biased[k=3]"},
      .parse = [](const Spec& spec, int d, const CompressorContext&) {
        return RandKBiasedOptions{resolve_sparse_k(spec, d)};
      },
      .build = [](const RandKBiasedOptions& o, int d, const ValueCodec& codec,
                  const CompressorContext&) -> CompressorPtr { return std::make_unique<RandKCompressor>(d, o, codec); },
      .expected_bits = [](const RandKBiasedOptions& o, int d, int w, const CompressorContext&) {
        using namespace closed_form;
        return exactly(u(o.k) * u(w) + sparse_index(o.k, d));
      },
  });
}

}  // namespace commopt
