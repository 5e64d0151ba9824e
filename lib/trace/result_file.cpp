#include "trace/result_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace commopt {

namespace fs = std::filesystem;

namespace {
std::string os_error(int err) { return std::strerror(err); }

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec);
}
}  // namespace

void check_result_target(const fs::path& path, bool overwrite, std::string_view what, const std::vector<fs::path>& inputs) {
  if (path.empty()) throw UsageError(fmt::format("{}: empty path; give a file name", what));
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode))
      throw UsageError(fmt::format("{} {}: is a directory; give a file path inside it", what, path.string()));
    if (S_ISLNK(st.st_mode))
      throw UsageError(fmt::format("{} {}: is a symbolic link; give the path of a regular file", what, path.string()));
    if (!S_ISREG(st.st_mode))
      throw UsageError(fmt::format("{} {}: is not a regular file (a device, pipe or socket); give a file path", what,
                                   path.string()));
    for (const auto& in : inputs)
      if (same_file(path, in))
        throw UsageError(fmt::format("{} {}: is an input of this run ({}); write the result elsewhere", what,
                                     path.string(), in.string()));
    if (!overwrite)
      throw UsageError(fmt::format("{} {}: a result is already there; pass --force to replace it, or choose another path",
                                   what, path.string()));
  }
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir, ec))
    throw UsageError(fmt::format("{} {}: cannot create the directory '{}'{}; choose a writable place", what,
                                 path.string(), dir.string(), ec ? " (" + ec.message() + ")" : std::string()));
}

ResultFile::ResultFile(fs::path path, bool overwrite, std::string_view what, const std::vector<fs::path>& inputs)
    : path_(std::move(path)), overwrite_(overwrite), what_(what) {
  check_result_target(path_, overwrite, what, inputs);
  partial_ = path_;
  partial_ += ".partial";
  const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  fd_ = ::open(partial_.c_str(), flags, 0644);
  if (fd_ < 0 && errno == EEXIST && overwrite) {
    ::unlink(partial_.c_str());  // removes a stale .partial (or a link planted there), never what it points to
    fd_ = ::open(partial_.c_str(), flags, 0644);
  }
  if (fd_ < 0) {
    const int err = errno;
    if (err == EEXIST)
      throw UsageError(fmt::format("{} {}: '{}' exists: another run is writing this result, or one was interrupted; "
                                   "remove it or pass --force",
                                   what_, path_.string(), partial_.string()));
    throw UsageError(fmt::format("{} {}: cannot create '{}': {}; choose a writable path", what_, path_.string(),
                                 partial_.string(), os_error(err)));
  }
}

ResultFile::~ResultFile() {
  if (fd_ >= 0) ::close(fd_);
}

void ResultFile::fail(const std::string& action, int err) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(partial_.c_str());
  throw UsageError(fmt::format("{} {}: {} '{}' failed: {}; nothing was published (free space or choose another path)",
                               what_, path_.string(), action, partial_.string(), os_error(err)));
}

void ResultFile::write(std::string_view text) {
  if (fd_ < 0) throw std::logic_error("ResultFile::write after commit");
  while (!text.empty()) {
    const ssize_t n = ::write(fd_, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("writing", errno);
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

void ResultFile::commit() {
  if (fd_ < 0) throw std::logic_error("ResultFile::commit twice");
  if (::fsync(fd_) != 0 && errno != EINVAL && errno != EROFS) fail("syncing", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(partial_.c_str());
    throw UsageError(fmt::format("{} {}: closing '{}' failed: {}; nothing was published", what_, path_.string(),
                                 partial_.string(), os_error(err)));
  }
  if (overwrite_) {
    if (::rename(partial_.c_str(), path_.c_str()) == 0) return;
  } else {
    // link() refuses an existing name atomically: a result that appeared meanwhile is never replaced.
    if (::link(partial_.c_str(), path_.c_str()) == 0) {
      ::unlink(partial_.c_str());
      return;
    }
  }
  const int err = errno;
  throw UsageError(fmt::format("{} {}: publishing '{}' failed: {}{}", what_, path_.string(), partial_.string(),
                               os_error(err), err == EEXIST ? " (another run wrote it meanwhile; pass --force)" : ""));
}

void write_result_file(const fs::path& path, std::string_view text, bool overwrite, std::string_view what) {
  ResultFile f(path, overwrite, what);
  f.write(text);
  f.commit();
}

}  // namespace commopt
