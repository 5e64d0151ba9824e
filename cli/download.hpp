// One file over HTTP(S) or file:// with libcurl into `<dest>.partial`, resuming from the bytes
// already there (an HTTP Range request, or the file:// offset), with a progress line on a terminal.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

namespace commopt::cli {

struct DownloadResult {
  enum class Status { complete, not_found, failed };
  Status status = Status::failed;
  std::string message;            // libcurl's error text or the HTTP status, when not complete
  std::uintmax_t resumed_from = 0;  // bytes kept from an earlier attempt (0: started from scratch)
  std::uintmax_t bytes = 0;       // size of `partial` afterwards
};

// Appends `url`'s bytes to `partial` (created if missing). If `partial` holds a prefix, asks only for
// the rest; a server that ignores the range answers 200 and the file is restarted from byte 0.
// `progress`: a \r-updated line on stderr (call it only when stderr is a terminal).
DownloadResult download(const std::string& url, const std::filesystem::path& partial, bool progress,
                        const std::string& label);

}  // namespace commopt::cli
