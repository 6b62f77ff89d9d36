#pragma once
// A thread that runs one job at a time for its owner: start() hands a job over and
// returns at once, wait() returns when it has run. For work that overlaps the
// caller's own (a tick's physics step while the tick's state packets are written);
// the owner keeps what the job touches to itself until wait() returns.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace ferrum {

class JobThread {
public:
  /// `name` (at most 15 characters) is what tools such as top and perf show for it.
  explicit JobThread(const char* name) : m_name(name) {}
  ~JobThread();
  JobThread(const JobThread&) = delete;
  JobThread& operator=(const JobThread&) = delete;

  /// Runs `job` on the thread (started on first use). At most one job at a time:
  /// a job still running is waited for first.
  void start(std::function<void()> job);
  /// Returns once the job given to start() has run (at once if there is none).
  void wait();
  /// A job started and not yet waited for.
  bool busy() const { return m_started; }

private:
  void run();

  const char* m_name;

  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::function<void()> m_job; ///< the owner's until start(), the thread's until wait() returns
  bool m_pending = false;      ///< a job given and not yet run (guarded by m_mutex)
  bool m_quit = false;
  bool m_started = false; ///< the owner's view: a start() not yet matched by wait()
  std::thread m_thread;
};

} // namespace ferrum
