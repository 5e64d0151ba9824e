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
  std::vector<std::uint8_t> bytes;  // packed payload (capacity reused across rounds)
  std::uint64_t bits = 0;           // exact number of payload bits
  bool sent = false;                // false: nothing crossed the wire (skipped / not participating)
  IndexCoding index_coding = IndexCoding::none;

  void clear() { bytes.clear(); bits = 0; sent = false; index_coding = IndexCoding::none; }
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
