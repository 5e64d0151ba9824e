// Writes a trace's rows as they come (trace.hpp) through a ResultFile: to `<path>.partial`, renamed
// to `path` on finish(), so a file at `path` is always complete; an interrupted run leaves only the
// .partial file with every row so far, and a failed write leaves no file and throws.
#pragma once
#include <filesystem>
#include <vector>

#include "trace/result_file.hpp"
#include "trace/trace.hpp"

namespace commopt {

class CsvTraceWriter {
 public:
  // `overwrite`: replace an existing trace at `path` (--force); `inputs`: files the run reads.
  explicit CsvTraceWriter(std::filesystem::path path, bool overwrite = false,
                          const std::vector<std::filesystem::path>& inputs = {});
  void write(const TraceRow& row);
  void finish();
  const std::filesystem::path& path() const { return file_.path(); }

 private:
  ResultFile file_;
};

}  // namespace commopt
