// PermK (Szlendak et al. 2022; dasha-family.md §2); definition and format in permk.hpp.
#include "compress/permk.hpp"

#include <fmt/format.h>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "compress/entries.hpp"
#include "compress/params.hpp"
#include "compress/select.hpp"
#include "compress/sparse_coding.hpp"

namespace commopt {

namespace {
void fisher_yates(std::vector<int>& a, Rng& rng) {
  std::iota(a.begin(), a.end(), 0);
  for (std::size_t i = a.size(); i > 1; --i) {
    const auto j = static_cast<std::size_t>(rng.below(i));
    std::swap(a[i - 1], a[j]);
  }
}
}  // namespace

PermKCompressor::PermKCompressor(int d, const CompressorContext& ctx, ValueCodec codec)
    : Compressor(d, codec), worker_(ctx.worker), n_(ctx.workers),
      worker_perm_(static_cast<std::size_t>(ctx.workers)),
      coord_perm_(d >= ctx.workers ? static_cast<std::size_t>(d) : 0) {
  if (n_ < 1 || worker_ < 0 || worker_ >= n_)
    throw std::logic_error(fmt::format("permk: worker {} of {} workers", worker_, n_));
}

std::string PermKCompressor::name() const { return fmt::format("permk[n={}]", n_); }

void PermKCompressor::prepare(std::uint64_t key) const {
  if (cached_ && key == key_) return;
  Rng rng = shared_substream(key, kServer);
  fisher_yates(worker_perm_, rng);
  if (d_ >= n_) fisher_yates(coord_perm_, rng);
  key_ = key;
  cached_ = true;
}

PermKCompressor::Part PermKCompressor::part_of(int worker) const {
  const int p = worker_perm_[static_cast<std::size_t>(worker)];
  if (d_ >= n_) {
    const int q = d_ / n_, r = d_ % n_;
    return {p * q + std::min(p, r), q + (p < r ? 1 : 0), static_cast<double>(n_)};
  }
  const int q = n_ / d_, r = n_ % d_;  // coordinate j holds q + [j < r] positions
  const int j = p < r * (q + 1) ? p / (q + 1) : r + (p - r * (q + 1)) / q;
  return {j, 1, static_cast<double>(n_) / (q + (j < r ? 1 : 0))};
}

void PermKCompressor::compress(const Vec& x, Rng& rng, Message& out) const {
  check_input_size(x, d_, "permk");
  out.shared_key = rng.key();
  out.sender = worker_;
  prepare(out.shared_key);
  const Part part = part_of(worker_);
  BitWriter w(out.bytes);
  if (d_ >= n_) {
    const double* v = x.data();
    const int* perm = coord_perm_.data() + part.begin;
    const double s = part.scale;
    w.put_values(codec_.bits, static_cast<std::size_t>(part.size), [v, perm, s](std::size_t j) { return s * v[perm[j]]; });
  } else {
    codec_.put(w, part.scale * x[part.begin]);
  }
  out.bits = w.bits();
  out.sent = true;
  out.index_coding = IndexCoding::none;
}

void PermKCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  if (!m.sent) return;
  check_input_size(acc, d_, "permk");
  if (m.sender < 0 || m.sender >= n_)
    throw std::logic_error(fmt::format("permk: message from worker {}, but this instance knows {} workers",
                                       m.sender, n_));
  prepare(m.shared_key);
  const Part part = part_of(m.sender);
  check_message_bits(m, static_cast<std::uint64_t>(part.size) * codec_.bits, "permk");
  BitReader r = m.reader();
  if (d_ >= n_) {
    for (int p = part.begin; p < part.begin + part.size; ++p)
      acc[coord_perm_[static_cast<std::size_t>(p)]] += scale * codec_.get(r);
  } else {
    acc[part.begin] += scale * codec_.get(r);
  }
}

CompressorConstants PermKCompressor::constants() const {
  CompressorConstants c;
  c.kind = CompressorConstants::Kind::unbiased;
  c.omega = d_ >= n_ ? n_ - 1.0 : static_cast<double>(n_) / (n_ / d_) - 1.0;
  c.random = true;
  return c;
}

// permk: no parameters (n is the number of workers); dasha-family.md §2 "PermK": (d/n)·b_v, no
// index bits — w⌊d/n⌋ or w⌈d/n⌉ when n ∤ d; one value when d < n.
CompressorEntry permk_entry() {
  return make_entry<PermKOptions>({
      .name = "permk",
      .doc = "PermK: a shared random permutation split into n parts, worker i keeps its part scaled by n",
      .params = {},
      .constant = "unbiased, omega = n - 1 (d >= n) or n/floor(n/d) - 1 (d < n); collectively A = B = 1",
      .flags = "random; shared stream; correlated across the n workers; no index bits",
      .examples = {"permk"},
      .parse = nullptr,
      .build = [](const PermKOptions&, int d, const ValueCodec& codec, const CompressorContext& ctx) -> CompressorPtr {
        return std::make_unique<PermKCompressor>(d, ctx, codec);
      },
      .expected_bits = [](const PermKOptions&, int d, int w, const CompressorContext& ctx) {
        using namespace closed_form;
        const std::int64_t n = ctx.workers;
        if (d < n) return exactly(u(w));
        return between(u(w) * u(d / n), u(w) * u((d + n - 1) / n));
      },
  });
}

}  // namespace commopt
