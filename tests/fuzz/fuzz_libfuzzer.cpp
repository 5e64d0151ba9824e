// libFuzzer entry point (only with -DCOMMOPT_FUZZ=ON and clang: -fsanitize=fuzzer). The first byte
// selects the target, the rest is the input; a fault aborts so that libFuzzer keeps the input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto target = data[0] & 1 ? commopt::fuzz::Target::spec : commopt::fuzz::Target::libsvm;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string fault = commopt::fuzz::check_one(target, input);
  if (!fault.empty()) {
    std::fprintf(stderr, "fault: %s\n", fault.c_str());
    std::abort();
  }
  return 0;
}
