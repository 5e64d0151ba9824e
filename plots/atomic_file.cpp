#include "atomic_file.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

#include <fmt/format.h>

#include "core/error.hpp"

namespace commopt::plots {

namespace {
std::string os_error(int err) { return std::strerror(err); }
}  // namespace

std::filesystem::path unique_temp(const std::filesystem::path& dir, std::string_view stem, std::string_view suffix) {
  std::string name = (dir / fmt::format(".{}.XXXXXX{}", stem, suffix)).string();
  const int fd = mkstemps(name.data(), static_cast<int>(suffix.size()));
  if (fd < 0)
    throw UsageError(fmt::format("cannot create a file in '{}': {}; choose a writable --out directory", dir.string(),
                                 os_error(errno)));
  ::close(fd);
  // mkstemps makes the file private (0600); a figure is for reading: rw-r--r--.
  using std::filesystem::perms;
  std::error_code ec;
  std::filesystem::permissions(name, perms::owner_read | perms::owner_write | perms::group_read | perms::others_read, ec);
  return name;
}

void rename_into_place(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code ec;
  std::filesystem::rename(from, to, ec);
  if (!ec) return;
  std::error_code ignore;
  std::filesystem::remove(from, ignore);
  throw UsageError(fmt::format("cannot write '{}' (rename from '{}'): {}; choose a writable --out", to.string(),
                               from.string(), ec.message()));
}

}  // namespace commopt::plots
