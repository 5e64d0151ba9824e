// Fuzz targets (see fuzz_targets.hpp).
#include "fuzz_targets.hpp"

#include <exception>
#include <stdexcept>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/spec.hpp"
#include "problems/libsvm.hpp"

namespace commopt::fuzz {

namespace {

// A refusal must be one line of at most 400 printable characters: the input is quoted as an excerpt.
std::string check_message(const std::string& what) {
  if (what.empty()) return "empty error message";
  if (what.size() > 400) return fmt::format("error message of {} characters", what.size());
  for (const char ch : what) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) return fmt::format("raw control byte 0x{:02X} in the error message", c);
  }
  return {};
}

// A typed read either works or refuses with a well-formed UsageError.
template <class Read>
void typed_read(Read&& read) {
  try {
    read();
  } catch (const UsageError& e) {
    if (const std::string bad = check_message(e.what()); !bad.empty()) throw std::logic_error(bad);
  }
}

void exercise_spec(std::string_view input) {
  const Spec spec = Spec::parse(std::string(input), "--fuzz");
  for (const auto& kv : spec.values()) {
    const std::string& key = kv.first;
    typed_read([&] { (void)spec.get_int(key, 0); });
    typed_read([&] { (void)spec.get_double(key, 0); });
    typed_read([&] { (void)spec.get_bool(key, false); });
  }
  // The canonical text parses back to the same spec.
  if (Spec::parse(spec.str(), "--fuzz round trip").str() != spec.str())
    throw std::logic_error("str() does not parse back to itself");
}

void exercise_libsvm(std::string_view input) {
  const LibsvmData d = parse_libsvm(input, "fuzz.libsvm", LibsvmOptions{});
  if (d.A.rows() != static_cast<Index>(d.b.size())) throw std::logic_error("rows and labels differ");
  if (d.A.nonZeros() != d.info.nnz) throw std::logic_error("nnz differs from the stored entries");
}

}  // namespace

std::string check_one(Target target, std::string_view input) {
  try {
    if (target == Target::libsvm) exercise_libsvm(input);
    else exercise_spec(input);
    return {};
  } catch (const UsageError& e) {
    return check_message(e.what());
  } catch (const std::exception& e) {
    return fmt::format("not a UsageError: {}", e.what());
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace commopt::fuzz
