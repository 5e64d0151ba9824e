// SIGINT and SIGTERM end a run cleanly (issue 16, item 8): the first signal asks the round loop to
// stop at the end of the current round, so the trace is finished with status `interrupted` and its
// metadata is written; the command then exits 130. A second signal ends the process at once
// (exit 130 without writing; the .partial file shows the run was cut).
#pragma once

namespace commopt {

// Installs the handlers for SIGINT and SIGTERM (also when the shell started us with them ignored).
void install_interrupt_handlers();
// True once a signal arrived (or request_interrupt was called).
bool interrupt_requested();
void request_interrupt();  // as if a signal arrived (tests)
void clear_interrupt();

constexpr int kInterruptedExitCode = 130;  // 128 + SIGINT, as shells report it

}  // namespace commopt
