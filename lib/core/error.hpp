// Errors a user can cause (bad flag, bad file, impossible parameter). The CLI prints the message as
// one line and exits with code 2; everything else is a bug and exits 3.
#pragma once
#include <stdexcept>
#include <string>

namespace commopt {
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
}  // namespace commopt
