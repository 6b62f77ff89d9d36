#include "base/job_thread.h"

#include <pthread.h>

#include <utility>

namespace ferrum {

JobThread::~JobThread() {
  wait();
  if (!m_thread.joinable()) return;
  {
    std::lock_guard lock(m_mutex);
    m_quit = true;
  }
  m_wake.notify_all();
  m_thread.join();
}

void JobThread::start(std::function<void()> job) {
  wait();
  if (!m_thread.joinable()) {
    m_thread = std::thread([this] { run(); });
    pthread_setname_np(m_thread.native_handle(), m_name);
  }
  {
    std::lock_guard lock(m_mutex);
    m_job = std::move(job);
    m_pending = true;
  }
  m_started = true;
  m_wake.notify_all();
}

void JobThread::wait() {
  if (!m_started) return;
  std::unique_lock lock(m_mutex);
  m_wake.wait(lock, [this] { return !m_pending; });
  m_started = false;
}

void JobThread::run() {
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_wake.wait(lock, [this] { return m_quit || m_pending; });
    if (m_quit) return;
    // Run unlocked, so the owner's wait() blocks on the condition, not on the mutex.
    // The owner leaves m_job alone until wait() has seen m_pending cleared.
    lock.unlock();
    m_job();
    lock.lock();
    m_pending = false;
    m_wake.notify_all();
  }
}

} // namespace ferrum
