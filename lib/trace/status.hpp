// How a run ended: the `status` column of a trace (`running` on every row but the last), the
// metadata's "termination" and the summary line. to_string and parse_status are the one place that
// maps a status to its text and back; the text is what traces have always held.
#pragma once
#include <optional>
#include <string_view>

namespace commopt {

enum class RunStatus {
  running,     // a row before the last
  converged,   // the target was reached (--target)
  max_rounds,  // ran --rounds rounds
  max_bits,    // spent the bit budget (--max-bits)
  time_limit,  // used the time limit (--time-limit)
  diverged,    // non-finite loss or iterate, or loss far above the initial loss
  stopped,     // a non-root process of a distributed run, stopped by the root
  interrupted, // SIGINT or SIGTERM: stopped at the end of the current round, trace and metadata complete
};

std::string_view to_string(RunStatus s);
std::optional<RunStatus> parse_status(std::string_view text);  // nullopt: not a status

}  // namespace commopt
