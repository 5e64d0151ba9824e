// 64-bit FNV-1a checksums: cache keys for datasets (over the decompressed bytes) and for cached
// constants (over the key text). Not cryptographic; collisions only cost a recomputation because
// every cache file also stores its full key.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace commopt {

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

// Continues a running FNV-1a hash `h` over `bytes` (start with kFnvOffset).
inline std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h = kFnvOffset) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

// 16 lowercase hex digits.
inline std::string hex64(std::uint64_t h) { return fmt::format("{:016x}", h); }

}  // namespace commopt
