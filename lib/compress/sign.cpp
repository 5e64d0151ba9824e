// sign and block_sign (ef-local-lazy.md §2.4, §10.1, §13); formats in sign.hpp.
#include "compress/sign.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <memory>
#include <numeric>
#include <stdexcept>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "compress/entries.hpp"
#include "compress/params.hpp"
#include "compress/sparse_coding.hpp"

namespace commopt {

double mean_abs(const double* x, int n) {
  double l1 = 0.0;
  for (int i = 0; i < n; ++i) l1 += std::fabs(x[i]);
  if (!std::isinf(l1)) return l1 / n;
  double scaled = 0.0;
  for (int i = 0; i < n; ++i) {
    if (!std::isfinite(x[i])) return l1 / n;  // a genuinely infinite entry
    scaled += std::fabs(x[i]) / n;
  }
  return scaled;
}

namespace {

// Bit j of the result = 1 iff x[j] is sent as −1 (x[j] < 0, or <= 0 with zero=minus; NaN: 0), j < m.
std::uint64_t sign_word(const double* x, int m, bool zero_negative) {
  std::uint64_t word = 0;
#if defined(__SSE2__)
  if (m == 64) {  // two comparisons per instruction, their mask bits moved out at once
    const __m128d zero = _mm_setzero_pd();
    for (int j = 0; j < 64; j += 2) {
      const __m128d v = _mm_loadu_pd(x + j);
      const __m128d neg = zero_negative ? _mm_cmple_pd(v, zero) : _mm_cmplt_pd(v, zero);  // ordered: NaN -> 0
      word |= static_cast<std::uint64_t>(_mm_movemask_pd(neg)) << j;
    }
    return word;
  }
#endif
  if (zero_negative) {
    for (int j = 0; j < m; ++j) word |= static_cast<std::uint64_t>(x[j] <= 0.0) << j;
  } else {
    for (int j = 0; j < m; ++j) word |= static_cast<std::uint64_t>(x[j] < 0.0) << j;
  }
  return word;
}

// acc[j] += (bit j of word ? −v : v) for j < m: the sum a per-bit loop would form.
void add_sign_word(std::uint64_t word, int m, double v, double* acc) {
  int j = 0;
#if defined(__SSE2__)
  // Two coordinates per add: the pair of signed values indexed by two bits of the word.
  const __m128d pairs[4] = {_mm_set_pd(v, v), _mm_set_pd(v, -v), _mm_set_pd(-v, v), _mm_set_pd(-v, -v)};
  for (; j + 2 <= m; j += 2)
    _mm_storeu_pd(acc + j, _mm_add_pd(_mm_loadu_pd(acc + j), pairs[(word >> j) & 3u]));
#endif
  const double signed_v[2] = {v, -v};  // indexed by the sign bit: branch-free on random signs
  for (; j < m; ++j) acc[j] += signed_v[(word >> j) & 1u];
}

}  // namespace

void add_sign_bits(BitReader& r, int n, double v, double* acc) {
  for (int base = 0; base < n; base += 64) {
    const int m = std::min(64, n - base);
    add_sign_word(r.get(m), m, v, acc + base);
  }
}

void put_sign_bits(const double* x, int n, bool zero_negative, BitWriter& w) {
  for (int base = 0; base < n; base += 64) {
    const int m = std::min(64, n - base);
    w.put(sign_word(x + base, m, zero_negative), m);
  }
}

std::vector<int> equal_blocks(int d, int blocks) {
  std::vector<int> sizes(static_cast<std::size_t>(blocks), d / blocks);
  for (int b = 0; b < d % blocks; ++b) ++sizes[static_cast<std::size_t>(b)];
  return sizes;
}

std::vector<int> sized_blocks(int d, int block_size) {
  std::vector<int> sizes(static_cast<std::size_t>((d + block_size - 1) / block_size), block_size);
  sizes.back() = d - (static_cast<int>(sizes.size()) - 1) * block_size;
  return sizes;
}

std::string SignCompressor::name() const { return zero_negative_ ? "sign[zero=minus]" : "sign"; }

void SignCompressor::compress(const Vec& x, Rng& /*rng*/, Message& out) const {
  check_input_size(x, d_, "sign");
  BitWriter w(out.bytes);
  put_sign_bits(x.data(), d_, zero_negative_, w);
  out.bits = w.bits();
  out.sent = true;
  out.index_coding = IndexCoding::none;
}

void SignCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  if (!m.sent) return;
  check_message_bits(m, static_cast<std::uint64_t>(d_), "sign");
  check_input_size(acc, d_, "sign");
  BitReader r = m.reader();
  add_sign_bits(r, d_, scale, acc.data());
}

CompressorConstants SignCompressor::constants() const { return CompressorConstants{}; }

BlockSignCompressor::BlockSignCompressor(std::vector<int> sizes, bool zero_negative, ValueCodec codec)
    : Compressor(std::accumulate(sizes.begin(), sizes.end(), 0), codec), sizes_(std::move(sizes)),
      zero_negative_(zero_negative) {
  if (sizes_.empty() || *std::min_element(sizes_.begin(), sizes_.end()) < 1)
    throw std::logic_error("block_sign: needs at least one block, every block of size >= 1");
}

std::string BlockSignCompressor::name() const {
  return fmt::format("block_sign[blocks={}{}]", sizes_.size(), zero_negative_ ? ",zero=minus" : "");
}

void BlockSignCompressor::compress(const Vec& x, Rng& /*rng*/, Message& out) const {
  check_input_size(x, d_, "block_sign");
  BitWriter w(out.bytes);
  int begin = 0;
  for (int n : sizes_) {
    codec_.put(w, mean_abs(x.data() + begin, n));
    begin += n;
  }
  put_sign_bits(x.data(), d_, zero_negative_, w);
  out.bits = w.bits();
  out.sent = true;
  out.index_coding = IndexCoding::none;
}

void BlockSignCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  if (!m.sent) return;
  check_message_bits(m, static_cast<std::uint64_t>(d_) + sizes_.size() * static_cast<std::uint64_t>(codec_.bits),
                     "block_sign");
  check_input_size(acc, d_, "block_sign");
  BitReader scales = m.reader();
  BitReader signs = m.reader();
  signs.skip(sizes_.size() * static_cast<std::uint64_t>(codec_.bits));
  int begin = 0;
  for (int n : sizes_) {
    add_sign_bits(signs, n, scale * codec_.get(scales), acc.data() + begin);
    begin += n;
  }
}

CompressorConstants BlockSignCompressor::constants() const {
  CompressorConstants c;
  c.kind = CompressorConstants::Kind::contractive;
  c.alpha = 1.0 / *std::max_element(sizes_.begin(), sizes_.end());
  c.random = false;
  return c;
}

// sign[zero]: ef-local-lazy.md §1 "majority vote (signSGD)": d bits.
CompressorEntry sign_entry() {
  return make_entry<SignOptions>({
      .name = "sign",
      .doc = "sign(x), one bit per coordinate, decoded as +-1 (signSGD)",
      .params = {zero_param(&SignOptions::zero_negative)},
      .constant = "none (not unbiased, not a contraction)",
      .flags = "deterministic",
      .examples = {"sign", "sign[zero=minus]"},
      .parse = [](const Spec& spec, int, const CompressorContext&) {
        SignOptions o;
        o.zero_negative = zero_choices().parse(spec, "zero", o.zero_negative);
        return o;
      },
      .build = [](const SignOptions& o, int d, const ValueCodec& codec, const CompressorContext&) -> CompressorPtr {
        return std::make_unique<SignCompressor>(d, o.zero_negative, codec);
      },
      .expected_bits = [](const SignOptions&, int d, int, const CompressorContext&) {
        return closed_form::exactly(closed_form::u(d));
      },
  });
}

// block_sign[blocks | block_size, zero]; ef-local-lazy.md §1 "blockwise scaled sign, B blocks":
// d + 32B (one scale per block at width w).
namespace {
BlockSignOptions parse_block_sign(const Spec& spec, int d, const CompressorContext& ctx) {
  BlockSignOptions o;
  const bool has_b = spec.has("blocks"), has_s = spec.has("block_size");
  if (has_b && has_s)
    throw UsageError(fmt::format("{} gives both blocks and block_size; give one, e.g. block_sign[blocks=4]",
                                 compressor_where(spec)));
  if (has_b) o.blocks = resolve_int(spec, "blocks", 1, 1, d, "block_sign[blocks=4]");
  if (has_s) o.block_size = resolve_int(spec, "block_size", 1, 1, d, "block_sign[block_size=1000]");
  if (!has_b && !has_s) {
    if (ctx.blocks.empty())
      throw UsageError(fmt::format("{} needs blocks or block_size (the problem declares no parameter blocks), "
                                   "e.g. block_sign[blocks=4]", compressor_where(spec)));
    if (std::accumulate(ctx.blocks.begin(), ctx.blocks.end(), 0LL) != d)
      throw std::logic_error(fmt::format("block_sign: the context's blocks do not sum to d={}", d));
  }
  o.zero_negative = zero_choices().parse(spec, "zero", o.zero_negative);
  return o;
}
}  // namespace

CompressorEntry block_sign_entry() {
  return make_entry<BlockSignOptions>({
      .name = "block_sign",
      .doc = "blockwise scaled sign (dist-EF-BlockSGD): one scale per block + d sign bits",
      .params = {alternative_param("blocks", "(or block_size)",
                                   "B equal blocks, 1 <= B <= d (default: the problem's parameter blocks)"),
                 alternative_param("block_size", "(or blocks)", "blocks of this size, the last one shorter"),
                 zero_param(&BlockSignOptions::zero_negative)},
      .constant = "contractive, alpha = 1/max_b d_b",
      .flags = "deterministic",
      .examples = {"block_sign[blocks=3]", "block_sign[block_size=4]"},
      .parse = parse_block_sign,
      .build = [](const BlockSignOptions& o, int d, const ValueCodec& codec, const CompressorContext& ctx) -> CompressorPtr {
        std::vector<int> sizes = o.blocks > 0 ? equal_blocks(d, o.blocks)
                                 : o.block_size > 0 ? sized_blocks(d, o.block_size)
                                                    : ctx.blocks;
        return std::make_unique<BlockSignCompressor>(std::move(sizes), o.zero_negative, codec);
      },
      .expected_bits = [](const BlockSignOptions& o, int d, int w, const CompressorContext& ctx) {
        using namespace closed_form;
        const std::int64_t b = o.blocks > 0 ? o.blocks
                               : o.block_size > 0 ? (d + o.block_size - 1) / o.block_size
                                                  : static_cast<std::int64_t>(ctx.blocks.size());
        return exactly(u(d) + u(b) * u(w));
      },
  });
}

}  // namespace commopt
