// Closed-form bits of one compressed message, to show next to the measured Message::bits
// (dasha-family.md §2 table "bits for one message"; ef-local-lazy.md §1 bit-cost table; the wire
// formats are documented in each lib/compress/*.hpp header).
// Each compressor's formula is part of its registry entry (CompressorEntry::expected_bits, written
// from the paper's table in its lib/compress/*.cpp with lib/compress/closed_form.hpp): the registry
// lives in lib/, which must not depend on theory/, and one entry per compressor keeps everything
// about it in one place. This header is the spec-level view of those formulas.
// These are the "honest" counts, index bits included; the official codes count values only
// (dasha-family.md §2 "How the official codes count bits"): K*w for RandK/TopK.
#pragma once
#include <cstdint>
#include <optional>

#include "compress/registry.hpp"
#include "core/spec.hpp"

namespace commopt {

// The closed-form range for a compressor spec (worker ctx.worker of ctx.workers), or nullopt when
// the size depends on the data (qsgd code=elias: see qsgd_elias_expected_bits_bound) or the name
// is unknown. The spec is validated as by make_compressor, so a bad parameter throws the same
// UsageError.
std::optional<BitsRange> closed_form_bits_range(const Spec& spec, int d, int value_bits,
                                                const CompressorContext& ctx = {});
// The exact closed form when every sent message has the same size, else nullopt.
std::optional<std::uint64_t> closed_form_bits(const Spec& spec, int d, int value_bits,
                                              const CompressorContext& ctx = {});

// QSGD Thm 3.2's expected-size bound for the Elias code with its o(1) term dropped (a reference
// line for plots, not a guarantee): (3 + 1.5 log2(2(s²+d)/(s(s+√d)))) s(s+√d) + w.
double qsgd_elias_expected_bits_bound(std::int64_t d, std::int64_t s, int w);

}  // namespace commopt
