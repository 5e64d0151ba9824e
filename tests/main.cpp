// The Catch2 v2 runner in its own translation unit (it takes ~20 s to compile; it rarely changes).
// Prints the random seed so that any Monte Carlo failure can be replayed with --rng-seed.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

int main(int argc, char* argv[]) {
  Catch::Session session;
  if (int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
  return session.run();
}
