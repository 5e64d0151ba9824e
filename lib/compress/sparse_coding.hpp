// Shared wire format of the sparse compressors RandK and TopK (their k/ratio parameters are parsed
// in params.hpp)
// (dasha-family.md §2 "bits for one message"; ef-local-lazy.md §1 bit table and §2.1).
//
// WIRE FORMAT of a sparse message with K kept coordinates in dimension d, value width w (32/64):
//   [index section][value section]
//   index section, chosen deterministically from (K, d) with no flag bit (ties -> list):
//     list   (IndexCoding::list):   K indices, ascending, each index_bits(d) = ceil(log2 d) bits,
//                                   LSB-first; used when K*ceil(log2 d) <= d.
//     bitmap (IndexCoding::bitmap): d bits, bit j (in stream order) = 1 iff coordinate j is kept;
//                                   used when d < K*ceil(log2 d).
//   value section: K values at width w (ValueCodec), in ascending index order.
// Total bits = K*w + min(K*ceil(log2 d), d), the closed form of the entries of randk and topk.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "compress/message.hpp"
#include "core/types.hpp"

namespace commopt {

// list unless the d-bit bitmap is strictly cheaper than K*ceil(log2 d) index bits.
IndexCoding sparse_index_coding(std::int64_t k, std::int64_t d);
// Bits of the index section: min(K*ceil(log2 d), d).
std::uint64_t sparse_index_section_bits(std::int64_t k, std::int64_t d);

// Writes the index section only (list or bitmap, as above) and returns the coding used.
IndexCoding put_sparse_index_section(std::span<const int> idx, int d, BitWriter& w);
// Reads an index section of k indices into idx (size k, ascending); O(K) for list coding,
// O(d/64 + K) for bitmap coding. Throws std::logic_error on an index >= d or a short bitmap.
void get_sparse_index_section(BitReader& r, int k, int d, std::vector<int>& idx, const char* who);

// Writes the message for the ascending, distinct indices `idx` with values scale * x[idx[j]].
void encode_sparse(std::span<const int> idx, const Vec& x, double scale, int d,
                   const ValueCodec& codec, Message& out);

// acc += scale * decode(m) for a message with k kept coordinates; O(K) for list coding, O(d/64 + K)
// for bitmap coding. A message with sent == false adds nothing. Throws std::logic_error when the
// message length does not match (k, d, codec): that is a bug, not a user error.
void add_sparse(const Message& m, int k, int d, const ValueCodec& codec, double scale, Vec& acc,
                const char* who);

// Throws std::logic_error unless m.bits == expected (shared by every compressor's decoder).
void check_message_bits(const Message& m, std::uint64_t expected, const char* who);
// Throws std::logic_error unless v.size() == d (input or accumulator of the wrong dimension: a bug).
void check_input_size(const Vec& v, int d, const char* who);

}  // namespace commopt
