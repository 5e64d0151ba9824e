// GRBS (CSER, ef-local-lazy.md §2.5); definition and format in grbs.hpp.
#include "compress/grbs.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <memory>
#include <stdexcept>

#include "compress/entries.hpp"
#include "compress/params.hpp"
#include "compress/select.hpp"
#include "compress/sparse_coding.hpp"

namespace commopt {

GrbsCompressor::GrbsCompressor(int d, int block, ValueCodec codec) : Compressor(d, codec), block_(block) {
  if (block < 1 || block > d) throw std::logic_error(fmt::format("grbs: block {} outside [1, d={}]", block, d));
}

std::string GrbsCompressor::name() const { return fmt::format("grbs[k={}]", block_); }

std::pair<int, int> GrbsCompressor::block_of(std::uint64_t key) const {
  Rng rng = shared_substream(key, kServer);
  const auto b = static_cast<int>(rng.below(static_cast<std::uint64_t>(blocks())));
  const int first = b * block_;
  return {first, std::min(block_, d_ - first)};
}

void GrbsCompressor::compress(const Vec& x, Rng& rng, Message& out) const {
  check_input_size(x, d_, "grbs");
  out.shared_key = rng.key();
  const auto [first, size] = block_of(out.shared_key);
  BitWriter w(out.bytes);
  const double* v = x.data() + first;
  w.put_values(codec_.bits, static_cast<std::size_t>(size), [v](std::size_t i) { return v[i]; });
  out.bits = w.bits();
  out.sent = true;
  out.index_coding = IndexCoding::none;
}

void GrbsCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  if (!m.sent) return;
  check_input_size(acc, d_, "grbs");
  const auto [first, size] = block_of(m.shared_key);
  check_message_bits(m, static_cast<std::uint64_t>(size) * codec_.bits, "grbs");
  BitReader r = m.reader();
  double* a = acc.data() + first;
  r.get_values(codec_.bits, static_cast<std::size_t>(size), [a, scale](std::size_t i, double v) { a[i] += scale * v; });
}

CompressorConstants GrbsCompressor::constants() const {
  CompressorConstants c;
  c.kind = CompressorConstants::Kind::contractive;
  c.alpha = 1.0 / blocks();
  c.random = true;
  return c;
}

// grbs[k | ratio]; ef-local-lazy.md §1 "GRBS block (CSER), shared RNG": 32·#block, no index
// bits — w·K, or w·(d − (⌈d/K⌉ − 1)K) for the last, shorter block.
CompressorEntry grbs_entry() {
  return make_entry<GrbsOptions>({
      .name = "grbs",
      .doc = "globally random block sparsification (CSER): the same contiguous block of K on every worker",
      .params = {alternative_param("k", "(or ratio)", "block length, 1 <= k <= d"),
                 alternative_param("ratio", "(or k)",
                                   "kept fraction in (0,1] (= 1/compression ratio): K = max(1, round(ratio*d))")},
      .constant = "contractive, alpha = 1/N_blocks, N_blocks = ceil(d/K) (in expectation)",
      .flags = "random; shared stream (same block on every worker); no index bits",
      .examples = {"grbs[k=4]", "grbs[ratio=0.5]"},
      .parse = [](const Spec& spec, int d, const CompressorContext&) { return GrbsOptions{resolve_sparse_k(spec, d)}; },
      .build = [](const GrbsOptions& o, int d, const ValueCodec& codec, const CompressorContext&) -> CompressorPtr {
        return std::make_unique<GrbsCompressor>(d, o.k, codec);
      },
      .expected_bits = [](const GrbsOptions& o, int d, int w, const CompressorContext&) {
        using namespace closed_form;
        const std::int64_t blocks = (d + o.k - 1) / o.k;
        return between(u(w) * u(d - (blocks - 1) * o.k), u(w) * u(o.k));
      },
  });
}

}  // namespace commopt
