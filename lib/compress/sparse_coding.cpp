// Shared wire format of RandK and TopK (see sparse_coding.hpp for the format;
// dasha-family.md §2, ef-local-lazy.md §1 and §2.1).
#include "compress/sparse_coding.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

#include "compress/bitstream.hpp"

namespace commopt {

IndexCoding sparse_index_coding(std::int64_t k, std::int64_t d) {
  const std::int64_t list_bits = k * index_bits(d);
  return d < list_bits ? IndexCoding::bitmap : IndexCoding::list;
}

std::uint64_t sparse_index_section_bits(std::int64_t k, std::int64_t d) {
  return static_cast<std::uint64_t>(std::min<std::int64_t>(k * index_bits(d), d));
}

IndexCoding put_sparse_index_section(std::span<const int> idx, int d, BitWriter& w) {
  const IndexCoding coding = sparse_index_coding(static_cast<std::int64_t>(idx.size()), d);
  if (coding == IndexCoding::list) {
    const int ib = index_bits(d);
    for (int i : idx) w.put(static_cast<std::uint64_t>(i), ib);
  } else {
    // Build the bitmap 64 coordinates at a time: O(d/64 + K).
    std::size_t next = 0;
    for (int base = 0; base < d; base += 64) {
      std::uint64_t word = 0;
      while (next < idx.size() && idx[next] < base + 64) word |= std::uint64_t{1} << (idx[next++] - base);
      w.put(word, std::min(64, d - base));
    }
  }
  return coding;
}

void get_sparse_index_section(BitReader& r, int k, int d, std::vector<int>& idx, const char* who) {
  if (sparse_index_coding(k, d) == IndexCoding::list) {
    const int ib = index_bits(d);
    for (int j = 0; j < k; ++j) {
      const auto i = static_cast<int>(r.get(ib));
      if (i >= d) throw std::logic_error(fmt::format("{}: decoded index {} >= d={}", who, i, d));
      idx[static_cast<std::size_t>(j)] = i;
    }
    return;
  }
  int n = 0;
  for (int base = 0; base < d; base += 64) {
    std::uint64_t word = r.get(std::min(64, d - base));
    while (word != 0) {
      if (n == k) throw std::logic_error(fmt::format("{}: bitmap holds more than k={} ones", who, k));
      idx[static_cast<std::size_t>(n++)] = base + std::countr_zero(word);
      word &= word - 1;
    }
  }
  if (n != k) throw std::logic_error(fmt::format("{}: bitmap holds {} ones, expected k={}", who, n, k));
}

void encode_sparse(std::span<const int> idx, const Vec& x, double scale, int d,
                   const ValueCodec& codec, Message& out) {
  BitWriter w(out.bytes);
  out.index_coding = put_sparse_index_section(idx, d, w);
  const double* v = x.data();
  const int* at = idx.data();
  w.put_values(codec.bits, idx.size(), [v, at, scale](std::size_t j) { return scale * v[at[j]]; });
  out.bits = w.bits();
  out.sent = true;
}

void check_input_size(const Vec& v, int d, const char* who) {
  if (v.size() != d)
    throw std::logic_error(fmt::format("{}: vector has size {}, expected d={}", who, v.size(), d));
}

void check_message_bits(const Message& m, std::uint64_t expected, const char* who) {
  if (m.bits != expected)
    throw std::logic_error(fmt::format("{}: message has {} bits, expected {} (decoded with a different "
                                       "compressor or value width?)", who, m.bits, expected));
}

void add_sparse(const Message& m, int k, int d, const ValueCodec& codec, double scale, Vec& acc,
                const char* who) {
  if (!m.sent) return;
  check_input_size(acc, d, who);
  const std::uint64_t index_section = sparse_index_section_bits(k, d);
  check_message_bits(m, index_section + static_cast<std::uint64_t>(k) * codec.bits, who);
  BitReader ir = m.reader();
  BitReader vr = m.reader();
  vr.skip(index_section);
  if (sparse_index_coding(k, d) == IndexCoding::list) {
    const int ib = index_bits(d);
    for (int j = 0; j < k; ++j) {
      const auto i = static_cast<Index>(ir.get(ib));
      if (i >= d) throw std::logic_error(fmt::format("{}: decoded index {} >= d={}", who, i, d));
      acc[i] += scale * codec.get(vr);
    }
  } else {
    for (int base = 0; base < d; base += 64) {
      std::uint64_t word = ir.get(std::min(64, d - base));
      while (word != 0) {
        acc[base + std::countr_zero(word)] += scale * codec.get(vr);
        word &= word - 1;
      }
    }
  }
}

}  // namespace commopt
