// Dataset search path, name resolution, the process-wide parse cache and directory listing.
#include "problems/datasets.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/version.hpp"
#include "problems/dataset_catalogue.hpp"

namespace commopt {

namespace fs = std::filesystem;

namespace {

std::mutex g_mutex;  // guards g_fetcher and g_cache
DatasetFetcher g_fetcher;
std::map<std::string, std::shared_future<std::shared_ptr<const LibsvmData>>> g_cache;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// A file whose first bytes are a compression magic or a LIBSVM label looks like a dataset.
bool looks_like_dataset(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  char head[64] = {};
  in.read(head, sizeof head);
  const std::string_view h(head, static_cast<std::size_t>(in.gcount()));
  if (detect_compression(h) != "none") return true;
  const auto first = h.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return false;
  const char c = h[first];
  return (c >= '0' && c <= '9') || c == '+' || c == '-';
}

std::optional<fs::path> find_in(const fs::path& dir_or_stem, const std::string& name) {
  for (const auto& cand : dataset_file_candidates(name))
    if (is_file(dir_or_stem / cand)) return dir_or_stem / cand;
  return std::nullopt;
}

}  // namespace

std::vector<fs::path> dataset_search_path(const std::string& data_dir) {
  std::vector<fs::path> dirs;
  if (!data_dir.empty()) {
    // An explicit --data-dir that does not exist is a typo, not a directory to skip silently.
    std::error_code ec;
    if (!fs::is_directory(data_dir, ec))
      throw UsageError(fmt::format("--data-dir {}: {}; give an existing directory", data_dir,
                                   fs::exists(data_dir, ec) ? "not a directory" : "no such directory"));
    dirs.emplace_back(data_dir);
  }
  const std::string list = env("COMMOPT_DATA");
  for (std::size_t pos = 0; pos <= list.size() && !list.empty();) {
    const std::size_t colon = std::min(list.find(':', pos), list.size());
    if (colon > pos) dirs.emplace_back(list.substr(pos, colon - pos));
    pos = colon + 1;
  }
  dirs.emplace_back("data");
  dirs.push_back((fs::path(source_dir()) / ".." / "shared" / "datasets").lexically_normal());
  dirs.push_back(fs::path("..") / "shared" / "datasets");
  if (const std::string xdg = env("XDG_DATA_HOME"); !xdg.empty()) {
    dirs.push_back(fs::path(xdg) / "commopt");
  } else if (const std::string home = env("HOME"); !home.empty()) {
    dirs.push_back(fs::path(home) / ".local" / "share" / "commopt");
  }
  std::vector<fs::path> unique;  // absolute, so that messages say exactly where we looked
  std::set<std::string> seen;
  for (const auto& d : dirs) {
    std::error_code ec;
    const fs::path abs = fs::absolute(d, ec).lexically_normal();
    const fs::path canon = fs::weakly_canonical(abs, ec);
    if (seen.insert(ec ? abs.string() : canon.string()).second) unique.push_back(abs);
  }
  return unique;
}

std::vector<std::string> dataset_file_candidates(const std::string& name) {
  std::vector<std::string> out;
  for (const char* suffix : {"", ".xz", ".bz2", ".gz", ".libsvm", ".txt"}) out.push_back(name + suffix);
  return out;
}

void set_dataset_fetcher(DatasetFetcher fetcher) {
  std::lock_guard lock(g_mutex);
  g_fetcher = std::move(fetcher);
}

fs::path resolve_dataset(const std::string& name, const std::string& data_dir) {
  if (name.empty()) throw UsageError("data= is empty; give a dataset name (e.g. data=a9a) or a file path");
  if (name.find('/') != std::string::npos || is_file(name)) {
    if (is_file(name)) return name;
    const fs::path p(name);
    if (auto hit = find_in(p.parent_path(), p.filename().string())) return *hit;
    throw UsageError(fmt::format("dataset file '{}' not found (tried {}); check the path", name,
                                 fmt::join(dataset_file_candidates(name), ", ")));
  }
  const auto dirs = dataset_search_path(data_dir);
  for (const auto& dir : dirs)
    if (auto hit = find_in(dir, name)) return *hit;
  DatasetFetcher fetcher;
  {
    std::lock_guard lock(g_mutex);
    fetcher = g_fetcher;
  }
  if (fetcher)
    if (auto fetched = fetcher(name, dirs); fetched && is_file(*fetched)) return *fetched;
  std::vector<std::string> places;
  for (const auto& d : dirs) {
    std::error_code ec;
    places.push_back(fs::is_directory(d, ec) ? d.string() : d.string() + " (missing)");
  }
  const std::string fix = find_catalogue_entry(name)
                              ? fmt::format("`commopt data fetch {}` downloads it, or put {}.xz in one of these directories", name, name)
                              : fmt::format("put {}.xz in one of these directories or pass --data-dir DIR", name);
  throw UsageError(fmt::format("dataset '{}' not found; looked for {} in: {}; {}", name,
                               fmt::join(dataset_file_candidates(name), ", "), fmt::join(places, ", "), fix));
}

std::shared_ptr<const LibsvmData> load_dataset(const std::string& name, const std::string& data_dir,
                                               std::optional<int> features, const RowSelection& rows,
                                               const LabelMap& labels) {
  const fs::path path = resolve_dataset(name, data_dir);
  std::error_code ec;
  const fs::path canon = fs::weakly_canonical(fs::absolute(path, ec), ec);
  const auto size = fs::file_size(path, ec);
  const auto mtime = fs::last_write_time(path, ec).time_since_epoch().count();
  const std::string key = fmt::format("{}|{}|{}|{}|{}|{}", canon.string(), size, static_cast<long long>(mtime),
                                      features ? *features : 0, rows.keep ? rows.key : "all", labels.str());
  std::promise<std::shared_ptr<const LibsvmData>> promise;
  std::shared_future<std::shared_ptr<const LibsvmData>> future;
  bool owner = false;
  {
    std::lock_guard lock(g_mutex);
    auto it = g_cache.find(key);
    if (it == g_cache.end()) {
      future = promise.get_future().share();
      g_cache.emplace(key, future);
      owner = true;
    } else {
      future = it->second;
    }
  }
  if (owner) {
    try {
      LibsvmOptions opts;
      opts.features = features;
      opts.keep_rows = rows.keep;
      opts.name = name.find('/') == std::string::npos && !is_file(name) ? name : dataset_name_from_file(path);
      if (!labels.keeps())
        opts.relabel = [&labels, source = path.string()](std::vector<double>& l) { apply_label_map(labels, l, source); };
      LibsvmData data = read_libsvm(path, opts);
      if (!labels.keeps()) data.info.label_map = labels.str();
      promise.set_value(std::make_shared<const LibsvmData>(std::move(data)));
    } catch (...) {
      {
        std::lock_guard lock(g_mutex);
        g_cache.erase(key);  // a failed parse is not cached: the file may be fixed and retried
      }
      promise.set_exception(std::current_exception());
    }
  }
  return future.get();
}

std::vector<DatasetInfo> list_datasets(const std::string& data_dir, bool parse) {
  std::vector<DatasetInfo> out;
  std::set<std::string> names;
  for (const auto& dir : dataset_search_path(data_dir)) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string fname = entry.path().filename().string();
      if (fname.empty() || fname[0] == '.' || !is_file(entry.path())) continue;
      if (looks_like_dataset(entry.path())) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      const std::string name = dataset_name_from_file(file);
      if (!names.insert(name).second) continue;
      const fs::path f = find_in(dir, name).value_or(file);  // the file resolve_dataset would pick
      DatasetInfo info;
      if (parse) {
        info = load_dataset(f.string(), data_dir)->info;
        info.name = name;
      } else {
        std::ifstream in(f, std::ios::binary);
        char head[6] = {};
        in.read(head, sizeof head);
        info.name = name;
        info.path = f;
        info.file_bytes = fs::file_size(f, ec);
        info.compression = detect_compression(std::string_view(head, static_cast<std::size_t>(in.gcount())));
      }
      out.push_back(std::move(info));
    }
  }
  return out;
}

}  // namespace commopt
