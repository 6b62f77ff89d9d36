#pragma once
/// Compact snapshots of many rigid bodies: quantized state on a fixed integer grid,
/// delta-encoded against a snapshot the receiver has acknowledged, under a byte cap
/// and a bandwidth budget with a priority accumulator deciding what goes in.
///
/// Typical use (one SnapshotSender per receiver, one SnapshotReceiver per sender):
///   sender:   bytes = sender.encode(current);   ... transport ...
///             sender.onAck(ackFromReceiver);    // newest sequence the receiver decoded
///   receiver: auto r = receiver.decode(bytes);  // r.status, r.snapshot
///             header.ack = receiver.ackSequence();
/// The bit-level layout is in docs/protocol.md ("Snapshots").

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "ferrum/math.h"

namespace ferrum::snapshot {

/// Position grid: 1/512 m. x and y signed within ±256 m, z (up) within 0..32 m.
constexpr int32_t kUnitsPerMetre = 512;
constexpr int32_t kPosXYMin = -131072;
constexpr int32_t kPosXYMax = 131071;
constexpr int32_t kPosZMin = 0;
constexpr int32_t kPosZMax = 16383;
/// "Smallest three" orientation: index of the largest component (2 bits), the other
/// three in [-1/sqrt2, 1/sqrt2] with 9 bits each.
constexpr int kOrientationBits = 9;
constexpr uint32_t kOrientationMax = (1u << kOrientationBits) - 1;

/// One object's state exactly as it travels (the 2015 challenge layout, 80 bits in full).
struct CubeState {
  uint32_t largest = 3;                   ///< 0..3 (x, y, z, w)
  uint32_t a = 256, b = 256, c = 256;     ///< 0..511, the components other than `largest`
  int32_t x = 0, y = 0, z = 0;            ///< 1/512 m; z is up
  bool interacting = false;               ///< driven by / touching the player
  friend bool operator==(const CubeState&, const CubeState&) = default;
};

/// Snaps a pose (z up, metres) onto the grid; out-of-range positions are clamped.
CubeState quantizeCube(const Transform& pose, bool interacting);
/// The pose a receiver reconstructs from `state`.
Transform dequantizeCube(const CubeState& state);
/// True when every field lies in its declared range.
bool isValid(const CubeState& state);

/// All objects of one world state, indexed by slot. `known[i]` is 0 for a slot whose
/// state the receiver does not hold yet (never sent, or beyond the baseline's size).
struct Snapshot {
  std::vector<CubeState> objects;
  std::vector<uint8_t> known;

  size_t size() const { return objects.size(); }
  bool has(size_t i) const { return i < known.size() && known[i] != 0; }
  /// All `states` known.
  static Snapshot full(std::vector<CubeState> states);
};

struct SnapshotConfig {
  uint32_t maxObjects = 4096;       ///< wire limit for the object count (both sides)
  uint32_t ringSize = 128;          ///< baselines kept per peer; power of two, 2..1024
  size_t maxPacketBytes = 1200;     ///< hard cap on one snapshot payload
  double budgetKbps = 0;            ///< per-receiver payload budget; 0 = only the cap
  double sendHz = 60;               ///< packets per second, to turn kbps into bytes
  int32_t focusIndex = 0;           ///< the player's slot (-1: none); orders the change list
  /// Priority added per packet while an object differs from the receiver's copy.
  float playerWeight = 1000, unknownWeight = 100, movingWeight = 10, restingWeight = 1;
  /// Returns false (and says why in `why`) when a field is out of range.
  bool validate(const char** why = nullptr) const;
};

/// Per-packet figures from the sender, for stats and tests.
struct EncodeInfo {
  uint16_t sequence = 0;
  std::optional<uint16_t> baseline; ///< empty: encoded without baseline (full state)
  uint32_t candidates = 0;          ///< objects that differ from the receiver's copy
  uint32_t sent = 0;                ///< of those, how many fit
  size_t bits = 0;
};

/// Encodes snapshots for one receiver: keeps what it sent per sequence, the receiver's
/// acks, a priority accumulator per object and the byte budget.
class SnapshotSender {
public:
  explicit SnapshotSender(const SnapshotConfig& config = {});

  /// Encodes `current` against the newest acked baseline still in the ring (or none).
  /// Objects that do not fit keep their old state at the receiver and gain priority.
  /// Returns no bytes (and uses no sequence) when the budget cannot pay for a header.
  std::vector<uint8_t> encode(const std::vector<CubeState>& current, EncodeInfo* info = nullptr);
  /// The receiver decoded `sequence`; later packets may use it as their baseline.
  void onAck(uint16_t sequence);
  /// Forgets every ack (e.g. the receiver reconnected): the next packet is full state.
  void resetBaselines();
  /// What the receiver holds after decoding `sequence` (nullptr if out of the ring).
  const Snapshot* sentSnapshot(uint16_t sequence) const;
  uint16_t nextSequence() const { return m_nextSequence; }
  const SnapshotConfig& config() const { return m_config; }

private:
  struct Entry {
    bool valid = false;
    bool acked = false;
    uint16_t sequence = 0;
    Snapshot snapshot;
  };
  const Snapshot* pickBaseline(uint16_t sequence, uint16_t* baselineSequence) const;
  size_t packetCapBytes() const;

  SnapshotConfig m_config;
  std::vector<Entry> m_ring;
  std::vector<float> m_priority;
  uint16_t m_nextSequence = 0;
  std::optional<uint16_t> m_newestAck;
  double m_budgetBytes = 0;
};

enum class DecodeStatus : uint8_t {
  Ok,
  Malformed,       ///< bad bytes: drop and count; nothing applied
  MissingBaseline, ///< refers to a baseline this receiver no longer (or never) had: drop, do not ack
  Stale,           ///< older than the whole ring: useless, dropped so it cannot evict a live baseline
};

struct DecodeResult {
  DecodeStatus status = DecodeStatus::Malformed;
  uint16_t sequence = 0;
  const Snapshot* snapshot = nullptr; ///< valid until the ring slot is reused
};

/// Decodes snapshots from one sender and keeps the ring of decoded baselines.
class SnapshotReceiver {
public:
  explicit SnapshotReceiver(const SnapshotConfig& config = {});

  /// Never asserts on network bytes: malformed or unusable input returns a status.
  DecodeResult decode(std::span<const uint8_t> bytes);
  /// Newest sequence decoded so far (send it back as the ack); empty before the first.
  std::optional<uint16_t> ackSequence() const { return m_newest; }
  /// The newest decoded snapshot, or nullptr.
  const Snapshot* latest() const;
  const Snapshot* find(uint16_t sequence) const;

private:
  struct Entry {
    bool valid = false;
    uint16_t sequence = 0;
    Snapshot snapshot;
  };
  SnapshotConfig m_config;
  std::vector<Entry> m_ring;
  std::optional<uint16_t> m_newest;
};

/// True when sequence `a` is newer than `b` (16-bit wrap-around).
constexpr bool sequenceGreater(uint16_t a, uint16_t b) {
  return (a > b && a - b <= 32768) || (a < b && b - a > 32768);
}

} // namespace ferrum::snapshot
