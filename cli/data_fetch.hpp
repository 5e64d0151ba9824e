// `commopt data fetch NAME...`: LIBSVM datasets from the LIBSVM pages or a mirror, checked.
#pragma once
#include <string>
#include <vector>

namespace commopt::cli {
int data_fetch(const std::vector<std::string>& args);
}  // namespace commopt::cli
