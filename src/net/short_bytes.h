#pragma once
// A copy of a few bytes, kept inline when short. A server's delta sender keeps, per
// client and entity, the bytes of the block it last sent, and compares them with the
// entity's current block whenever their hashes agree; a crate's block is about 20
// bytes, and with a heap buffer per entity per client each of those comparisons began
// with a cache miss (4 % of the 64-client server's thread). Longer copies go to the heap.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace ferrum {

class ShortBytes {
public:
  static constexpr size_t kInline = 32;
  /// Where the inline bytes end, from the start of the object: what a comparison of
  /// a short copy reads (a caller may fetch that much ahead).
  static constexpr size_t kInlineEnd = sizeof(uint32_t) + kInline;

  void assign(const uint8_t* data, size_t size) {
    m_size = static_cast<uint32_t>(size);
    if (size <= kInline) {
      if (size > 0) std::memcpy(m_inline.data(), data, size);
      m_heap.clear();
    } else {
      m_heap.assign(data, data + size);
    }
  }
  void assign(const std::vector<uint8_t>& bytes) { assign(bytes.data(), bytes.size()); }
  bool operator==(const std::vector<uint8_t>& bytes) const {
    return bytes.size() == m_size && (m_size == 0 || std::memcmp(data(), bytes.data(), m_size) == 0);
  }
  const uint8_t* data() const { return m_size <= kInline ? m_inline.data() : m_heap.data(); }
  size_t size() const { return m_size; }

private:
  uint32_t m_size = 0;
  std::array<uint8_t, kInline> m_inline{};
  std::vector<uint8_t> m_heap; ///< only when longer than kInline

  friend struct ShortBytesLayout;
};

// kInlineEnd must hold: the size and the inline bytes first, in that order.
struct ShortBytesLayout {
  static_assert(offsetof(ShortBytes, m_size) == 0);
  static_assert(offsetof(ShortBytes, m_inline) == sizeof(uint32_t));
  static_assert(offsetof(ShortBytes, m_inline) + ShortBytes::kInline == ShortBytes::kInlineEnd);
};

} // namespace ferrum
