// What every LIBSVM-backed problem needs before its own code runs: the dataset its spec names
// (`data=NAME`, optional `features=F` and `labels=MAP`), parsed once per process and restricted to
// the rows of the workers this process holds, and each row's class index for the classification
// losses.
#pragma once
#include <memory>
#include <vector>

#include "core/spec.hpp"
#include "problems/label_map.hpp"
#include "problems/libsvm.hpp"
#include "problems/registry.hpp"

namespace commopt {

// Loads the dataset of `spec` for `workers` workers, its labels through `labels=` (label_map.hpp).
// Throws UsageError on a missing data=, a bad features= or labels=, a label map leaving one class,
// or a dataset that cannot be found or read.
std::shared_ptr<const LibsvmData> load_problem_data(const Spec& spec, int workers, const ProblemOptions& opts);

// The spec's labels= (keep when absent). Throws UsageError on a malformed map.
LabelMap problem_label_map(const Spec& spec);

// The labels= parameter's documentation, shared by every problem that reads a LIBSVM dataset; with
// `k_class`, keep means the K classes of the file (softmax, mlp).
ParamDoc labels_param(bool k_class);

// The class of every row, y_j ∈ {0, ..., classes − 1}: for binary data (labels ±1) class 0 is −1
// and class 1 is +1; otherwise y_j is the rank of the raw label among the dataset's distinct
// labels in ascending order (news20's labels 1..20 become 0..19).
struct ClassLabels {
  std::vector<int> y;
  int classes = 0;
};
ClassLabels class_labels(const LibsvmData& data);

}  // namespace commopt
