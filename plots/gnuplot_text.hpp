// The text of a figure's two files: the data (one gnuplot index per curve: x, y, y_low, y_high) and
// the self-contained script that plots it. Text in labels is quoted for gnuplot and shown literally
// (no enhanced-text markup), so `_`, `^`, `{` and quotes appear as typed.
#pragma once
#include <string>
#include <string_view>

#include "figure.hpp"

namespace commopt::plots {

enum class Terminal { png, svg };

// `text` as a gnuplot single-quoted string: '' for a quote, newlines and tabs as spaces.
std::string gnuplot_quote(std::string_view text);

// The .dat file: a comment header, then per curve "# curve i: label" and rows "x y y_low y_high"
// (y_low = y_high = y without a band), indexes separated by two blank lines.
std::string data_text(const Figure& fig);

// The .gp file: reads `dat_name` (relative, so `cd dir && gnuplot fig.gp` re-renders) and writes
// `image_name` unless the variable out_file is set before it is loaded (render() renders to a
// temporary name and renames it).
std::string script_text(const Figure& fig, Terminal term, const std::string& dat_name,
                        const std::string& image_name);

}  // namespace commopt::plots
