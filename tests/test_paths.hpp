// The two paths the tests need, fixed at configure time: the commopt binary of this build and the
// shared datasets beside the source tree (<source>/../shared/datasets). They are defined in one
// generated source (build/generated/test_paths.cpp, CMakeLists.txt), not as compile definitions, so
// that no test object depends on where the tree is checked out: ccache reuses them across worktrees.
#pragma once

namespace commopt::testing {
extern const char* const kCommoptBinary;
extern const char* const kSharedDatasets;
}  // namespace commopt::testing

#define COMMOPT_BINARY (::commopt::testing::kCommoptBinary)
#define COMMOPT_SHARED_DATASETS (::commopt::testing::kSharedDatasets)
