// LIBSVM reader: decompression through Boost.Iostreams, then a single-pass std::from_chars parser
// that builds the CSR arrays directly (no iostream >>, no triplet sort).
#include "problems/libsvm.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>

#include <boost/iostreams/device/array.hpp>
#include <boost/iostreams/filter/bzip2.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filter/lzma.hpp>
#include <boost/iostreams/filtering_streambuf.hpp>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/excerpt.hpp"
#include "problems/checksum.hpp"

namespace commopt {

namespace io = boost::iostreams;

std::string detect_compression(std::string_view head) {
  if (head.size() >= 6 && head.substr(0, 6) == std::string_view("\xFD" "7zXZ\0", 6)) return "xz";
  if (head.size() >= 3 && head.substr(0, 3) == "BZh") return "bzip2";
  if (head.size() >= 2 && head.substr(0, 2) == "\x1F\x8B") return "gzip";
  return "none";
}

namespace {

// Largest decompressed dataset read into memory: 4 GiB, or COMMOPT_MAX_DATA_BYTES when set. A
// compression bomb (a few hundred KB of .xz that expands to many GB) stops here with a clear message
// instead of exhausting memory.
std::uint64_t max_data_bytes() {
  const char* env = std::getenv("COMMOPT_MAX_DATA_BYTES");
  if (!env || !*env) return std::uint64_t{4} << 30;
  std::uint64_t v = 0;
  const char* end = env + std::strlen(env);
  const auto r = std::from_chars(env, end, v);
  if (r.ec != std::errc() || r.ptr != end || v == 0)
    throw UsageError(fmt::format("COMMOPT_MAX_DATA_BYTES='{}' is not a positive number of bytes", excerpt(env)));
  return v;
}

[[noreturn]] void too_large(const std::filesystem::path& path, const std::string& verb, std::uint64_t cap) {
  throw UsageError(fmt::format("{}: {} more than {} bytes, the limit for a dataset (raise it with "
                               "COMMOPT_MAX_DATA_BYTES=N if the file is genuine)",
                               path.string(), verb, cap));
}

}  // namespace

std::string read_decompressed(const std::filesystem::path& path, std::string* compression) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw UsageError(fmt::format("{}: no such file (check the path or the dataset name)", path.string()));
  const std::uint64_t cap = max_data_bytes();
  if (const auto size = std::filesystem::file_size(path, ec); !ec && size > cap) too_large(path, "holds", cap);
  std::ifstream raw(path, std::ios::binary);
  if (!raw) throw UsageError(fmt::format("{}: cannot open for reading (check its permissions)", path.string()));
  std::string bytes((std::istreambuf_iterator<char>(raw)), std::istreambuf_iterator<char>());
  if (raw.bad()) throw UsageError(fmt::format("{}: read error", path.string()));
  const std::string kind = detect_compression(bytes.substr(0, 6));
  if (compression) *compression = kind;
  if (kind == "none") return bytes;

  io::filtering_istreambuf in;
  if (kind == "xz") in.push(io::lzma_decompressor());
  if (kind == "bzip2") in.push(io::bzip2_decompressor());
  if (kind == "gzip") in.push(io::gzip_decompressor());
  in.push(io::array_source(bytes.data(), bytes.size()));
  std::string out;
  out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size() * 6, cap)));
  bool over = false;
  try {
    char chunk[1 << 16];
    for (;;) {
      const std::streamsize got = in.sgetn(chunk, sizeof chunk);
      if (got <= 0) break;
      if (out.size() + static_cast<std::uint64_t>(got) > cap) {
        over = true;
        break;
      }
      out.append(chunk, static_cast<std::size_t>(got));
    }
  } catch (const std::exception& e) {
    throw UsageError(fmt::format("{}: corrupt or truncated {} stream ({}); re-download or recompress the file",
                                 path.string(), kind, e.what()));
  }
  if (over) too_large(path, fmt::format("decompresses ({}) to", kind), cap);
  return out;
}

std::string dataset_name_from_file(const std::filesystem::path& path) {
  std::string name = path.filename().string();
  for (const char* suffix : {".xz", ".bz2", ".gz", ".libsvm", ".txt"}) {
    const std::string_view s(suffix);
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0)
      name.resize(name.size() - s.size());
  }
  return name;
}

namespace {

// Largest feature index accepted: every method keeps several dense d-vectors per worker, so d = 10^8
// already needs ~0.8 GB per vector; a larger index is a corrupt or mistyped file, refused before any
// d-sized allocation.
constexpr long long kMaxLibsvmFeatures = 100'000'000;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// Parses all of [b, e) as a double; a leading '+' is accepted. False on any leftover character.
bool parse_double(const char* b, const char* e, double& out) {
  if (b != e && *b == '+') ++b;
  if (b == e) return false;
  const auto r = std::from_chars(b, e, out);
  return r.ec == std::errc() && r.ptr == e && std::isfinite(out);
}

bool parse_index(const char* b, const char* e, long long& out) {
  if (b != e && *b == '+') ++b;
  const auto r = std::from_chars(b, e, out);
  return b != e && r.ec == std::errc() && r.ptr == e;
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& source, const LibsvmOptions& opts)
      : text_(text), source_(source), opts_(opts) {}

  LibsvmData run() {
    outer_.push_back(0);
    std::size_t pos = 0;
    while (pos < text_.size()) {
      std::size_t end = text_.find('\n', pos);
      if (end == std::string_view::npos) end = text_.size();
      ++line_;
      if (opts_.keep_rows) scan_line(text_.data() + pos, text_.data() + end);
      else parse_line(text_.data() + pos, text_.data() + end);
      pos = end + 1;
    }
    if (opts_.keep_rows) parse_kept_rows();
    if (labels_.empty())
      throw UsageError(fmt::format("{}: empty file (no data lines); expected LIBSVM lines 'label index:value ...'",
                                   source_));
    return finish();
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw UsageError(fmt::format("{}, line {}: {}", source_, line_, what));
  }

  // First pass with keep_rows: the label and the largest index (the last one: indices increase).
  void scan_line(const char* p, const char* e) {
    while (p != e && is_space(*p)) ++p;
    if (p == e || *p == '#') return;
    const char* const begin = p;
    while (p != e && !is_space(*p)) ++p;
    // parse_line reports what is wrong with a line that fails the checks below.
    const auto reject = [&] {
      parse_line(begin, e);
      throw std::logic_error("LIBSVM scan: a line rejected by the scan passed the parser");
    };
    double label = 0;
    if (!parse_double(begin, p, label)) reject();
    std::string_view last;
    for (;;) {
      while (p != e && is_space(*p)) ++p;
      if (p == e || *p == '#') break;
      const char* t = p;
      while (p != e && !is_space(*p)) ++p;
      last = std::string_view(t, static_cast<std::size_t>(p - t));
    }
    if (!last.empty()) {
      long long idx = 0;
      const std::size_t colon = last.find(':');
      if (colon == std::string_view::npos || !parse_index(last.data(), last.data() + colon, idx) || idx <= 0 ||
          idx > kMaxLibsvmFeatures || (opts_.features && idx > *opts_.features))
        reject();
      max_index_ = std::max(max_index_, static_cast<int>(idx));
    }
    lines_.push_back({begin, e, line_});
    labels_.push_back(label);
  }

  // Second pass with keep_rows: full parse of the kept rows, empty rows elsewhere.
  void parse_kept_rows() {
    std::vector<double> raw;
    raw.swap(labels_);
    if (opts_.relabel) opts_.relabel(raw);
    bool binary = false;
    const std::vector<char> keep = opts_.keep_rows(map_labels(raw, binary));
    if (keep.size() != raw.size()) throw std::logic_error("LibsvmOptions::keep_rows: one flag per row expected");
    for (std::size_t r = 0; r < lines_.size(); ++r) {
      if (keep[r]) {
        line_ = lines_[r].line;
        parse_line(lines_[r].begin, lines_[r].end);
        ++rows_parsed_;
      } else {
        outer_.push_back(static_cast<int>(inner_.size()));
        labels_.push_back(raw[r]);
      }
    }
    // parse_line re-read the kept rows' raw labels: raw holds every row's label, relabeled.
    if (opts_.relabel) labels_ = std::move(raw);
  }

  void parse_line(const char* p, const char* e) {
    while (p != e && is_space(*p)) ++p;
    if (p == e || *p == '#') return;  // blank line or comment
    const char* t = p;
    while (p != e && !is_space(*p)) ++p;
    const std::string_view label_tok(t, static_cast<std::size_t>(p - t));
    if (label_tok.find(':') != std::string_view::npos)
      fail(fmt::format("missing label: the line starts with '{}' (each line is 'label index:value ...')",
                       excerpt(label_tok)));
    double label = 0;
    if (!parse_double(t, p, label)) fail(fmt::format("label '{}' is not a number", excerpt(label_tok)));
    long long prev = 0;
    for (;;) {
      while (p != e && is_space(*p)) ++p;
      if (p == e || *p == '#') break;
      t = p;
      while (p != e && !is_space(*p)) ++p;
      const std::string_view tok(t, static_cast<std::size_t>(p - t));
      const std::size_t colon = tok.find(':');
      if (colon == std::string_view::npos) fail(fmt::format("'{}' is not index:value", excerpt(tok)));
      long long idx = 0;
      if (!parse_index(t, t + colon, idx)) fail(fmt::format("index '{}' is not an integer", excerpt(tok.substr(0, colon))));
      if (idx <= 0) fail(fmt::format("index {} in '{}' (LIBSVM indices are 1-based)", idx, excerpt(tok)));
      if (idx > kMaxLibsvmFeatures)
        fail(fmt::format("index {} exceeds the limit of {} features (a corrupt or mistyped file?)", idx,
                         kMaxLibsvmFeatures));
      if (idx <= prev)
        fail(fmt::format("indices must be strictly increasing within a line ({} after {})", idx, prev));
      if (opts_.features && idx > *opts_.features)
        fail(fmt::format("index {} exceeds the given feature count {} (raise features= or drop it)", idx,
                         *opts_.features));
      double value = 0;
      if (!parse_double(t + colon + 1, p, value))
        fail(fmt::format("value '{}' of index {} is not a finite number", excerpt(tok.substr(colon + 1)), idx));
      prev = idx;
      max_index_ = std::max(max_index_, static_cast<int>(idx));
      inner_.push_back(static_cast<int>(idx - 1));
      values_.push_back(value);
    }
    if (inner_.size() > static_cast<std::size_t>(INT_MAX)) fail("more than 2^31 stored entries");
    outer_.push_back(static_cast<int>(inner_.size()));
    labels_.push_back(label);
  }

  LibsvmData finish() {
    LibsvmData d;
    const int cols = opts_.features ? *opts_.features : max_index_;
    if (cols <= 0)
      throw UsageError(fmt::format("{}: no feature index in any line; give features=N or check the file", source_));
    if (opts_.relabel && !opts_.keep_rows) opts_.relabel(labels_);  // keep_rows: parse_kept_rows did it
    const auto rows = static_cast<Index>(labels_.size());
    d.A = Eigen::Map<const Csr>(rows, cols, static_cast<Index>(inner_.size()), outer_.data(), inner_.data(),
                                values_.data());
    d.b = map_labels(labels_, d.info.binary, &d.info.labels);
    d.info.name = opts_.name;
    d.info.parsed = true;
    d.info.rows = static_cast<long>(rows);
    d.info.features = cols;
    d.info.nnz = static_cast<long>(inner_.size());
    d.info.rows_parsed = opts_.keep_rows ? rows_parsed_ : static_cast<long>(rows);
    return d;
  }

  // Labels as ±1 when there are exactly two (the smaller one is −1), raw otherwise.
  static Vec map_labels(const std::vector<double>& raw, bool& binary, std::vector<LabelCount>* counts_out = nullptr) {
    std::map<double, long> counts;
    for (double l : raw) ++counts[l];
    Vec b = Eigen::Map<const Vec>(raw.data(), static_cast<Index>(raw.size()));
    if (counts.size() == 2) {
      const double lo = counts.begin()->first;
      for (Index r = 0; r < b.size(); ++r) b[r] = b[r] == lo ? -1.0 : 1.0;
      binary = true;
    } else {
      binary = std::all_of(counts.begin(), counts.end(),
                           [](const auto& kv) { return kv.first == 1.0 || kv.first == -1.0; });
    }
    if (counts_out)
      for (const auto& [l, c] : counts) counts_out->push_back({l, c});
    return b;
  }

  std::string_view text_;
  const std::string& source_;
  const LibsvmOptions& opts_;
  long line_ = 0;
  int max_index_ = 0;
  std::vector<int> outer_, inner_;
  std::vector<double> values_, labels_;
  struct LineRef {
    const char* begin;
    const char* end;
    long line;
  };
  std::vector<LineRef> lines_;  // data lines (keep_rows only)
  long rows_parsed_ = 0;
};

}  // namespace

LibsvmData parse_libsvm(std::string_view text, const std::string& source, const LibsvmOptions& opts) {
  if (opts.features && *opts.features < 1)
    throw UsageError(fmt::format("{}: features={} must be at least 1", source, *opts.features));
  if (opts.features && *opts.features > kMaxLibsvmFeatures)
    throw UsageError(fmt::format("{}: features={} exceeds the limit of {} features", source, *opts.features,
                                 kMaxLibsvmFeatures));
  return Parser(text, source, opts).run();
}

LibsvmData read_libsvm(const std::filesystem::path& path, const LibsvmOptions& opts) {
  std::string compression;
  const std::string text = read_decompressed(path, &compression);
  LibsvmOptions o = opts;
  if (o.name.empty()) o.name = dataset_name_from_file(path);
  LibsvmData d = parse_libsvm(text, path.string(), o);
  d.info.path = path;
  std::error_code ec;
  d.info.file_bytes = std::filesystem::file_size(path, ec);
  d.info.compression = compression;
  d.info.checksum = hex64(fnv1a64(text));
  return d;
}

}  // namespace commopt
