#pragma once
/// Handles used across the API and the wire.

#include <cstdint>
#include <functional>

namespace ferrum {

/// A peer's slot: 0 is the server, 1..254 are clients. 255 means "none".
using PeerId = uint8_t;
constexpr PeerId kServerPeer = 0;
constexpr PeerId kNoPeer = 255;
constexpr PeerId kMaxClientPeer = 254;

/// Identifies a registered entity type (crate, player, ...). 0 is invalid.
using EntityTypeId = uint16_t;

/// 32-bit entity id: [creator's peer slot : 8][counter : 24]. Value 0 is the null id
/// (counters start at 1), so ids created on different peers never collide.
struct EntityId {
  uint32_t value = 0;

  static constexpr EntityId make(PeerId slot, uint32_t counter) {
    return EntityId{(uint32_t{slot} << 24) | (counter & 0xFFFFFFu)};
  }
  constexpr PeerId creator() const { return static_cast<PeerId>(value >> 24); }
  constexpr uint32_t counter() const { return value & 0xFFFFFFu; }
  constexpr bool isNull() const { return value == 0; }
  friend constexpr auto operator<=>(EntityId, EntityId) = default;
};

constexpr EntityId kNullEntity{};
/// The largest counter an id can hold.
constexpr uint32_t kMaxEntityCounter = 0xFFFFFFu;

} // namespace ferrum

template <>
struct std::hash<ferrum::EntityId> {
  size_t operator()(ferrum::EntityId id) const noexcept { return std::hash<uint32_t>{}(id.value); }
};
