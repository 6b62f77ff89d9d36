#pragma once
// A token bucket on the caller's step clock (ticks, sends...): it holds at most
// `capacity` tokens and gains `perStep` for every step that passes, so a steady rate
// is allowed with a burst of up to `capacity` on top. No wall time, no sentinels: the
// owner says where the clock stands when it builds the bucket and when it refills.

#include <algorithm>
#include <cstdint>

namespace ferrum {

class TokenBucket {
public:
  /// An empty bucket of capacity 0: take() always fails.
  TokenBucket() = default;
  /// Starts with `capacity` tokens at step `now`.
  static TokenBucket full(float capacity, float perStep, uint32_t now) {
    return TokenBucket(capacity, perStep, capacity, now);
  }
  /// Starts with no tokens at step `now`.
  static TokenBucket empty(float capacity, float perStep, uint32_t now) {
    return TokenBucket(capacity, perStep, 0.0f, now);
  }

  /// Adds `perStep` for every step since the last refill (or since the bucket was
  /// made), up to the capacity. A clock that did not move (or moved back) adds nothing.
  void refill(uint32_t now) {
    if (now > m_step) m_tokens = std::min(m_capacity, m_tokens + m_perStep * static_cast<float>(now - m_step));
    m_step = now;
  }
  /// Takes `n` tokens if that many are there; false (and takes none) otherwise.
  bool take(float n = 1.0f) {
    if (m_tokens < n) return false;
    m_tokens -= n;
    return true;
  }
  /// Takes `n` tokens whether or not they are there: the bucket may go below zero, a
  /// debt later refills pay back first (a send already made cannot be refused).
  void spend(float n) { m_tokens -= n; }
  /// Tokens now: negative while in debt, never above the capacity.
  float tokens() const { return m_tokens; }
  float capacity() const { return m_capacity; }

private:
  TokenBucket(float capacity, float perStep, float tokens, uint32_t now)
      : m_capacity(capacity), m_perStep(perStep), m_tokens(tokens), m_step(now) {}
  float m_capacity = 0;
  float m_perStep = 0;
  float m_tokens = 0;
  uint32_t m_step = 0;
};

} // namespace ferrum
