#include "viewer/net_thread.h"

#include <algorithm>
#include <chrono>

namespace viewer {

namespace {

// How long the thread waits, unlocked, between looks at the transport when no tick is
// due sooner: what arrives is read within this (the transport's own blocking wait
// cannot be used: it would hold the host's lock while it waits, and the window could
// not take it).
constexpr double kPollSeconds = 0.002;

} // namespace

NetThread::NetThread(ferrum::Host& host) : m_host(host), m_thread([this] { run(); }) {}

NetThread::~NetThread() {
  {
    std::lock_guard<std::mutex> wake(m_wakeMutex);
    m_stop = true;
  }
  m_wake.notify_all();
  m_thread.join();
}

void NetThread::run() {
  for (;;) {
    double due = 0;
    {
      std::lock_guard<std::mutex> host(m_hostMutex);
      const double now = m_host.now();
      m_host.frame(now); // reads what arrived, then runs the ticks that are due
      due = std::min(m_host.net().nextTickTime(), now + kPollSeconds);
      due = std::max(0.0, due - m_host.now());
    }
    std::unique_lock<std::mutex> wake(m_wakeMutex);
    if (m_wake.wait_for(wake, std::chrono::duration<double>(due), [this] { return m_stop; })) return;
  }
}

} // namespace viewer
