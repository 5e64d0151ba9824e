// Temporaries for gnuplot's image: a unique new file in the output directory, renamed over the final
// name once gnuplot has written it (a rename within one file system is atomic). The .dat and .gp go
// through trace/result_file.hpp.
#pragma once
#include <filesystem>
#include <string_view>

namespace commopt::plots {

// A unique new empty file in `dir` named ".<stem>.XXXXXX<suffix>"; UsageError naming the directory
// and the OS error when it cannot be created.
std::filesystem::path unique_temp(const std::filesystem::path& dir, std::string_view stem, std::string_view suffix);

// Renames `from` to `to` (UsageError with both names and the OS error; `from` removed on failure).
void rename_into_place(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace commopt::plots
