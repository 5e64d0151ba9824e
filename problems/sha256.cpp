// SHA-256 via OpenSSL EVP (EVP_sha256), streamed in 1 MiB blocks.
#include "problems/sha256.hpp"

#include <fstream>
#include <memory>
#include <vector>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "core/error.hpp"

namespace commopt {

namespace {

struct Hasher {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
  Hasher() {
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) throw std::runtime_error("sha256: OpenSSL init failed");
  }
  void update(const void* data, std::size_t n) {
    if (EVP_DigestUpdate(ctx.get(), data, n) != 1) throw std::runtime_error("sha256: OpenSSL update failed");
  }
  std::string hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) throw std::runtime_error("sha256: OpenSSL final failed");
    std::string out;
    for (unsigned int i = 0; i < len; ++i) out += fmt::format("{:02x}", md[i]);
    return out;
  }
};

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  Hasher h;
  h.update(bytes.data(), bytes.size());
  return h.hex();
}

std::string sha256_file(const std::filesystem::path& path, std::uintmax_t* bytes_read) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(fmt::format("cannot read {}; check that it exists and is readable", path.string()));
  Hasher h;
  std::vector<char> buf(1 << 20);
  std::uintmax_t total = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    h.update(buf.data(), got);
    total += got;
  }
  if (in.bad()) throw UsageError(fmt::format("read error in {}", path.string()));
  if (bytes_read) *bytes_read = total;
  return h.hex();
}

}  // namespace commopt
