// core/excerpt.hpp: error messages quote untrusted input as a short printable excerpt.
#include <catch2/catch.hpp>

#include <string>

#include "core/excerpt.hpp"

using commopt::excerpt;

TEST_CASE("excerpt: short input verbatim, control bytes escaped, long input elided", "[excerpt]") {
  CHECK(excerpt("1:0.5") == "1:0.5");
  CHECK(excerpt(std::string("a\x01""b\n\xff\\", 6)) == "a\\x01b\\x0A\\xFF\\x5C");
  CHECK(excerpt(std::string(60, 'x')) == std::string(60, 'x'));  // exactly max: whole
  const std::string big = "HEAD" + std::string(1'000'000, '\x07') + "TAIL";
  const std::string e = excerpt(big);
  CHECK(e.size() <= 60 + 30);
  CHECK(e.rfind("HEAD", 0) == 0);
  CHECK(e.find("...(1000008 bytes)...") != std::string::npos);
  CHECK(e.size() >= 4);
  CHECK(e.substr(e.size() - 4) == "TAIL");
  for (const char c : e) CHECK((c >= 0x20 && c < 0x7F));
  // Escapes are never cut in half, whatever max is.
  for (std::size_t max : {12u, 13u, 14u, 15u, 40u, 100u}) {
    const std::string x = excerpt(std::string(500, '\x01'), max);
    INFO(max << ": " << x);
    CHECK(x.size() <= max + 30);
    CHECK(x.find("\\x01...(500 bytes)...\\x01") != std::string::npos);
  }
}
