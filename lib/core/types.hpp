// Basic numeric types shared by every part of commopt.
#pragma once
#include <Eigen/Core>
#include <cstdint>

namespace commopt {
using Vec = Eigen::VectorXd;
using Index = Eigen::Index;
}  // namespace commopt
