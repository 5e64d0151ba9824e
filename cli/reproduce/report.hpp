// The markdown report a reproduction writes: the claim, the settings, tables, figures and one
// verdict (agrees / partly / disagrees) with the numbers. Written atomically as <dir>/report.md.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "plots/figure.hpp"

namespace commopt::reproduce {

enum class Verdict { agrees, partly, disagrees };
const char* to_string(Verdict v);

class Report {
 public:
  explicit Report(std::string title) : title_(std::move(title)) {}
  void section(const std::string& heading);
  void text(const std::string& markdown);  // a paragraph (or a list) as given
  void table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
  // Renders `fig` to <dir>/<stem>.png (+ .dat/.gp) and links it; without gnuplot the report says so.
  void figure(const plots::Figure& fig, const std::filesystem::path& dir, const std::string& stem,
              const std::string& caption);
  // The verdict and the numbers it rests on; exactly one per report.
  void verdict(Verdict v, const std::string& why);
  std::optional<Verdict> verdict() const { return verdict_; }
  const std::string& verdict_reason() const { return why_; }
  std::string markdown() const;
  void write(const std::filesystem::path& file) const;  // via a temporary, renamed when complete

 private:
  std::string title_, body_, why_;
  std::optional<Verdict> verdict_;
};

// A number for a table: 4 significant digits, "—" for none.
std::string num(std::optional<double> v);
// A median with its range over seeds, e.g. "2.61e+04 [2.50e+04, 2.70e+04] (3/3)".
std::string median_range(double median, double lo, double hi, int present, int total);

}  // namespace commopt::reproduce
