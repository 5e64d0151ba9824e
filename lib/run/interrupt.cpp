#include "run/interrupt.hpp"

#include <atomic>
#include <csignal>
#include <unistd.h>

namespace commopt {

namespace {
std::atomic<int> g_signals{0};
static_assert(std::atomic<int>::is_always_lock_free, "the handler needs a lock-free flag");

extern "C" void on_signal(int) {
  if (g_signals.fetch_add(1) >= 1) _exit(kInterruptedExitCode);  // the second signal: at once
}
}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking call returns early, the loop then sees the flag
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool interrupt_requested() { return g_signals.load(std::memory_order_relaxed) > 0; }
void request_interrupt() { g_signals.store(1); }
void clear_interrupt() { g_signals.store(0); }

}  // namespace commopt
