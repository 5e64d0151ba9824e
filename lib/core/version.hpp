// The version of commopt, the git revision it was built from and the build type (generated at configure time
// from lib/core/version.cpp.in; "unknown" outside a git checkout).
#pragma once

namespace commopt {
const char* version();
const char* git_revision();
const char* build_type();  // CMAKE_BUILD_TYPE at configure time (Release, Debug, ...)
const char* source_dir();  // the source tree configured (the dataset search looks in its ../shared/datasets)
}  // namespace commopt
