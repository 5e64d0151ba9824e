// The version of commopt and the git revision it was built from (generated at configure time
// from lib/core/version.cpp.in; "unknown" outside a git checkout).
#pragma once

namespace commopt {
const char* version();
const char* git_revision();
}  // namespace commopt
