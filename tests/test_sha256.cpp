// SHA-256 of problems/sha256.hpp against the FIPS 180-4 examples (NIST CSRC "Examples with
// intermediate values": "abc", the 448-bit two-block message, one million 'a') and the empty string,
// and sha256_file against sha256_hex on the same bytes.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "problems/sha256.hpp"
#include "test_problem_helpers.hpp"

TEST_CASE("sha256: FIPS 180-4 test vectors", "[sha256]") {
  using commopt::sha256_hex;
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: a file hashes like its bytes, across the 1 MiB read blocks", "[sha256]") {
  const commopt::testing::TempDir dir;
  const auto path = dir / "sha256_test.bin";
  std::string bytes;
  for (int i = 0; i < (1 << 20) + 12345; ++i) bytes += static_cast<char>((i * 7919) & 0xff);
  std::ofstream(path, std::ios::binary) << bytes;
  std::uintmax_t size = 0;
  CHECK(commopt::sha256_file(path, &size) == commopt::sha256_hex(bytes));
  CHECK(size == bytes.size());
  std::filesystem::remove(path);  // a missing file throws
  CHECK_THROWS(commopt::sha256_file(path));
}
