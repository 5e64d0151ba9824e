// Dataset registry: resolves `data=NAME` through a search path, loads each file once per process,
// and lists what is available (`commopt list datasets`).
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "problems/label_map.hpp"
#include "problems/libsvm.hpp"

namespace commopt {

// Absolute directories searched for a dataset name, in order (duplicates removed, missing ones kept so
// that error messages can list them): `data_dir` (the --data-dir flag, if not empty), each entry
// of $COMMOPT_DATA (':'-separated), ./data, <source>/../shared/datasets, ./../shared/datasets,
// $XDG_DATA_HOME/commopt (default ~/.local/share/commopt).
std::vector<std::filesystem::path> dataset_search_path(const std::string& data_dir);

// File names tried in each directory: NAME, NAME.xz, NAME.bz2, NAME.gz, NAME.libsvm, NAME.txt.
std::vector<std::string> dataset_file_candidates(const std::string& name);

// Seam for fetching a missing dataset later (e.g. from the LIBSVM page into the last search
// directory). Called with the name and the searched directories when nothing was found; returns
// the downloaded file or nullopt. None is installed by default, so nothing is ever downloaded.
using DatasetFetcher =
    std::function<std::optional<std::filesystem::path>(const std::string& name,
                                                       const std::vector<std::filesystem::path>& searched)>;
void set_dataset_fetcher(DatasetFetcher fetcher);

// The file `name` refers to. A name holding '/' or naming an existing file is a path (suffixes
// are still tried). Otherwise the search path is walked. Throws UsageError listing every place
// looked at when nothing is found.
std::filesystem::path resolve_dataset(const std::string& name, const std::string& data_dir);

// Parsed dataset, shared: the same file (same size and mtime) with the same feature override is
// parsed once per process. Thread-safe; concurrent requests for one file wait for one parse.
// With `rows`, only the rows it keeps are parsed (LibsvmOptions::keep_rows); `rows.key` names the
// selection in the cache. With a `labels` map other than keep, the labels are ±1 through it (and
// DatasetInfo::label_map names it); a map leaving one class is a UsageError.
struct RowSelection {
  std::string key;
  std::function<std::vector<char>(const Vec& labels)> keep;
};
std::shared_ptr<const LibsvmData> load_dataset(const std::string& name, const std::string& data_dir,
                                               std::optional<int> features = std::nullopt,
                                               const RowSelection& rows = {}, const LabelMap& labels = {});

// Dataset files found on the search path (first occurrence of each name wins), in search order
// and by name within a directory. With `parse`, each is loaded (through the cache) and its
// statistics filled in.
std::vector<DatasetInfo> list_datasets(const std::string& data_dir, bool parse = false);

}  // namespace commopt
