#include "run/progress.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sys/ioctl.h>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

namespace commopt {

namespace {
using clock = std::chrono::steady_clock;
constexpr double kMinRedraw = 0.1;  // seconds between redraws: at most 10 per second

std::string rate_text(double rate, const std::string& unit) {
  if (!std::isfinite(rate)) return "";
  if (rate >= 1e4) return fmt::format("{:.0f}k {}", rate / 1e3, unit);
  if (rate >= 1e3) return fmt::format("{:.1f}k {}", rate / 1e3, unit);
  return fmt::format("{:.3g} {}", rate, unit);
}

void print_line(const std::string& line) {
  // \r, the line, then clear to the end of the line (the previous one may have been longer).
  fmt::print(stderr, "\r{}\033[K", line);
  std::fflush(stderr);
}
}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long long s = std::llround(seconds);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string format_progress(const ProgressView& v, int width) {
  const int room = std::max(0, width - 1);
  const std::string pct =
      std::isfinite(v.fraction) ? fmt::format("{:.0f}% of {}", 100 * std::clamp(v.fraction, 0.0, 1.0), v.limit) : "";
  // Optional fields, dropped from the first to the last of this list when they do not fit.
  struct Field {
    std::string text;
    bool keep = true;
  };
  std::vector<Field> drop_order = {{v.detail}, {rate_text(v.rate, v.rate_unit)}, {v.count}, {v.label},
                                   {std::isfinite(v.eta) ? fmt::format("ETA {}", format_duration(v.eta)) : std::string()}};
  for (auto& f : drop_order) f.keep = !f.text.empty();
  auto compose = [&](int bar) {
    // label [bar] pct  count  rate  ETA  detail
    std::string s;
    auto add = [&](const std::string& t, const char* sep) {
      if (t.empty()) return;
      if (!s.empty()) s += sep;
      s += t;
    };
    if (drop_order[3].keep) add(drop_order[3].text, " ");
    if (bar > 0 && std::isfinite(v.fraction)) {
      const int filled = static_cast<int>(std::clamp(v.fraction, 0.0, 1.0) * bar);
      add(fmt::format("[{}{}]", std::string(static_cast<std::size_t>(filled), '#'),
                      std::string(static_cast<std::size_t>(bar - filled), '.')),
          " ");
    }
    add(pct, " ");
    for (int i : {2, 1, 4, 0})
      if (drop_order[static_cast<std::size_t>(i)].keep) add(drop_order[static_cast<std::size_t>(i)].text, "  ");
    return s;
  };
  constexpr int kMaxBar = 24, kMinBar = 6;
  for (std::size_t dropped = 0;; ++dropped) {
    const int without_bar = static_cast<int>(compose(0).size());
    const int bar = std::min(kMaxBar, room - without_bar - 3);  // "[", "]" and a space
    if (bar >= kMinBar || !std::isfinite(v.fraction)) {
      if (without_bar <= room) return compose(std::isfinite(v.fraction) ? std::max(0, bar) : 0);
    }
    if (dropped == drop_order.size()) break;
    drop_order[dropped].keep = false;
  }
  std::string s = compose(0);  // even the essentials are too wide: cut
  if (static_cast<int>(s.size()) > room) s.resize(static_cast<std::size_t>(room));
  return s;
}

int terminal_columns(int fd) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* c = std::getenv("COLUMNS")) {
    const int n = std::atoi(c);
    if (n > 0) return n;
  }
  return 80;
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) != 0; }

std::pair<double, std::string> binding_fraction(const StopRule& stop, long long round, double bits_up, double seconds,
                                                double grad, double grad0) {
  std::pair<double, std::string> best{NAN, ""};
  auto consider = [&](double f, const char* limit) {
    if (std::isfinite(f) && (!std::isfinite(best.first) || f > best.first)) best = {std::clamp(f, 0.0, 1.0), limit};
  };
  if (!stop.rounds_is_safety_cap && stop.rounds > 0)
    consider(static_cast<double>(round) / static_cast<double>(stop.rounds), "rounds");
  if (stop.max_bits && *stop.max_bits > 0) consider(bits_up / *stop.max_bits, "bits");
  if (stop.time_limit && *stop.time_limit > 0) consider(seconds / *stop.time_limit, "time");
  // ‖∇f‖² falls over orders of magnitude: the fraction of the way from g0 to the target, in log scale.
  if (stop.target && *stop.target > 0 && stop.target_on == "grad_norm_sq" && grad0 > *stop.target && grad > 0)
    consider(std::log(grad0 / grad) / std::log(grad0 / *stop.target), "target");
  if (!std::isfinite(best.first) && stop.rounds > 0)  // only a safety cap: show it rather than nothing
    best = {static_cast<double>(round) / static_cast<double>(stop.rounds), "round cap"};
  return best;
}

Progress::Progress(bool enabled, const StopRule& stop, std::string label)
    : enabled_(enabled), stop_(stop), label_(std::move(label)), start_(clock::now()), last_draw_(start_) {}

void Progress::update(const TraceRow& r) {
  if (!enabled_) return;
  round_ = r.round;
  bits_ = r.bits_up;
  seconds_ = r.seconds;
  grad_ = r.grad_norm_sq;
  if (!std::isfinite(grad0_)) grad0_ = r.grad_norm_sq;
  draw(!drawn_);
}

void Progress::tick(long long round, double bits_up, double seconds, double grad_norm_sq) {
  if (!enabled_) return;
  round_ = round;
  bits_ = bits_up;
  seconds_ = seconds;
  if (std::isfinite(grad_norm_sq)) grad_ = grad_norm_sq;
  if (++ticks_ % 16 == 0) draw(false);  // the clock is read every 16 rounds only
}

void Progress::draw(bool force) {
  const auto now = clock::now();
  if (!force && std::chrono::duration<double>(now - last_draw_).count() < kMinRedraw) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  ProgressView v;
  v.label = label_;
  std::tie(v.fraction, v.limit) = binding_fraction(stop_, round_, bits_, seconds_, grad_, grad0_);
  v.count = fmt::format("round {}", round_);
  v.rate = elapsed > 0 ? static_cast<double>(round_) / elapsed : NAN;
  v.rate_unit = "rounds/s";
  if (v.fraction > 0 && elapsed > 0.2) v.eta = elapsed * (1 - v.fraction) / v.fraction;
  v.detail = fmt::format("bits {:.2e}  |g|^2 {:.2e}", bits_, grad_);
  print_line(format_progress(v, terminal_columns(STDERR_FILENO)));
  drawn_ = true;
}

void Progress::done() {
  if (enabled_ && drawn_) print_line("");
}

RunsProgress::RunsProgress(bool enabled, std::string label, std::size_t total, std::string unit)
    : enabled_(enabled && total > 0), label_(std::move(label)), unit_(std::move(unit)), total_(total),
      start_(clock::now()), last_draw_(start_) {}

void RunsProgress::finished_one() {
  if (!enabled_) return;
  const std::lock_guard<std::mutex> lock(mutex_);
  ++done_;
  const auto now = clock::now();
  if (done_ < total_ && std::chrono::duration<double>(now - last_draw_).count() < kMinRedraw) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  ProgressView v;
  v.label = label_;
  v.fraction = static_cast<double>(done_) / static_cast<double>(total_);
  v.limit = unit_;
  v.count = fmt::format("{}/{} {}", done_, total_, unit_);
  v.rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : NAN;
  v.rate_unit = unit_ + "/s";
  v.eta = elapsed * static_cast<double>(total_ - done_) / static_cast<double>(done_);
  print_line(format_progress(v, terminal_columns(STDERR_FILENO)));
  drawn_ = true;
}

void RunsProgress::done() {
  if (enabled_ && drawn_) print_line("");
}

}  // namespace commopt
