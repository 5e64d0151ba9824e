// A Message is the real encoded payload of one transmission. Its bit count is what the encoder
// wrote, and its bytes are what a transport would send (MPI sends exactly these bytes).
#pragma once
#include <cstdint>
#include <vector>

#include "compress/bitstream.hpp"

namespace commopt {

// How sparse messages locate their values; the codec picks the cheaper one deterministically from
// (K, d), so the receiver knows it without a flag bit.
enum class IndexCoding : std::uint8_t { none, list, bitmap };

struct Message {
  ByteBuffer bytes;  // packed payload (capacity reused across rounds; resize() does not zero-fill)
  std::uint64_t bits = 0;           // exact number of payload bits
  bool sent = false;                // false: nothing crossed the wire (skipped / not participating)
  IndexCoding index_coding = IndexCoding::none;
  // Transport metadata, never counted in `bits`: what a real receiver knows without reading the
  // payload. `sender` is the index of the encoding worker (the network knows who sent a message);
  // encoders whose decoding depends on it (randk[shared_seed=true], permk) set it from their
  // CompressorContext, the others leave it as is. `shared_key` is the first 64-bit draw of the
  // shared stream (Purpose::shared) of the message's round; every party holding the run seed can
  // draw it itself, so carrying it here is a simulation shortcut, not payload. Compressors that
  // need shared randomness (needs_shared_randomness()) set it and derive all their draws from it,
  // so their decoder replays the same draws in O(message size).
  std::int32_t sender = 0;
  std::uint64_t shared_key = 0;

  void clear() {
    bytes.clear();
    bits = 0;
    sent = false;
    index_coding = IndexCoding::none;
    sender = 0;
    shared_key = 0;
  }
  BitReader reader() const { return BitReader(bytes.data(), bits); }
};

// Values travel at a run-wide width (--value-bits): 32 rounds each value to float32 and the
// receiver uses the rounded value; 64 sends exact doubles.
struct ValueCodec {
  int bits = 32;
  void put(BitWriter& w, double v) const {
    if (bits == 32) w.put_f32(static_cast<float>(v)); else w.put_f64(v);
  }
  double get(BitReader& r) const { return bits == 32 ? static_cast<double>(r.get_f32()) : r.get_f64(); }
  // The value the receiver will see.
  double round(double v) const { return bits == 32 ? static_cast<double>(static_cast<float>(v)) : v; }
};

}  // namespace commopt
