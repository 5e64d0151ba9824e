// A compressor turns a vector into an encoded Message and back (DESIGN.md, "Core interfaces").
// Wire formats are documented in each compressor's header; registry.hpp lists the compressors.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "compress/message.hpp"
#include "core/rng.hpp"
#include "core/spec.hpp"
#include "core/types.hpp"

namespace commopt {

// Theory constants for dimension d (dasha-family.md §2, ef-local-lazy.md §2).
struct CompressorConstants {
  enum class Kind { unbiased, contractive, none };
  Kind kind = Kind::none;
  double omega = 0;  // unbiased: E||C(x)-x||^2 <= omega ||x||^2
  double alpha = 1;  // contractive: E||C(x)-x||^2 <= (1-alpha) ||x||^2 (also called delta, gamma)
  bool random = false;
};

// Which worker an instance encodes for, out of how many (PermK needs both; randk[shared_seed=true]
// stamps the worker on its messages). A server-side decoding instance uses {0, n}: decoders read
// the sender from Message::sender, never from the context.
struct CompressorContext {
  int worker = 0;
  int workers = 1;
  // The problem's parameter blocks (layer sizes, summing to d), empty when it has none. Read by
  // block_sign when the spec gives neither blocks= nor block_size= (the seam for layer-wise blocks).
  std::vector<int> blocks = {};
};

class Compressor {
 public:
  virtual ~Compressor() = default;
  virtual std::string name() const = 0;
  int dim() const { return d_; }
  const ValueCodec& values() const { return codec_; }

  // Encodes C(x) into `out` (reusing its buffer); out.sent = true.
  virtual void compress(const Vec& x, Rng& rng, Message& out) const = 0;
  // acc += scale * decode(m), in O(size of the message).
  virtual void add_decoded(const Message& m, double scale, Vec& acc) const = 0;
  // out = decode(m) (out is resized to d).
  void decompress(const Message& m, Vec& out) const {
    out.setZero(d_);
    add_decoded(m, 1.0, out);
  }
  virtual CompressorConstants constants() const = 0;
  // Whether workers must draw from the shared stream (Purpose::shared) instead of their own.
  virtual bool needs_shared_randomness() const { return false; }

 protected:
  Compressor(int d, ValueCodec codec) : d_(d), codec_(codec) {}
  int d_;
  ValueCodec codec_;
};

using CompressorPtr = std::unique_ptr<Compressor>;

// Builds a compressor for dimension d from a spec through its registry entry (registry.hpp);
// throws UsageError on an unknown name or key, or an impossible parameter (K > d, K = 0, ...).
// The 3-argument form builds worker 0 of 1.
CompressorPtr make_compressor(const Spec& spec, int d, int value_bits);
// Builds the instance of worker ctx.worker out of ctx.workers (std::logic_error unless
// 0 <= worker < workers).
CompressorPtr make_compressor(const Spec& spec, int d, int value_bits, const CompressorContext& ctx);

}  // namespace commopt
