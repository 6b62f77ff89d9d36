#pragma once
// ferrum-server's signals. SIGTERM or SIGINT asks for a drain (what an orchestrator
// sends before it kills a pod); a second one exits at once (status 128 + signal), for
// an operator who will not wait. For tests only, SIGUSR1 can hold the game loop still
// (the first holds it, the next releases it) to prove that health checks notice.

namespace app::server_signals {

/// Installs the handlers. `stallOnUsr1`: also the SIGUSR1 hold (--debug-stall-signal).
void install(bool stallOnUsr1);
/// A first SIGTERM/SIGINT arrived.
bool stopRequested();
/// SIGUSR1 asked for the loop to be held (and not yet released).
bool stallRequested();

} // namespace app::server_signals
