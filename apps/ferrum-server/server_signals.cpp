#include "apps/ferrum-server/server_signals.h"

#include <signal.h>
#include <unistd.h>

namespace app::server_signals {

namespace {

volatile sig_atomic_t g_stops = 0;
volatile sig_atomic_t g_stall = 0;

void onStop(int sig) {
  g_stops = g_stops + 1;
  if (g_stops < 2) return;
  // Only async-signal-safe calls here.
  static const char kMessage[] = "ferrum-server: second stop signal: exiting now, without a drain\n";
  [[maybe_unused]] const ssize_t n = write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  _exit(128 + sig);
}

void onUsr1(int) {
  g_stall = !g_stall;
}

void handle(int sig, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART; // the loop's ENet waits simply resume
  sigaction(sig, &action, nullptr);
}

} // namespace

void install(bool stallOnUsr1) {
  handle(SIGTERM, onStop);
  handle(SIGINT, onStop);
  if (stallOnUsr1) handle(SIGUSR1, onUsr1);
}

bool stopRequested() {
  return g_stops > 0;
}
bool stallRequested() {
  return g_stall != 0;
}

} // namespace app::server_signals
