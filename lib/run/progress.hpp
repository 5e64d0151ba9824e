// Progress on stderr, only when stderr is a terminal: one line, redrawn in place, that always fits
// the terminal (never wider than its width − 1 columns, so nothing wraps), refreshed at most 10
// times a second.
//   run:            [#########.....] 62% of rounds  round 620  1.2k rounds/s  ETA 0:03  bits 2.4e+04  |g|^2 3.1e-03
//   sweep/check:    sweep dasha [####......] 40% of runs  4/10 runs  ETA 1:10
// The fraction is that of whichever limit binds first: the rounds (unless they are only a safety
// cap), the bit budget, the target (log-scale: log(g0/g)/log(g0/target) for ‖∇f‖² from g0 down to
// the target) or the time limit. Fields are dropped from the least useful up when the terminal is
// narrow.
#pragma once
#include <chrono>
#include <cmath>
#include <mutex>
#include <string>

#include "run/run.hpp"
#include "trace/trace.hpp"

namespace commopt {

// One progress line's content; NaN = unknown.
struct ProgressView {
  std::string label;      // who: "ef21 (2/6)", "sweep dasha"; "" = none
  double fraction = NAN;  // of the binding limit, in [0, 1]
  std::string limit;      // what the fraction is of: "rounds", "bits", "target", "time", "runs"
  std::string count;      // "round 620", "4/10 runs"
  double rate = NAN;      // units per second
  std::string rate_unit;  // "rounds/s", "runs/s"
  double eta = NAN;       // seconds left
  std::string detail;     // "bits 2.4e+04  |g|^2 3.1e-03"
};

// The line for a terminal of `width` columns: at most width − 1 characters (ASCII only), fields
// dropped in the order detail, rate, count, label, ETA when they do not fit, the bar shrunk last.
std::string format_progress(const ProgressView& view, int width);

// "0:07", "12:05", "2:03:04"; "?" when not finite.
std::string format_duration(double seconds);

// The width of the terminal on `fd` (ioctl TIOCGWINSZ), else $COLUMNS, else 80.
int terminal_columns(int fd);

// Whether stderr is a terminal (progress is drawn only then).
bool stderr_is_terminal();

// The fraction of `stop` used by a run at `round` with `bits_up` bits per worker, `seconds` of
// method time and ‖∇f‖² = `grad` (first logged value `grad0`), and which limit it is.
std::pair<double, std::string> binding_fraction(const StopRule& stop, long long round, double bits_up, double seconds,
                                                double grad, double grad0);

// One run's progress line. update() takes every logged row, tick() is called by the run loop after
// every round and looks at the clock only every 16 rounds; the line is redrawn at most 10×/s.
class Progress {
 public:
  Progress(bool enabled, const StopRule& stop, std::string label = "");
  void update(const TraceRow& r);
  void tick(long long round, double bits_up, double seconds, double grad_norm_sq);
  void done();

 private:
  void draw(bool force);
  bool enabled_;
  StopRule stop_;
  std::string label_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  long long round_ = 0, ticks_ = 0;
  double bits_ = 0, seconds_ = 0, grad_ = NAN, grad0_ = NAN;
  bool drawn_ = false;
};

// k of N independent runs done (sweep, check, demo), with the rate and the ETA; thread-safe.
class RunsProgress {
 public:
  RunsProgress(bool enabled, std::string label, std::size_t total, std::string unit = "runs");
  void finished_one();  // one more run done; redraws (at most 10×/s, always at the last)
  void done();          // clears the line

 private:
  bool enabled_;
  std::string label_, unit_;
  std::size_t total_, done_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
  std::mutex mutex_;
  bool drawn_ = false;
};

}  // namespace commopt
