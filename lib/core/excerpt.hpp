// A short, printable excerpt of untrusted input for error messages: control and non-ASCII bytes become
// \xNN, and an input longer than `max` characters keeps its head and tail around "...(N bytes)...".
// So a message that quotes a 1 MB line with raw control bytes stays one short, printable line.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace commopt {

inline std::string escape_byte(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  if (c < 0x20 || c >= 0x7F || c == '\\') return fmt::format("\\x{:02X}", c);
  return std::string(1, ch);
}

// The whole of `s` escaped when that takes at most `max` characters; otherwise about 2/3 of `max`
// characters of its escaped head and 1/3 of its escaped tail around "...(N bytes)...". Only the
// bytes shown are read, so a 1 GB line costs as little as a short one. At most max + 30 characters.
inline std::string excerpt(std::string_view s, std::size_t max = 60) {
  if (max < 12) max = 12;
  std::string head;
  std::size_t used = 0;  // bytes of s in head
  while (used < s.size()) {
    const std::string e = escape_byte(s[used]);
    if (head.size() + e.size() > max) break;
    head += e;
    ++used;
  }
  if (used == s.size()) return head;
  // Elide: the head up to 2/3 of max, then the tail up to 1/3.
  head.clear();
  used = 0;
  while (used < s.size()) {
    const std::string e = escape_byte(s[used]);
    if (head.size() + e.size() > max * 2 / 3) break;
    head += e;
    ++used;
  }
  std::string tail;
  std::size_t back = s.size();
  while (back > used) {
    const std::string e = escape_byte(s[back - 1]);
    if (tail.size() + e.size() > max / 3) break;
    tail.insert(0, e);
    --back;
  }
  return head + fmt::format("...({} bytes)...", s.size()) + tail;
}

}  // namespace commopt
