// Files that appear whole or not at all: written to a unique temporary in the same directory, every
// write checked, then renamed over the final name (a rename within one file system is atomic).
#pragma once
#include <filesystem>
#include <string_view>

namespace commopt::plots {

// A unique new empty file in `dir` named ".<stem>.XXXXXX<suffix>"; UsageError naming the directory
// and the OS error when it cannot be created.
std::filesystem::path unique_temp(const std::filesystem::path& dir, std::string_view stem, std::string_view suffix);

// Writes `content` to `path` atomically (commopt::write_result_file, replacing an older figure); on
// any failure throws UsageError naming the file and the OS error and publishes nothing.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// Renames `from` to `to` (UsageError with both names and the OS error; `from` removed on failure).
void rename_into_place(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace commopt::plots
