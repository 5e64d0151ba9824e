#include "run/run_metadata.hpp"

#include <unistd.h>

#include <climits>

#ifdef _OPENMP
#endif

#include "core/version.hpp"
#include "net/worker_pool.hpp"

namespace commopt {

namespace {
std::string& recorded_command_line() {
  static std::string line;
  return line;
}

// A word as a POSIX shell reads it back: bare when it holds only safe characters, else in single quotes.
std::string shell_quote(const std::string& word) {
  const bool safe = !word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                            "0123456789-_./=:,+@%") == std::string::npos;
  if (safe) return word;
  std::string q = "'";
  for (char c : word) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

nlohmann::json optional_number(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }
}  // namespace

void set_command_line(int argc, const char* const* argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    if (i) line += ' ';
    line += shell_quote(argv[i]);
  }
  recorded_command_line() = line;
}

const std::string& command_line() { return recorded_command_line(); }

nlohmann::json stop_meta(const StopRule& stop) {
  return {{"rounds", stop.rounds},
          {"rounds_is_safety_cap", stop.rounds_is_safety_cap},
          {"max_bits", optional_number(stop.max_bits)},
          {"target", optional_number(stop.target)},
          {"target_on", stop.target_on},
          {"time_limit", optional_number(stop.time_limit)},
          {"divergence_factor", stop.divergence_factor}};
}

nlohmann::json log_grid_meta(const LogGrid& grid) { return {{"every", grid.every}, {"growth", grid.growth}}; }

nlohmann::json environment_meta() {
  char host[HOST_NAME_MAX + 1] = {};
  if (gethostname(host, sizeof host) != 0) host[0] = '\0';
  // threads: the worker threads of the run (run_job overwrites it with the simulator's choice);
  // threads_requested: --threads N, or "auto" (net/worker_pool.hpp: choose_threads).
  const int requested = requested_threads();
  return {{"host", std::string(host)},
          {"threads", requested > 0 ? requested : 1},
          {"threads_requested", requested > 0 ? nlohmann::json(requested) : nlohmann::json("auto")},
          {"build_type", build_type()},
          {"version", version()},
          {"git_revision", git_revision()}};
}

}  // namespace commopt
