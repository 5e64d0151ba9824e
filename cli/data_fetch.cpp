// `commopt data fetch NAME... [--from DIR|URL] [--data-dir DIR] [--force] [-q] [--json FILE|-] | --list`.
// Each NAME of the catalogue (problems/dataset_catalogue.hpp) is downloaded into the first writable
// directory of the dataset search path as <file>.partial (resumed when it is already there), checked
// (size and sha256 where the table records them; otherwise only that it parses as LIBSVM, said so),
// then renamed. A checksum mismatch or a file that does not parse removes the download and exits 2.
#include "cli/data_fetch.hpp"

#include <cctype>
#include <fstream>
#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "cli/download.hpp"
#include "cli/vocabulary.hpp"
#include "core/error.hpp"
#include "core/spec.hpp"
#include "problems/dataset_catalogue.hpp"
#include "problems/datasets.hpp"
#include "problems/libsvm.hpp"
#include "problems/sha256.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace commopt::cli {

namespace {

struct Source {
  std::string url;
  CatalogueFile expected;  // what the table says about the bytes at `url`
};

bool is_url(const std::string& s) { return s.find("://") != std::string::npos; }

// file:// URL of an absolute path, percent-encoding what a URL cannot hold.
std::string file_url(const fs::path& p) {
  std::string out = "file://";
  for (const unsigned char c : fs::absolute(p).lexically_normal().string())
    out += std::isalnum(c) || std::string_view("/-._~").find(static_cast<char>(c)) != std::string_view::npos
               ? std::string(1, static_cast<char>(c))
               : fmt::format("%{:02X}", c);
  return out;
}

// Where to look, in order: the LIBSVM page, or in the mirror its xz copy (flat, as shared/datasets
// holds them), the LIBSVM layout (<page>/<file>), then the file at the top.
std::vector<Source> sources(const CatalogueEntry& e, const std::string& from) {
  if (from.empty()) return {{libsvm_url(e), e.upstream}};
  std::vector<std::pair<std::string, CatalogueFile>> rel;
  if (!e.mirror.file.empty()) rel.emplace_back(e.mirror.file, e.mirror);
  rel.emplace_back(e.page + "/" + e.upstream.file, e.upstream);
  rel.emplace_back(e.upstream.file, e.upstream);
  std::vector<Source> out;
  if (is_url(from)) {
    std::string base = from;
    while (!base.empty() && base.back() == '/') base.pop_back();
    for (const auto& [path, file] : rel) out.push_back({base + "/" + path, file});
  } else {
    std::error_code ec;
    if (!fs::is_directory(from, ec))
      throw UsageError(fmt::format("data fetch: --from {}: no such directory; give a mirror directory or a URL", from));
    for (const auto& [path, file] : rel)
      if (fs::is_regular_file(fs::path(from) / path, ec)) out.push_back({file_url(fs::path(from) / path), file});
    if (out.empty())
      throw UsageError(fmt::format("data fetch: {} is not in the mirror {} (looked for {}{}/{} and {})", e.name, from,
                                   e.mirror.file.empty() ? "" : e.mirror.file + ", ", e.page, e.upstream.file,
                                   e.upstream.file));
  }
  return out;
}

// The first existing writable directory of the search path; else the last one (the per-user
// directory), created.
fs::path fetch_directory(const std::string& data_dir) {
  const auto dirs = dataset_search_path(data_dir);
  std::error_code ec;
  for (const auto& d : dirs)
    if (fs::is_directory(d, ec) && access(d.c_str(), W_OK) == 0) return d;
  if (!dirs.empty() && fs::create_directories(dirs.back(), ec) && access(dirs.back().c_str(), W_OK) == 0)
    return dirs.back();
  throw UsageError("data fetch: no writable directory on the dataset search path; pass --data-dir DIR");
}

// ".bz2" of "real-sim.bz2": the suffix the reader knows, kept so that data=NAME finds the file.
std::string compression_suffix(const std::string& file) {
  for (const char* s : {".bz2", ".xz", ".gz"})
    if (file.size() > std::string_view(s).size() && file.ends_with(s)) return s;
  return "";
}

std::string file_name(const std::string& url) { return url.substr(url.find_last_of('/') + 1); }

// Size and sha256 against the table; throws (exit 2) on a mismatch after removing `file`.
bool verify_checksum(const fs::path& file, const Source& src, const std::string& shown) {
  if (src.expected.sha256.empty()) return false;
  std::uintmax_t bytes = 0;
  const std::string sha = sha256_file(file, &bytes);
  if (sha == src.expected.sha256 && (src.expected.bytes == 0 || bytes == src.expected.bytes)) return true;
  std::error_code ec;
  fs::remove(file, ec);
  throw UsageError(fmt::format("data fetch: checksum mismatch for {} (from {}): {} bytes, sha256 {}; the table "
                               "records {} bytes, sha256 {}; nothing kept. Retry, or check the mirror",
                               shown, src.url, bytes, sha, src.expected.bytes, src.expected.sha256));
}

// Parses `file` as LIBSVM (any compression); removes it and throws (exit 2) if it does not parse.
DatasetInfo verify_parses(const fs::path& file, const std::string& name, const std::string& url) {
  try {
    LibsvmOptions opts;
    opts.name = name;
    return read_libsvm(file, opts).info;
  } catch (const UsageError& e) {
    std::error_code ec;
    if (!url.empty()) fs::remove(file, ec);
    throw UsageError(fmt::format("data fetch: {} (from {}) is not a LIBSVM file: {}{}", name, url.empty() ? "disk" : url,
                                 e.what(), url.empty() ? "; remove it or pass --force" : "; nothing kept"));
  }
}

std::string describe(const DatasetInfo& d) {
  return fmt::format("{} rows, {} features, {} labels", d.rows, d.features, d.labels.size());
}

// Human lines go to `out` (stderr when the JSON goes to stdout); `records` is what --json writes.
struct Report {
  std::FILE* out = stdout;
  nlohmann::json records = nlohmann::json::array();
};

nlohmann::json sha_or_null(const CatalogueFile& f) { return f.sha256.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.sha256); }

void print_catalogue(Report& rep) {
  fmt::print(rep.out, "{:<18} {:<10} {:<34} {}\n", "name", "page", "file", "checksum");
  for (const auto& e : dataset_catalogue()) {
    fmt::print(rep.out, "{:<18} {:<10} {:<34} {}\n", e.name, e.page, e.upstream.file,
               !e.upstream.sha256.empty()   ? "sha256 recorded"
               : !e.mirror.sha256.empty() ? "recorded for the mirror copy " + e.mirror.file
                                          : "not recorded");
    rep.records.push_back({{"name", e.name}, {"page", e.page}, {"file", e.upstream.file}, {"url", libsvm_url(e)},
                           {"sha256", sha_or_null(e.upstream)}, {"bytes", e.upstream.bytes ? nlohmann::json(e.upstream.bytes) : nlohmann::json(nullptr)},
                           {"mirror_file", e.mirror.file.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.mirror.file)},
                           {"mirror_sha256", sha_or_null(e.mirror)},
                           {"content_sha256", e.content_sha256.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.content_sha256)}});
  }
}

void write_json(const std::string& path, const nlohmann::json& j) {
  if (path == "-") {
    std::cout << j.dump(2) << '\n';
    return;
  }
  std::ofstream out(path, std::ios::trunc);
  out << j.dump(2) << '\n';
  out.close();
  if (!out) throw UsageError(fmt::format("data fetch: cannot write --json {}; check the directory exists and is writable", path));
}

// Returns 0 when the dataset is there (fetched or already present), 1 when the transfer failed.
int fetch_one(const std::string& name, const std::string& from, const fs::path& dir, bool force, bool progress,
              Report& rep) {
  const CatalogueEntry* e = find_catalogue_entry(name);
  if (!e) {
    std::vector<std::string> names;
    for (const auto& c : dataset_catalogue()) names.push_back(c.name);
    throw UsageError("data fetch: " + unknown_name_message("dataset", name, names) + " (commopt data fetch --list)");
  }
  std::error_code ec;
  std::optional<fs::path> existing;
  for (const auto& cand : dataset_file_candidates(name))
    if (fs::is_regular_file(dir / cand, ec)) existing = dir / cand;
  const auto srcs = sources(*e, from);
  if (existing && !force) {
    const std::string sha = sha256_file(*existing);
    for (const auto& s : srcs)
      if (!s.expected.sha256.empty() && sha == s.expected.sha256) {
        fmt::print(rep.out, "{}: {} is already there and matches its sha256; not replaced (--force to fetch again)\n",
                   name, existing->string());
        rep.records.push_back({{"name", name}, {"status", "already there"}, {"file", existing->string()},
                               {"sha256", sha}, {"checksum", "verified"}});
        return 0;
      }
    const DatasetInfo d = verify_parses(*existing, name, "");
    fmt::print(rep.out, "{}: {} is already there ({}); not replaced (--force to fetch again)\n", name,
               existing->string(), describe(d));
    rep.records.push_back({{"name", name}, {"status", "already there"}, {"file", existing->string()}, {"sha256", sha},
                           {"checksum", "not recorded"}, {"rows", d.rows}, {"features", d.features}});
    return 0;
  }
  std::vector<std::string> tried;
  for (const auto& src : srcs) {
    const fs::path final_path = dir / (name + compression_suffix(file_name(src.url)));
    const fs::path partial = final_path.string() + ".partial";
    const DownloadResult r = download(src.url, partial, progress, name);
    if (r.status == DownloadResult::Status::not_found) {
      tried.push_back(fmt::format("{} ({})", src.url, r.message));
      continue;
    }
    if (r.status == DownloadResult::Status::failed) {
      if (r.bytes > 0)
        fmt::print(stderr, "commopt data fetch: {}: download from {} failed: {}; {} bytes kept in {}: run the same "
                           "command again to resume\n", name, src.url, r.message, r.bytes, partial.string());
      else
        fmt::print(stderr, "commopt data fetch: {}: download from {} failed: {}; nothing downloaded: check the "
                           "network, or fetch from a mirror with --from DIR|URL\n", name, src.url, r.message);
      rep.records.push_back({{"name", name}, {"status", "failed"}, {"url", src.url}, {"error", r.message},
                             {"partial", partial.string()}, {"bytes", r.bytes}});
      return 1;
    }
    if (r.resumed_from > 0) fmt::print(rep.out, "{}: resumed {} at byte {}\n", name, partial.string(), r.resumed_from);
    if (progress) fmt::print(stderr, "\r  {}  checking: sha256 and parsing ...\033[K", name);
    const bool verified = verify_checksum(partial, src, final_path.filename().string());
    const DatasetInfo d = verify_parses(partial, name, src.url);
    if (progress) fmt::print(stderr, "\r\033[K");
    std::string content_note;
    nlohmann::json same_text = nullptr;  // the decompressed text vs the shared/datasets copy's
    if (!verified && !e->content_sha256.empty()) {
      same_text = sha256_hex(read_decompressed(partial)) == e->content_sha256;
      content_note = same_text.get<bool>()
                         ? "; its text equals the shared/datasets copy (sha256 recorded)"
                         : "; its text differs from the shared/datasets copy (from GitHub, see its MANIFEST)";
    }
    if (existing && *existing != final_path) fs::remove(*existing, ec);  // --force: the new file replaces it
    fs::rename(partial, final_path);
    const std::string sha = sha256_file(final_path);
    fmt::print(rep.out, "{}: {} ({} bytes) from {}: {}; {}{}\n", name, final_path.string(), r.bytes, src.url,
               describe(d), verified ? "size and sha256 verified" : fmt::format("checksum not recorded, so unverified (sha256 {})", sha),
               content_note);
    rep.records.push_back({{"name", name}, {"status", "fetched"}, {"file", final_path.string()}, {"url", src.url},
                           {"bytes", r.bytes}, {"resumed_from", r.resumed_from}, {"sha256", sha},
                           {"checksum", verified ? "verified" : "not recorded"}, {"same_text_as_shipped", same_text},
                           {"rows", d.rows}, {"features", d.features}});
    return 0;
  }
  throw UsageError(fmt::format("data fetch: {} not found at {}; check --from or the name", name, fmt::join(tried, ", ")));
}

}  // namespace

int data_fetch(const std::vector<std::string>& args) {
  std::vector<std::string> names;
  std::string from, data_dir, json;
  bool force = false, quiet = false, list = false;
  po::options_description desc("commopt data fetch options");
  desc.add_options()("help,h", "this help")(
      "name", po::value(&names)->multitoken(), "datasets to fetch (commopt data fetch --list); required unless --list")(
      "from", po::value(&from),
      "mirror: a directory or URL base holding NAME.xz, <page>/<file> or <file> (default: none, the LIBSVM pages)")(
      "data-dir", po::value(&data_dir),
      "directory to download into (default: the first writable directory of the dataset search path)")(
      "force", po::bool_switch(&force), "download again even if the dataset is already there")(
      "quiet,q", po::bool_switch(&quiet), "no progress line")("list", po::bool_switch(&list),
                                                              "list the datasets that can be fetched")(
      "json", po::value(&json), "also write the results (or --list) as JSON to this file, '-' = stdout (default: none)");
  po::positional_options_description pos;
  pos.add("name", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(canonical_flags(args, desc, "data fetch")).options(desc).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << "usage: commopt data fetch NAME... [--from DIR|URL] [--data-dir DIR] [--force] [-q] [--json FILE|-] | --list\n\n"
              << desc << "\nexit: 0 fetched or already there, 1 a transfer failed (the .partial file is kept for a "
                         "resume), 2 bad input or a checksum mismatch (nothing kept)\n";
    return 0;
  }
  po::notify(vm);
  Report rep;
  if (json == "-") rep.out = stderr;  // stdout holds the JSON alone
  if (list) {
    print_catalogue(rep);
    if (!json.empty()) write_json(json, {{"datasets", rep.records}});  // an object, like every command's document
    return 0;
  }
  if (names.empty()) throw UsageError("data fetch: name a dataset, e.g. `commopt data fetch a9a` (commopt data fetch --list)");
  const fs::path dir = fetch_directory(data_dir);
  const bool progress = !quiet && isatty(STDERR_FILENO);
  int code = 0;
  for (const auto& n : names) code = std::max(code, fetch_one(n, from, dir, force, progress, rep));
  if (!json.empty()) write_json(json, {{"datasets", rep.records}, {"directory", dir.string()}});
  return code;
}

}  // namespace commopt::cli
