// LIBSVM reader: `label index:value ...` text, plain or compressed (xz, bzip2, gzip detected by
// magic bytes, not by suffix), into a CSR matrix with labels mapped to ±1 for binary data.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/SparseCore>

#include "core/types.hpp"

namespace commopt {

using Csr = Eigen::SparseMatrix<double, Eigen::RowMajor, int>;

struct LabelCount {
  double label = 0;  // raw label as written in the file
  long count = 0;
};

// What a dataset is, as `commopt list datasets` / `commopt data` show it. The statistics are
// filled once the file has been parsed (`parsed == true`); a directory listing leaves them empty.
struct DatasetInfo {
  std::string name;               // e.g. "a9a" (file name without the compression suffix)
  std::filesystem::path path;
  std::uintmax_t file_bytes = 0;  // size on disk
  std::string compression;        // "none", "xz", "bzip2", "gzip"
  bool parsed = false;
  long rows = 0;
  int features = 0;               // largest index, or the user's override
  long nnz = 0;                   // stored index:value pairs (explicit zeros included) of the parsed rows
  long rows_parsed = 0;           // rows whose entries were read (< rows with LibsvmOptions::keep_rows)
  std::vector<LabelCount> labels; // distinct raw labels, ascending
  bool binary = false;            // exactly two labels (mapped to -1 < +1) or only ±1 present
  std::string checksum;           // FNV-1a 64 of the decompressed content, hex
  std::string label_map;          // the problem's labels= map ("upto:10"); empty: the file's labels
  // What the constants caches key on: the checksum, and the label map when there is one.
  std::string content_key() const { return label_map.empty() ? checksum : checksum + "|labels=" + label_map; }
};

struct LibsvmData {
  DatasetInfo info;
  Csr A;      // rows × features
  Vec b;      // labels: ±1 when info.binary, raw otherwise
};

struct LibsvmOptions {
  std::optional<int> features;  // feature count; an index above it is an error. Default: largest index
  std::string name;             // dataset name for DatasetInfo (default: file name sans suffix)
  // Rows to parse, given every row's label (±1 when binary) — a process holding some workers of a
  // split. The other rows are kept empty (no entries): only their label and largest index are
  // read, and malformed entries in them are not detected. Empty: parse every row.
  std::function<std::vector<char>(const Vec& labels)> keep_rows;
  // Applied once to every row's raw label (as written in the file), before the ±1 mapping and before
  // keep_rows sees them: the problems' labels= (problems/label_map.hpp). May throw UsageError.
  std::function<void(std::vector<double>& labels)> relabel;
};

// Compression detected from the first bytes: "xz", "bzip2", "gzip" or "none".
std::string detect_compression(std::string_view head);

// The whole decompressed content of `path`. Throws UsageError on a missing/unreadable/corrupt file.
std::string read_decompressed(const std::filesystem::path& path, std::string* compression = nullptr);

// Parses LIBSVM text. `source` names the input in error messages ("FILE, line N: ...").
LibsvmData parse_libsvm(std::string_view text, const std::string& source, const LibsvmOptions& opts);

// read_decompressed + parse_libsvm, filling path, file size, compression and checksum.
LibsvmData read_libsvm(const std::filesystem::path& path, const LibsvmOptions& opts = {});

// "a9a.xz" -> "a9a", "data.libsvm.gz" -> "data"; keeps "a9a.t".
std::string dataset_name_from_file(const std::filesystem::path& path);

}  // namespace commopt
