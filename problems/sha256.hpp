// SHA-256 (FIPS 180-4) of files and strings, through OpenSSL's libcrypto (EVP interface): the
// checksums of the dataset catalogue (problems/dataset_catalogue.hpp) and of `commopt data fetch`.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace commopt {

// 64 lowercase hex digits of SHA-256(bytes).
std::string sha256_hex(std::string_view bytes);

// SHA-256 of a file's bytes as stored (not decompressed), streamed; `bytes_read` (if given) gets
// the file size. Throws UsageError naming the file when it cannot be read.
std::string sha256_file(const std::filesystem::path& path, std::uintmax_t* bytes_read = nullptr);

}  // namespace commopt
