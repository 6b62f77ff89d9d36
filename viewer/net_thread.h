#pragma once
// The viewer's network thread: it runs the host's ticks and reads its packets on a
// clock of their own, so how fast the window draws changes nothing on the wire.
//
// Why a thread: on one thread, a frame that takes long (software GL on a loaded
// machine; the first frame, when the driver compiles its shaders) is time in which no
// tick runs and nothing is read or acknowledged: the catch-up cap
// (NetConfig::maxCatchUpTicks) then drops the ticks the frame cost, so the world
// runs slow, and a frame longer than the transport's timeout gets the viewer dropped
// by its server. A GL call cannot be interrupted to service the network, so only
// another thread can keep the link alive through one.
//
// Thread safety: NetManager, EntityGroup, Bullet and the game's hooks are
// single-threaded, so everything that touches the host, on either thread, holds
// mutex(). The network thread holds it only while it runs what is due (ticks, packets
// that arrived); the window holds it while it reads the world and builds the frame
// (input, effects, camera, the list of what to draw, the overlay), and lets go before
// the slow part, the GL drawing and the buffer swap, which use only the frame's own copy.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "ferrum/host.h"

namespace viewer {

class NetThread {
public:
  /// Starts servicing `host` at once; the host must outlive this object.
  explicit NetThread(ferrum::Host& host);
  /// Stops and joins the thread: afterwards the host is the caller's alone again.
  ~NetThread();
  NetThread(const NetThread&) = delete;
  NetThread& operator=(const NetThread&) = delete;

  /// Held by whoever touches the host while the thread runs.
  std::mutex& mutex() { return m_hostMutex; }

private:
  void run();

  ferrum::Host& m_host;
  std::mutex m_hostMutex;
  std::mutex m_wakeMutex;
  std::condition_variable m_wake;
  bool m_stop = false; ///< guarded by m_wakeMutex
  std::thread m_thread;
};

} // namespace viewer
