// blockwise[of, blocks] (ef-local-lazy.md §13); definition and format in blockwise.hpp.
#include "compress/blockwise.hpp"

#include <algorithm>
#include <bit>
#include <fmt/format.h>
#include <limits>
#include <memory>
#include <numeric>
#include <stdexcept>

#include "compress/entries.hpp"
#include "compress/params.hpp"
#include "compress/quantize.hpp"
#include "compress/sign.hpp"
#include "compress/sparse_coding.hpp"

namespace commopt {

namespace {

constexpr std::uint64_t kNotSent = std::numeric_limits<std::uint64_t>::max();

CompressorContext block_context(const CompressorContext& ctx, int size) { return {ctx.worker, ctx.workers, {size}}; }

// The inner's closed-form message size for each block (nullopt: data-dependent).
std::vector<std::optional<BitsRange>> block_ranges(const Spec& inner, const std::vector<int>& sizes, int w,
                                                   const CompressorContext& ctx) {
  std::vector<std::optional<BitsRange>> out;
  for (int s : sizes) {
    const CompressorContext c = block_context(ctx, s);
    const ParsedCompressor p = parse_compressor(inner, s, w, c);
    out.push_back(p.entry->expected_bits(p.options, s, w, c));
  }
  return out;
}

bool all_fixed(const std::vector<std::optional<BitsRange>>& r) {
  return std::all_of(r.begin(), r.end(), [](const auto& b) { return b && b->fixed(); });
}

// Appends the next n bits of r to w, 56 at a time.
void copy_bits(BitReader& r, std::uint64_t n, BitWriter& w) {
  for (; n >= 56; n -= 56) w.put(r.get(56), 56);
  if (n > 0) w.put(r.get(static_cast<int>(n)), static_cast<int>(n));
}

}  // namespace

BlockwiseCompressor::BlockwiseCompressor(const Spec& inner, std::vector<int> sizes, ValueCodec codec,
                                         const CompressorContext& ctx)
    : Compressor(std::accumulate(sizes.begin(), sizes.end(), 0), codec), inner_text_(inner.str()),
      sizes_(std::move(sizes)), worker_(ctx.worker) {
  if (sizes_.empty() || *std::min_element(sizes_.begin(), sizes_.end()) < 1)
    throw std::logic_error("blockwise: needs at least one block, every block of size >= 1");
  const auto ranges = block_ranges(inner, sizes_, codec.bits, ctx);
  lengths_ = !all_fixed(ranges);
  int offset = 0;
  for (std::size_t b = 0; b < sizes_.size(); ++b) {
    offsets_.push_back(offset);
    offset += sizes_[b];
    inner_.push_back(make_compressor(inner, sizes_[b], codec.bits, block_context(ctx, sizes_[b])));
    fixed_bits_.push_back(lengths_ ? 0 : ranges[b]->min);
    slice_.emplace_back(sizes_[b]);
  }
  shared_ = inner_.front()->needs_shared_randomness();
  parts_.resize(sizes_.size());
  len_.resize(sizes_.size());
}

std::string BlockwiseCompressor::name() const {
  return fmt::format("blockwise[blocks={},of={}]", sizes_.size(), inner_text_);
}

void BlockwiseCompressor::compress(const Vec& x, Rng& rng, Message& out) const {
  check_input_size(x, d_, "blockwise");
  const std::uint64_t key = shared_ ? rng.key() : 0;
  bool any = false;
  for (std::size_t b = 0; b < sizes_.size(); ++b) {
    slice_[b] = x.segment(offsets_[b], sizes_[b]);
    if (shared_) {
      Rng rb = block_stream(key, static_cast<int>(b));
      inner_[b]->compress(slice_[b], rb, parts_[b]);
    } else {
      inner_[b]->compress(slice_[b], rng, parts_[b]);  // the private stream advances block by block
    }
    any = any || parts_[b].sent;
    if (parts_[b].sent && !lengths_ && parts_[b].bits != fixed_bits_[b])
      throw std::logic_error(fmt::format("blockwise: block {} encoded {} bits, its fixed size is {}", b,
                                         parts_[b].bits, fixed_bits_[b]));
    if (parts_[b].sent && parts_[b].bits >= (std::uint64_t{1} << 32) - 1)
      throw std::logic_error("blockwise: a block message of 2^32 bits or more cannot be length-coded");
  }
  out.shared_key = key;
  out.sender = worker_;
  out.index_coding = IndexCoding::none;
  BitWriter w(out.bytes);
  out.sent = any;
  if (!any) {
    out.bits = 0;
    return;
  }
  for (const Message& p : parts_) {  // header
    if (lengths_) {
      put_elias_gamma(w, p.sent ? p.bits + 1 : 1);
    } else {
      w.put_bit(p.sent);
    }
  }
  for (const Message& p : parts_)
    if (p.sent) {
      BitReader r = p.reader();
      copy_bits(r, p.bits, w);
    }
  out.bits = w.bits();
}

void BlockwiseCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  if (!m.sent) return;
  check_input_size(acc, d_, "blockwise");
  BitReader r = m.reader();
  std::uint64_t total = 0;
  for (std::size_t b = 0; b < sizes_.size(); ++b) {
    if (lengths_) {
      if (r.position() >= m.bits) throw std::logic_error("blockwise: message shorter than its header");
      const std::uint64_t v = get_elias_gamma(r, m.bits);
      len_[b] = v == 1 ? kNotSent : v - 1;
    } else {
      if (r.position() >= m.bits) throw std::logic_error("blockwise: message shorter than its header");
      len_[b] = r.get_bit() ? fixed_bits_[b] : kNotSent;
    }
    if (len_[b] != kNotSent) total += len_[b];
  }
  if (r.position() + total != m.bits)
    throw std::logic_error(fmt::format("blockwise: message of {} bits, its header says {}", m.bits,
                                       r.position() + total));
  for (std::size_t b = 0; b < sizes_.size(); ++b) {
    if (len_[b] == kNotSent) continue;
    Message& p = parts_[b];
    BitWriter w(p.bytes);
    copy_bits(r, len_[b], w);
    p.bits = len_[b];
    p.sent = true;
    p.index_coding = IndexCoding::none;
    p.sender = m.sender;
    p.shared_key = shared_ ? block_stream(m.shared_key, static_cast<int>(b)).key() : 0;
    slice_[b] = acc.segment(offsets_[b], sizes_[b]);
    inner_[b]->add_decoded(p, scale, slice_[b]);
    acc.segment(offsets_[b], sizes_[b]) = slice_[b];
  }
}

CompressorConstants BlockwiseCompressor::constants() const {
  CompressorConstants c = inner_.front()->constants();
  for (const auto& in : inner_) {
    const CompressorConstants k = in->constants();
    c.random = c.random || k.random;
    if (k.kind != c.kind) c.kind = CompressorConstants::Kind::none;
    c.omega = std::max(c.omega, k.omega);
    c.alpha = std::min(c.alpha, k.alpha);
  }
  if (c.kind == CompressorConstants::Kind::none) {
    c.omega = 0;
    c.alpha = 1;
  }
  return c;
}

namespace {

BlockwiseOptions parse_blockwise(const Spec& spec, int d, const CompressorContext& ctx) {
  if (!spec.has("of"))
    throw UsageError(fmt::format("{} needs of=SPEC, the compressor applied to each block, e.g. "
                                 "blockwise[of=topk[ratio=0.01]]", compressor_where(spec)));
  BlockwiseOptions o;
  o.of = spec.get_string("of", "");
  const std::string blocks = spec.get_string("blocks", "problem");
  if (blocks == "problem") {
    if (!ctx.blocks.empty() && std::accumulate(ctx.blocks.begin(), ctx.blocks.end(), 0LL) != d)
      throw std::logic_error(fmt::format("blockwise: the context's blocks do not sum to d={}", d));
    o.sizes = ctx.blocks.empty() ? std::vector<int>{d} : ctx.blocks;
  } else {
    o.blocks = resolve_int(spec, "blocks", 1, 1, d, "blockwise[of=topk[k=10],blocks=4] or blocks=problem");
    o.sizes = equal_blocks(d, o.blocks);
  }
  const Spec inner = Spec::parse(o.of, spec.what());
  std::vector<int> distinct = o.sizes;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  for (int s : distinct) {
    try {
      (void)parse_compressor(inner, s, 32, block_context(ctx, s));
    } catch (const UsageError& e) {
      throw UsageError(fmt::format("{}: of={} does not fit a block of size {} ({}); use a spec valid for every "
                                   "block, e.g. ratio= instead of k=",
                                   compressor_where(spec), o.of, s, e.what()));
    }
  }
  return o;
}

}  // namespace

CompressorEntry blockwise_entry() {
  return make_entry<BlockwiseOptions>({
      .name = "blockwise",
      .doc = "the inner compressor applied to each parameter block separately (per tensor), one message",
      .params = {required_param("of", "the inner compressor spec, e.g. of=topk[ratio=0.01]"),
                 {"blocks", "problem", "problem (the problem's parameter blocks) or N equal blocks, 1 <= N <= d"}},
      .constant = "the worst block's: contractive alpha = min_b alpha_b, unbiased omega = max_b omega_b",
      .flags = "as the inner; header: one sent bit per block, or Elias-gamma lengths when the inner's size varies",
      .examples = {"blockwise[of=identity,blocks=2]", "blockwise[of=topk[k=2],blocks=3]",
                   "blockwise[of=scaled_sign,blocks=3]", "blockwise[of=qsgd[s=4,code=elias],blocks=3]",
                   "blockwise[of=randk[k=2,shared_seed=true],blocks=2]", "blockwise[of=grbs[k=2],blocks=3]",
                   "blockwise[of=topk[ratio=0.5]]"},
      .parse = parse_blockwise,
      .build = [](const BlockwiseOptions& o, int, const ValueCodec& codec, const CompressorContext& ctx) -> CompressorPtr {
        return std::make_unique<BlockwiseCompressor>(Spec::parse(o.of, "blockwise"), o.sizes, codec, ctx);
      },
      // fixed: B + Σ_b F_b (every block sent); variable: Σ_b [bits_b + γ(bits_b + 1)] over the ranges,
      // γ(n) = 2⌊log2 n⌋ + 1; unknown when an inner's size is data-dependent.
      .expected_bits = [](const BlockwiseOptions& o, int, int w, const CompressorContext& ctx) -> std::optional<BitsRange> {
        const auto ranges = block_ranges(Spec::parse(o.of, "blockwise"), o.sizes, w, ctx);
        const auto gamma = [](std::uint64_t n) { return 2 * static_cast<std::uint64_t>(std::bit_width(n) - 1) + 1; };
        BitsRange total{0, 0};
        const bool fixed = all_fixed(ranges);
        for (const auto& r : ranges) {
          if (!r) return std::nullopt;
          total.min += r->min + (fixed ? 1 : gamma(r->min + 1));
          total.max += r->max + (fixed ? 1 : gamma(r->max + 1));
        }
        return total;
      },
  });
}

}  // namespace commopt
