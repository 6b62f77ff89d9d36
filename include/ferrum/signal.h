#pragma once
/// Signal: an event any number of listeners can observe, each without knowing about
/// the others (no chaining of std::function by hand, no construction-order traps).
///
///     ferrum::Subscription sub = net.onJoined.listen([](ferrum::PeerId self) { ... });
///
/// A listener stays attached while its Subscription lives; destroying (or reset()ing)
/// the Subscription detaches it. Either side may be destroyed first: a Subscription
/// that outlives its Signal does nothing, and a Signal never calls a dead listener.
/// Listeners run in the order they were added. One may add or remove listeners from
/// inside a call: those added run from the next emit on, those removed no longer run.
/// Single-threaded, like the rest of a peer.

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace ferrum {

/// Keeps one listener attached to a Signal; detaches it when destroyed. Move-only.
class Subscription {
public:
  Subscription() = default;
  Subscription(Subscription&& other) noexcept
      : m_state(std::move(other.m_state)), m_id(other.m_id), m_detach(std::exchange(other.m_detach, nullptr)) {}
  Subscription& operator=(Subscription&& other) noexcept {
    if (this != &other) {
      reset();
      m_state = std::move(other.m_state);
      m_id = other.m_id;
      m_detach = std::exchange(other.m_detach, nullptr);
    }
    return *this;
  }
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription() { reset(); }

  /// Detaches the listener now (no-op if already detached or the signal is gone).
  void reset() {
    if (Detach detach = std::exchange(m_detach, nullptr)) {
      if (std::shared_ptr<void> state = m_state.lock()) detach(state.get(), m_id);
      m_state.reset();
    }
  }
  bool attached() const { return m_detach != nullptr; }

private:
  template <class...>
  friend class Signal;
  // The signal's state, the listener's id and how to remove it: held as they are
  // rather than in a std::function, whose capture of them would not fit its inline
  // buffer and would cost an allocation per listen().
  using Detach = void (*)(void* state, uint64_t id);
  Subscription(std::weak_ptr<void> state, uint64_t id, Detach detach)
      : m_state(std::move(state)), m_id(id), m_detach(detach) {}
  std::weak_ptr<void> m_state;
  uint64_t m_id = 0;
  Detach m_detach = nullptr; ///< null once detached
};

template <class... Args>
class Signal {
public:
  using Listener = std::function<void(Args...)>;

  Signal() = default;
  Signal(const Signal&) = delete;
  Signal& operator=(const Signal&) = delete;

  /// Attaches `listener`; it is called on every emit() until the result is destroyed.
  [[nodiscard]] Subscription listen(Listener listener) {
    if (!m_state) m_state = std::make_shared<State>();
    const uint64_t id = ++m_state->nextId;
    m_state->listeners.push_back({id, std::move(listener)});
    return Subscription(m_state, id, [](void* state, uint64_t which) { static_cast<State*>(state)->remove(which); });
  }

  /// Calls every attached listener, oldest first.
  void emit(Args... args) const {
    if (!m_state) return; // never listened to
    // Walk by id, not by iterator: a listener may attach or detach others meanwhile.
    const uint64_t newest = m_state->nextId;
    ++m_state->emitting;
    for (size_t i = 0; i < m_state->listeners.size(); ++i) {
      const Entry& entry = m_state->listeners[i];
      if (entry.id > newest || !entry.listener) continue;
      Listener call = entry.listener; // a copy: the vector may grow during the call
      call(args...);
    }
    // Removed entries are dropped only by the outermost emit: a nested one (a listener
    // emitting again) must not shift the entries the outer loop is walking.
    if (--m_state->emitting == 0) m_state->compact();
  }

  size_t listenerCount() const {
    if (!m_state) return 0;
    size_t n = 0;
    for (const Entry& e : m_state->listeners) n += static_cast<bool>(e.listener);
    return n;
  }

private:
  struct Entry {
    uint64_t id;
    Listener listener; ///< empty once removed (compacted after the emit in progress)
  };
  struct State {
    std::vector<Entry> listeners;
    uint64_t nextId = 0;
    int emitting = 0; ///< emit() calls in progress (a listener may emit again)
    void remove(uint64_t id) {
      for (Entry& e : listeners)
        if (e.id == id) e.listener = nullptr;
      if (emitting == 0) compact();
    }
    void compact() {
      std::erase_if(listeners, [](const Entry& e) { return !e.listener; });
    }
  };
  // Made by the first listen(): a peer has a dozen signals and most are never
  // listened to, and each would otherwise cost an allocation per peer built.
  std::shared_ptr<State> m_state;
};

} // namespace ferrum
