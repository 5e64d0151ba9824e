// `commopt reproduce NAME`: one paper claim as one command. An entry states the paper's claim and
// setting, runs our scaled setting (minutes on 2 cores; seconds with --quick), and fills a markdown
// report (report.hpp) with the table, the figures and a verdict with the numbers it rests on.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace commopt::reproduce {

class Report;

struct Context {
  std::filesystem::path dir;  // this reproduction's output directory (traces, figures, report.md)
  bool quick = false;         // seconds, not minutes: small budgets; the report says the verdict is not meaningful
  std::string data_dir;       // --data-dir, searched first for datasets
  std::vector<std::uint64_t> seeds{0, 1, 2};  // seeds per configuration
};

struct Entry {
  std::string name;     // e.g. "dasha-vs-marina"
  std::string paper;    // authors, title, venue; the figure, table or theorem the claim comes from
  std::string summary;  // one line for `reproduce --list`
  std::function<void(const Context&, Report&)> run;  // runs the experiment and fills the report (verdict included)
};

// Every reproduction, in the order of `reproduce --list` (registry.cpp).
const std::vector<Entry>& entries();

}  // namespace commopt::reproduce
