// The sweep file expanded into configurations (method × compressor × problem × n, list values in
// specs expanded: `topk[k=[1,2,4]]` is three specs) and runs (configuration × step size × seed),
// with names checked against the registries. Each run gets a unique trace name.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cli/sweep_config.hpp"

namespace commopt::cli {

// Every spec a text with list values stands for, in order: `topk[k=[1,2]]` → topk[k=1], topk[k=2];
// lists may sit inside nested specs (`participation=snice[s=[1,2]]`). A text without lists is
// returned unchanged.
std::vector<std::string> expand_spec_lists(const std::string& text, const std::string& what);

struct SweepStep {
  std::string spec;  // the method's stepsize= value: theory, theory*2, 0.5
  std::string code;  // file-name part: g-1 (theory·2^-1), a3 (2^3), v0 (the first of `stepsizes`), fixed
  double order = 0;  // position on the grid (log2 of the factor); the edges are the min and max
};

struct SweepCase {  // one configuration: everything but the step size and the seed
  std::string label;                   // unique in the sweep
  std::string method, compressor;      // compressor "" = the method's default
  std::string problem;
  int workers = 0;
  int line = 0;                        // its [[runs]] entry
  std::map<std::string, int> key_lines; // where its method, compressor, problem, workers were given
  int line_of(const std::string& key) const {
    auto it = key_lines.find(key);
    return it == key_lines.end() ? line : it->second;
  }
  std::vector<SweepStep> steps;        // one, "fixed", when the method spec sets stepsize
};

struct SweepRun {
  int case_index = 0, step_index = 0;
  std::uint64_t seed = 0;
  std::string method;  // the method spec with its stepsize
  std::string trace;   // path relative to out_dir, unique
  std::string config;  // case label + step: the index's `config` column
};

struct SweepGrid {
  std::vector<SweepCase> cases;
  std::vector<SweepRun> runs;
};

SweepGrid expand_grid(const SweepConfig& cfg);

// File-name-safe text: [A-Za-z0-9.-], everything else '_'.
std::string slug(std::string s);

}  // namespace commopt::cli
