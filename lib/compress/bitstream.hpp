// Bit-level writer and reader used by every encoder. Bits are packed LSB-first into bytes; the
// writer's bit count is exactly the number of bits that would cross the wire.
#pragma once
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <vector>

namespace commopt {

// A message payload: a byte array like std::vector<std::uint8_t> except that resize() leaves the
// new bytes unwritten. std::vector zero-fills them, a second pass over every dense payload before
// the encoder writes it (issue 13); every encoder here writes each byte it appends (BitWriter, the
// identity fast path, put_fixed_codes), so nothing reads a byte that was not written. Capacity is
// kept across clear(), resize() and copies that fit, so a reused message does not allocate.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(const ByteBuffer& other) { *this = other; }
  ByteBuffer(ByteBuffer&& other) noexcept
      : data_(std::move(other.data_)), size_(other.size_), capacity_(other.capacity_) {
    other.size_ = other.capacity_ = 0;
  }
  ByteBuffer& operator=(const ByteBuffer& other) {
    if (this != &other) assign(other.begin(), other.end());
    return *this;
  }
  ByteBuffer& operator=(ByteBuffer&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = other.size_, capacity_ = other.capacity_;
    other.size_ = other.capacity_ = 0;
    return *this;
  }

  std::uint8_t* data() { return data_.get(); }
  const std::uint8_t* data() const { return data_.get(); }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::size_t capacity() const { return capacity_; }
  std::uint8_t* begin() { return data(); }
  std::uint8_t* end() { return data() + size_; }
  const std::uint8_t* begin() const { return data(); }
  const std::uint8_t* end() const { return data() + size_; }
  std::uint8_t& operator[](std::size_t i) { return data_[i]; }
  std::uint8_t operator[](std::size_t i) const { return data_[i]; }
  std::uint8_t& back() { return data_[size_ - 1]; }

  void clear() { size_ = 0; }
  void reserve(std::size_t n) {
    if (n > capacity_) reallocate(n);
  }
  // New bytes [old size, n) are NOT initialized: the caller writes them.
  void resize(std::size_t n) {
    if (n > capacity_) reallocate(std::max(n, 2 * capacity_));
    size_ = n;
  }
  template <class It>
  void assign(It first, It last) {
    const auto n = static_cast<std::size_t>(std::distance(first, last));
    size_ = 0;
    resize(n);
    std::copy(first, last, data());
  }
  void assign(std::size_t n, std::uint8_t value) {
    size_ = 0;
    resize(n);
    std::fill_n(data(), n, value);
  }
  friend bool operator==(const ByteBuffer& a, const ByteBuffer& b) {
    return a.size_ == b.size_ && (a.size_ == 0 || std::memcmp(a.data(), b.data(), a.size_) == 0);
  }

 private:
  void reallocate(std::size_t n) {
    auto fresh = std::make_unique_for_overwrite<std::uint8_t[]>(n);
    if (size_ > 0) std::memcpy(fresh.get(), data_.get(), size_);
    data_ = std::move(fresh);
    capacity_ = n;
  }
  std::unique_ptr<std::uint8_t[]> data_;
  std::size_t size_ = 0, capacity_ = 0;
};

class BitWriter {
 public:
  // Every byte the writer appends is written in full (the open byte's free bits are zero because
  // each value is masked to its width), so the buffer's bytes need no zero-fill.
  explicit BitWriter(ByteBuffer& bytes) : bytes_(bytes) { bytes_.clear(); }
  // Appends the low `nbits` (<= 64) bits of `value`: first fills the open byte, then appends
  // whole bytes at once (same bytes as bit-by-bit packing; capacity is reused, no allocation once
  // the vector has grown).
  void put(std::uint64_t value, int nbits) {
    if (nbits <= 0) return;
    if (nbits < 64) value &= (std::uint64_t{1} << nbits) - 1;
    int done = 0;
    const int offset = static_cast<int>(bits_ & 7);
    if (offset != 0) {
      bytes_.back() |= static_cast<std::uint8_t>(value << offset);
      done = 8 - offset;
    }
    if (done < nbits) {
      const std::uint64_t rest = value >> done;
      const auto nbytes = static_cast<std::size_t>((nbits - done + 7) / 8);
      const std::size_t n = bytes_.size();
      bytes_.resize(n + nbytes);
      for (std::size_t k = 0; k < nbytes; ++k) bytes_[n + k] = static_cast<std::uint8_t>(rest >> (8 * k));
    }
    bits_ += static_cast<std::uint64_t>(nbits);
  }
  void put_bit(bool b) { put(b ? 1 : 0, 1); }
  void put_f32(float v) { std::uint32_t u; std::memcpy(&u, &v, 4); put(u, 32); }
  void put_f64(double v) { std::uint64_t u; std::memcpy(&u, &v, 8); put(u, 64); }
  // Appends n values value(0), ..., value(n-1) at width 32 (float32-rounded) or 64: the same bytes and
  // bit count as n calls of put_f32 / put_f64. Byte-aligned stream: value i is bytes
  // [i*w/8, (i+1)*w/8) of a plain little-endian array (one store per value, like a copy).
  // Otherwise (offset o = 1..7 bits into the open byte) a 64-bit accumulator carries o bits from
  // one value to the next: one shift, one or, one word store per value.
  template <class ValueAt>
  void put_values(int width, std::size_t n, const ValueAt& value) {
    if (n == 0) return;
    const int offset = static_cast<int>(bits_ & 7);
    const std::size_t open = static_cast<std::size_t>(bits_ >> 3);  // index of the first byte written to
    const std::size_t step = static_cast<std::size_t>(width / 8);
    bits_ += static_cast<std::uint64_t>(n) * static_cast<std::uint64_t>(width);
    bytes_.resize(static_cast<std::size_t>((bits_ + 7) / 8));
    std::uint8_t* p = bytes_.data() + open;
    if (width == 32) {
      if (offset == 0) {
        for (std::size_t i = 0; i < n; ++i) {
          const float v = static_cast<float>(value(i));
          std::memcpy(p + i * step, &v, sizeof v);
        }
        return;
      }
      std::uint64_t carry = p[0];  // the o bits already in the open byte
      for (std::size_t i = 0; i < n; ++i, p += step) {
        const float v = static_cast<float>(value(i));
        std::uint32_t u;
        std::memcpy(&u, &v, sizeof u);
        carry |= static_cast<std::uint64_t>(u) << offset;
        const auto low = static_cast<std::uint32_t>(carry);
        std::memcpy(p, &low, sizeof low);
        carry >>= 32;
      }
      p[0] = static_cast<std::uint8_t>(carry);
      return;
    }
    if (offset == 0) {
      for (std::size_t i = 0; i < n; ++i) {
        const double v = value(i);
        std::memcpy(p + i * step, &v, sizeof v);
      }
      return;
    }
    std::uint64_t carry = p[0];
    for (std::size_t i = 0; i < n; ++i, p += step) {
      const double v = value(i);
      std::uint64_t u;
      std::memcpy(&u, &v, sizeof u);
      const std::uint64_t word = carry | (u << offset);
      std::memcpy(p, &word, sizeof word);
      carry = u >> (64 - offset);
    }
    p[0] = static_cast<std::uint8_t>(carry);
  }
  std::uint64_t bits() const { return bits_; }

 private:
  ByteBuffer& bytes_;
  std::uint64_t bits_ = 0;
};

class BitReader {
 public:
  BitReader(const std::uint8_t* data, std::uint64_t nbits) : data_(data), nbits_(nbits) {}
  // Reads `nbits` (<= 64) bits. Fast path: one 8-byte little-endian load when those 8 bytes lie
  // inside the message (ceil(nbits/8) bytes); otherwise byte by byte.
  std::uint64_t get(int nbits) {
    if (nbits <= 0) return 0;
    const std::uint64_t byte = pos_ >> 3;
    if (nbits <= 56 && byte + 8 <= (nbits_ + 7) / 8) {
      const std::uint8_t* p = data_ + byte;
      std::uint64_t word = 0;
      for (int k = 0; k < 8; ++k) word |= static_cast<std::uint64_t>(p[k]) << (8 * k);
      const int offset = static_cast<int>(pos_ & 7);
      pos_ += static_cast<std::uint64_t>(nbits);
      return (word >> offset) & ((std::uint64_t{1} << nbits) - 1);
    }
    if (nbits > 32) {
      const std::uint64_t low = get(32);
      return low | (get(nbits - 32) << 32);
    }
    std::uint64_t value = 0;
    for (int done = 0; done < nbits;) {
      const int offset = static_cast<int>(pos_ & 7);
      const int take = std::min(8 - offset, nbits - done);
      const std::uint64_t chunk = (data_[pos_ >> 3] >> offset) & ((1u << take) - 1);
      value |= chunk << done;
      done += take;
      pos_ += static_cast<std::uint64_t>(take);
    }
    return value;
  }
  // Reads n values at width 32 (float32 widened to double) or 64 and calls sink(i, value) for each:
  // the values n calls of get_f32 / get_f64 would return. The caller has checked that the n values
  // lie inside the message. A byte-aligned position reads a plain little-endian array.
  template <class Sink>
  void get_values(int width, std::size_t n, const Sink& sink) {
    if ((pos_ & 7) != 0) {
      for (std::size_t i = 0; i < n; ++i) sink(i, width == 32 ? static_cast<double>(get_f32()) : get_f64());
      return;
    }
    const std::uint8_t* p = data_ + (pos_ >> 3);
    pos_ += static_cast<std::uint64_t>(n) * static_cast<std::uint64_t>(width);
    if (width == 32) {
      for (std::size_t i = 0; i < n; ++i) {
        float v;
        std::memcpy(&v, p + i * sizeof v, sizeof v);
        sink(i, static_cast<double>(v));
      }
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        double v;
        std::memcpy(&v, p + i * sizeof v, sizeof v);
        sink(i, v);
      }
    }
  }
  bool get_bit() { return get(1) != 0; }
  float get_f32() { const auto u = static_cast<std::uint32_t>(get(32)); float v; std::memcpy(&v, &u, 4); return v; }
  double get_f64() { const std::uint64_t u = get(64); double v; std::memcpy(&v, &u, 8); return v; }
  std::uint64_t position() const { return pos_; }
  bool exhausted() const { return pos_ >= nbits_; }
  // Moves the read position forward by `nbits` without reading (e.g. to a message's value section).
  void skip(std::uint64_t nbits) { pos_ += nbits; }

 private:
  const std::uint8_t* data_;
  std::uint64_t nbits_;
  std::uint64_t pos_ = 0;
};

// Bits needed to write an index in [0, d): ceil(log2 d), at least 1 when d > 1, 0 when d == 1.
inline int index_bits(std::int64_t d) {
  int b = 0;
  while ((std::int64_t{1} << b) < d) ++b;
  return b;
}

}  // namespace commopt
