// Dataset loading and class labels for the LIBSVM problems (see problem_data.hpp).
#include "problems/problem_data.hpp"

#include <algorithm>
#include <climits>

#include <fmt/format.h>

#include "core/error.hpp"
#include "problems/datasets.hpp"
#include "problems/split.hpp"

namespace commopt {

ParamDoc labels_param(bool k_class) {
  return {"labels", "keep",
          std::string("how the file's labels become the classes: keep (") +
              (k_class ? "its K classes; two labels: the smaller is class 0" : "two labels: the smaller becomes -1") +
              "), upto:T (labels <= T become +1, the others -1) or onevsrest:C (label C becomes +1, the others -1); "
              "e.g. data=news20,labels=upto:10"};
}

LabelMap problem_label_map(const Spec& spec) {
  return spec.has("labels") ? parse_label_map(spec.get_string("labels", "keep"), spec.what(), spec.str()) : LabelMap{};
}

std::shared_ptr<const LibsvmData> load_problem_data(const Spec& spec, int workers, const ProblemOptions& opts) {
  if (!spec.has("data"))
    throw UsageError(fmt::format("{}: '{}' needs data=NAME (e.g. {}[data=a9a]); see `commopt list datasets`",
                                 spec.what(), spec.str(), spec.name()));
  std::optional<int> features;
  if (spec.has("features")) {
    const long long f = spec.get_int("features", 0);
    if (f < 1 || f > INT_MAX)
      throw UsageError(fmt::format("{}: features={} in '{}' must be a positive integer", spec.what(), f, spec.str()));
    features = static_cast<int>(f);
  }
  const SplitKind split = parse_split(opts.split);
  RowSelection rows;
  if (opts.worker_begin > 0 || (opts.worker_end >= 0 && opts.worker_end < workers)) {
    const int begin = opts.worker_begin, end = opts.worker_end < 0 ? workers : opts.worker_end;
    rows.key = fmt::format("split={}|seed={}|n={}|workers={}-{}", opts.split, opts.seed, workers, begin, end);
    rows.keep = [=, seed = opts.seed](const Vec& labels) {
      const Split s = make_split(labels, workers, split, seed);
      std::vector<char> keep(static_cast<std::size_t>(labels.size()), 0);
      for (int i = begin; i < end; ++i)
        for (int r : s.rows(i)) keep[static_cast<std::size_t>(r)] = 1;
      return keep;
    };
  }
  return load_dataset(spec.get_string("data", ""), opts.data_dir, features, rows, problem_label_map(spec));
}

ClassLabels class_labels(const LibsvmData& data) {
  ClassLabels out;
  out.y.resize(static_cast<std::size_t>(data.b.size()));
  if (data.info.binary) {
    for (Index j = 0; j < data.b.size(); ++j) out.y[static_cast<std::size_t>(j)] = data.b[j] > 0 ? 1 : 0;
    out.classes = 2;
    return out;
  }
  std::vector<double> distinct(data.b.data(), data.b.data() + data.b.size());
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  for (Index j = 0; j < data.b.size(); ++j)
    out.y[static_cast<std::size_t>(j)] =
        static_cast<int>(std::lower_bound(distinct.begin(), distinct.end(), data.b[j]) - distinct.begin());
  out.classes = static_cast<int>(distinct.size());
  return out;
}

}  // namespace commopt
