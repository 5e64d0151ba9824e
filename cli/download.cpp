// libcurl easy interface; resume with CURLOPT_RESUME_FROM_LARGE (HTTP: `Range: bytes=N-`, answered
// by 206; file://: a seek). A server that answers a range request with 200 (the whole file) makes
// libcurl stop with CURLE_RANGE_ERROR before writing anything: the partial file is then emptied and
// the transfer made once more from byte 0.
#include "cli/download.hpp"

#include <chrono>
#include <cstdio>
#include <memory>

#include <curl/curl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/version.hpp"

namespace commopt::cli {

namespace fs = std::filesystem;

namespace {

struct Transfer {
  std::FILE* out = nullptr;
  CURL* curl = nullptr;
  std::uintmax_t offset = 0;   // bytes already in the file when the request was made
  bool progress = false;
  std::string label;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now(), last_print{};
};

std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  return std::fwrite(data, size, count, t->out) * size;
}

std::string megabytes(double bytes) { return fmt::format("{:.1f} MB", bytes / 1e6); }

int terminal_columns() {
  winsize w{};
  return ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0 ? w.ws_col : 80;
}

// "  a9a  1.2 MB / 4.5 MB  27 %  0.8 MB/s  ETA 4 s", at most 4 times a second, cut to the width.
int on_progress(void* user, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  const auto clock = std::chrono::steady_clock::now();
  if (clock - t->last_print < std::chrono::milliseconds(250)) return 0;
  t->last_print = clock;
  const double secs = std::chrono::duration<double>(clock - t->start).count();
  const double rate = secs > 0 ? static_cast<double>(now) / secs : 0;
  const double done = static_cast<double>(t->offset) + static_cast<double>(now);
  std::string line = fmt::format("  {}  {}", t->label, megabytes(done));
  if (total > 0) {
    const double all = static_cast<double>(t->offset) + static_cast<double>(total);
    line += fmt::format(" / {}  {:.0f} %", megabytes(all), 100.0 * done / all);
    if (rate > 0) line += fmt::format("  {}/s  ETA {:.0f} s", megabytes(rate), (all - done) / rate);
  } else if (rate > 0) {
    line += fmt::format("  {}/s", megabytes(rate));
  }
  line.resize(std::min<std::size_t>(line.size(), static_cast<std::size_t>(terminal_columns() - 1)));
  fmt::print(stderr, "\r{}\033[K", line);
  return 0;
}

}  // namespace

DownloadResult download(const std::string& url, const fs::path& partial, bool progress, const std::string& label) {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  DownloadResult r;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(initialised ? curl_easy_init() : nullptr,
                                                           &curl_easy_cleanup);
  if (!curl) {
    r.message = "libcurl could not be initialised";
    return r;
  }
  std::error_code ec;
  const bool existed = fs::exists(partial, ec);
  Transfer t;
  t.offset = existed ? fs::file_size(partial, ec) : 0;
  t.curl = curl.get();
  t.progress = progress;
  t.label = label;
  std::unique_ptr<std::FILE, decltype(&std::fclose)> out(std::fopen(partial.c_str(), "ab"), &std::fclose);
  if (!out) {
    r.message = fmt::format("cannot write {}", partial.string());
    return r;
  }
  // One writer per partial file: a second `data fetch` of the same dataset would interleave bytes.
  if (flock(fileno(out.get()), LOCK_EX | LOCK_NB) != 0) {
    r.message = fmt::format("{} is being written by another process (another commopt data fetch?); wait for it",
                            partial.string());
    r.bytes = t.offset;
    return r;
  }
  t.out = out.get();
  char error[CURL_ERROR_SIZE] = {};
  const std::string agent = fmt::format("commopt/{}", version());
  curl_easy_setopt(t.curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(t.curl, CURLOPT_WRITEFUNCTION, &on_write);
  curl_easy_setopt(t.curl, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(t.curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(t.curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(t.curl, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(t.curl, CURLOPT_USERAGENT, agent.c_str());
  curl_easy_setopt(t.curl, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(t.curl, CURLOPT_LOW_SPEED_LIMIT, 1L);   // abort when stalled for a minute:
  curl_easy_setopt(t.curl, CURLOPT_LOW_SPEED_TIME, 60L);   // the partial file is kept for a resume
  if (t.offset > 0) curl_easy_setopt(t.curl, CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(t.offset));
  if (progress) {
    curl_easy_setopt(t.curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(t.curl, CURLOPT_XFERINFOFUNCTION, &on_progress);
    curl_easy_setopt(t.curl, CURLOPT_XFERINFODATA, &t);
  }
  const CURLcode res = curl_easy_perform(t.curl);
  if (progress) fmt::print(stderr, "\r\033[K");
  out.reset();
  long code = 0;
  curl_easy_getinfo(t.curl, CURLINFO_RESPONSE_CODE, &code);
  r.bytes = fs::file_size(partial, ec);
  r.resumed_from = t.offset;
  if (res == CURLE_RANGE_ERROR && t.offset > 0) {  // the server cannot resume: start over, once
    fs::resize_file(partial, 0, ec);
    if (!ec) return download(url, partial, progress, label);
  }
  if (res == CURLE_OK) {
    r.status = DownloadResult::Status::complete;
  } else if (res == CURLE_HTTP_RETURNED_ERROR && code == 416 && t.offset > 0) {
    r.status = DownloadResult::Status::complete;  // nothing left to send: the partial file is whole
  } else if ((res == CURLE_HTTP_RETURNED_ERROR && (code == 404 || code == 410)) || res == CURLE_FILE_COULDNT_READ_FILE ||
             res == CURLE_REMOTE_FILE_NOT_FOUND) {
    r.status = DownloadResult::Status::not_found;
    r.message = code ? fmt::format("HTTP {}", code) : std::string("no such file");
  } else {
    r.message = error[0] ? std::string(error) : std::string(curl_easy_strerror(res));
  }
  if (!existed && r.bytes == 0 && r.status != DownloadResult::Status::complete) fs::remove(partial, ec);
  return r;
}

}  // namespace commopt::cli
