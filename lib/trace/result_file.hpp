// A result file appears complete or not at all (issue 16): written to `<path>.partial`, created
// exclusively (O_CREAT|O_EXCL|O_NOFOLLOW: never through a planted symlink, never shared by two
// writers), every write checked, and published by one rename only after a checked close. A failed
// write removes the .partial and throws, naming the file and the OS error; an interrupted process
// leaves only the .partial. Existing results are replaced only when the caller says so (--force).
#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace commopt {

// Checks, before any work, that `path` can receive a result: not a directory, device or other
// non-regular file; not one of `inputs` (e.g. the dataset); its directory exists or can be created;
// and, unless `overwrite`, no file is there yet. `what` names the option in messages ("--out").
// Throws UsageError with the fix.
void check_result_target(const std::filesystem::path& path, bool overwrite, std::string_view what,
                         const std::vector<std::filesystem::path>& inputs = {});

class ResultFile {
 public:
  // Runs check_result_target, then creates `<path>.partial` exclusively. A .partial already there
  // means another writer or an interrupted run: an error, unless `overwrite` (then it is replaced).
  ResultFile(std::filesystem::path path, bool overwrite, std::string_view what = "--out",
             const std::vector<std::filesystem::path>& inputs = {});
  ~ResultFile();  // not committed: the .partial stays, clearly incomplete
  ResultFile(const ResultFile&) = delete;
  ResultFile& operator=(const ResultFile&) = delete;

  void write(std::string_view text);  // all of it, or throw (the .partial is removed)
  void commit();                      // close (checked) and publish at `path`
  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& partial_path() const { return partial_; }

 private:
  [[noreturn]] void fail(const std::string& action, int err);
  std::filesystem::path path_, partial_;
  bool overwrite_;
  std::string what_;
  int fd_ = -1;
};

// One whole file at once (metadata, summaries) through a ResultFile.
void write_result_file(const std::filesystem::path& path, std::string_view text, bool overwrite,
                       std::string_view what = "--out");

}  // namespace commopt
