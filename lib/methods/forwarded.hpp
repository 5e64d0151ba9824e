// A broadcast that forwards the round's uploads (an allgather of compressed messages, as an
// allreduce of compressed updates delivers them): the server packs every sent upload, in worker
// order, as [sender: ceil(log2 n) bits][index coding: 2 bits][length: 32 bits][its payload bits],
// all counted in the broadcast's bits; a receiver unpacks them one by one into a scratch Message and
// decodes it with its own instance of the upload compressor. Transport metadata that a forwarded
// message cannot carry (the shared key of shared-randomness compressors) is not supported: callers
// reject those compressors. No allocation once the buffers have grown.
#pragma once
#include <algorithm>
#include <span>

#include "compress/compressor.hpp"

namespace commopt {

inline int forwarded_sender_bits(int n) {
  int b = 0;
  while ((1 << b) < n) ++b;
  return b;
}

// Packs the sent messages of `ups` (index = worker) into `down`; down.sent = true.
inline void pack_forwarded(std::span<const Message> ups, Message& down) {
  const int sbits = forwarded_sender_bits(static_cast<int>(ups.size()));
  std::uint64_t largest = 0;
  for (const Message& m : ups) largest = std::max(largest, m.sent ? m.bits : 0);
  // room for every worker's message at the largest size seen, so that the buffer stops growing
  // once each size has been seen, whoever syncs together later
  down.bytes.reserve(ups.size() * ((largest + static_cast<std::uint64_t>(sbits) + 34 + 7) / 8 + 1));
  BitWriter w(down.bytes);
  for (std::size_t i = 0; i < ups.size(); ++i) {
    const Message& m = ups[i];
    if (!m.sent) continue;
    w.put(i, sbits);
    w.put(static_cast<std::uint64_t>(m.index_coding), 2);
    w.put(m.bits, 32);
    BitReader r = m.reader();
    for (std::uint64_t left = m.bits; left > 0;) {
      const int c = static_cast<int>(std::min<std::uint64_t>(left, 56));
      w.put(r.get(c), c);
      left -= static_cast<std::uint64_t>(c);
    }
  }
  down.bits = w.bits();
  down.sent = true;
}

// Calls f(message) for every message forwarded in `down`, in worker order (`scratch` is reused).
template <class F>
void for_each_forwarded(const Message& down, int n, Message& scratch, F&& f) {
  const int sbits = forwarded_sender_bits(n);
  BitReader r = down.reader();
  while (r.position() < down.bits) {
    scratch.clear();
    scratch.sender = static_cast<std::int32_t>(r.get(sbits));
    scratch.index_coding = static_cast<IndexCoding>(r.get(2));
    const std::uint64_t len = r.get(32);
    BitWriter w(scratch.bytes);
    for (std::uint64_t left = len; left > 0;) {
      const int c = static_cast<int>(std::min<std::uint64_t>(left, 56));
      w.put(r.get(c), c);
      left -= static_cast<std::uint64_t>(c);
    }
    scratch.bits = len;
    scratch.sent = true;
    f(static_cast<const Message&>(scratch));
  }
}

}  // namespace commopt
