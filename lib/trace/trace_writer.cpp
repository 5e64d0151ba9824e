#include "trace/trace_writer.hpp"

namespace commopt {

CsvTraceWriter::CsvTraceWriter(std::filesystem::path path, bool overwrite, const std::vector<std::filesystem::path>& inputs)
    : file_(std::move(path), overwrite, "--out", inputs) {
  file_.write(csv_header() + "\n");
}

// One write(2) per logged row: an interrupted run keeps every row so far in the .partial file.
void CsvTraceWriter::write(const TraceRow& row) { file_.write(csv_line(row) + "\n"); }

void CsvTraceWriter::finish() { file_.commit(); }

}  // namespace commopt
