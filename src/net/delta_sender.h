#pragma once
// Delta against acknowledged state, per receiver. An entity whose block is bit-for-bit
// the one the receiver has acknowledged (and nothing newer was sent since) is not sent
// again, except for a refresh that backs off while the entity rests. One that goes out
// is coded field by field (wire/field_delta.h) against the newest of its blocks the
// receiver acknowledged, when its type has a FieldLayout and that is smaller; else
// whole. What must go out is chosen by a priority accumulator when it does not all
// fit: every tick an entity waits, its type's weight is added, so starved entities
// rise until they are sent. Before any block of an entity is acknowledged, the
// acknowledged spawn stands as its baseline (setSpawnBaseline).
//
// Prediction: with two acknowledged blocks of the entity at hand, the newest (B1) and
// the one acknowledged before it (B2), the delta may instead be coded against their
// linear extrapolation to this packet (wire::FieldPrediction); whichever of the two
// is smaller goes. B2 is named only while the receiver provably still holds it: it
// was acknowledged, no delta sent since let the receiver drop it (the drop floor,
// net/baseline_store.h), and it is recent enough that the receiver's ring keeps it.
//
// What it keeps per entity lives in a flat array indexed by the entity's dense slot
// (net/entity_slots.h), each entry tagged with its id: a server with many clients
// looks at thousands of blocks per client per send, and a hash look-up per block per
// client was a large share of its tick. A slot given to a new entity after the old
// one went is found tagged with the old id and starts afresh.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "ferrum/field_layout.h"
#include "net/entity_slots.h"
#include "net/send_watch.h"
#include "net/shared_codings.h"
#include "net/short_bytes.h"
#include "net/spawn_baseline.h"
#include "wire/field_delta.h"
#include "wire/messages.h"

namespace ferrum {

/// Tracks which of the other side's packets arrived: the newest sequence and a bitfield
/// of the 32 before it (bit i = newest - 1 - i arrived). Sent back as ack / ackBits.
class ReceiveHistory {
public:
  void onReceived(uint16_t sequence);
  bool any() const { return m_any; }
  /// Sequences skipped and never seen since (application-level loss of state packets).
  uint64_t lost() const { return m_lost; }
  uint16_t newest() const { return m_newest; }
  uint32_t bits() const { return m_bits; }

private:
  bool m_any = false;
  uint16_t m_newest = 0;
  uint32_t m_bits = 0;
  uint64_t m_lost = 0;
};

class DeltaSender {
public:
  /// A spawn baseline's whole block (bits, payload).
  struct SpawnBaselineRef {
    uint32_t bits = 0;
    std::vector<uint8_t> payload;
  };

  /// How the caller writes the selected blocks into the packet, which decides what
  /// they cost: Standalone = wire::writeBlock(out, block) one after another;
  /// Chained = wire::writeBlock(out, block, context) in the order select() returns.
  enum class Framing : uint8_t { Standalone, Chained };

  /// `refreshTicks`: an unchanged, acknowledged entity is sent again this many ticks
  /// after it was last sent (0 = never), then after twice as long, and so on up to
  /// kMaxRefreshDoublings doublings; a change starts over. This pulls back a receiver
  /// copy that is not what was acknowledged (a block that arrived before its entity's
  /// spawn and was skipped, a replica pushed by the receiver's own physics) without
  /// paying the full refresh rate for everything that rests.
  /// `slots`: the entities' dense slots, shared with the caller (who then releases an
  /// entity's slot only after forget()); null: a map of its own.
  explicit DeltaSender(uint32_t refreshTicks, Framing framing = Framing::Standalone, EntitySlots* slots = nullptr)
      : m_refreshTicks(refreshTicks), m_framing(framing), m_slots(slots ? slots : &m_ownSlots), m_watch(m_slots) {}
  DeltaSender(const DeltaSender&) = delete;
  DeltaSender& operator=(const DeltaSender&) = delete;

  /// What the caller works out once per send about each of its blocks, for every
  /// receiver: arrays parallel to the `blocks` given to select(), all set or all null.
  /// Without them each receiver's select() works them out again per block.
  struct SendFacts {
    const uint32_t* slots = nullptr;              ///< the slot (of the shared EntitySlots) of blocks[i].id
    const uint64_t* hashes = nullptr;             ///< blockHash(blocks[i])
    const FieldLayout* const* layouts = nullptr;  ///< blocks[i]'s layout, or null
    const float* priorities = nullptr;            ///< blocks[i]'s type's priority
    /// By slot, below slotCount: the index in `blocks` of that slot's block (or kNone).
    const uint32_t* indexOfSlot = nullptr;
    size_t slotCount = 0;
    /// Codings of this send shared by every receiver's sender (null: each codes alone).
    SharedCodings* codings = nullptr;
  };
  /// With SendFacts: the receiver's scale of an entity's priority (0 or less: not
  /// sent to it); the weight is priorities[i] times this.
  using ScaleOf = std::function<float(EntityId, uint32_t slot)>;

  static constexpr uint32_t kMaxRefreshDoublings = 5;
  /// An unchanged block already sent and not yet acknowledged is sent again only once
  /// this many ticks passed since (0: in every packet until acknowledged).
  void setResendTicks(uint32_t ticks) { m_resendTicks = ticks; }

  /// Code against the newest block sent, not only the newest acknowledged (see
  /// encode()): a delta then spans one send however long acks take. A block whose
  /// baseline was lost cannot be rebuilt; the receiver asks for it whole (needFull),
  /// and the sender then codes against acknowledged blocks only for kOptimisticPause
  /// sends, twice as long after each further loss up to kMaxOptimisticPause, halved
  /// again after every kOptimisticCleanSends sends without one. Off by default.
  void setOptimistic(bool on) { m_optimistic = on; }
  static constexpr uint64_t kOptimisticPause = 90;
  static constexpr uint64_t kMaxOptimisticPause = 90 * 64;
  static constexpr uint64_t kOptimisticCleanSends = 900;
  /// Whether optimistic coding is paused now (tests).
  bool optimisticPaused() const { return m_sends < m_optimisticPausedUntil; }
  /// Sends coded against an unacknowledged block, in all.
  uint64_t optimisticDeltas() const { return m_optimisticDeltas; }

  /// An entity's layout, or nullptr (always sent whole).
  using LayoutOf = std::function<const FieldLayout*(EntityId)>;
  /// Whether the caller's writer leaves this coded block's length out for the
  /// receiver (NetManager::leavesOutLength). select() sets each block's
  /// `selfDelimited` by it and so costs the block as it is written; unset, every block
  /// is costed with its length (an upper bound: a crowded packet ends short of its cap).
  using LeavesOutLength = std::function<bool(const wire::StateBlock&)>;
  void setLeavesOutLength(LeavesOutLength leavesOut) { m_leavesOutLength = std::move(leavesOut); }
  /// The same rule in the form NetManager's takes: the receiver takes this entity's
  /// blocks without a length (per receiver) and the coded block's own walk by its
  /// layout (wire::payloadExtent) ends exactly where it does (the same for every
  /// receiver: walked once per shared coding). Replaces setLeavesOutLength's rule.
  /// Asked with the entity's slot in the sender's EntitySlots.
  using TakesUndelimited = std::function<bool(EntityId, uint32_t slot)>;
  void setTakesUndelimited(TakesUndelimited takes) { m_takesUndelimited = std::move(takes); }

  /// Blocks for the next packet, `sequence`, sorted by id, within `budgetBits` as the
  /// caller's framing will write them, each as it goes on the wire (a delta where one
  /// is possible and smaller). When not everything fits, the highest priorities win.
  /// The pointers stay valid until the next select(); pass them to recordSent.
  /// `weight`: the entity's priority for this receiver; 0 or less: not sent to it.
  std::vector<const wire::StateBlock*> select(const std::vector<wire::StateBlock>& blocks,
                                              const std::function<float(EntityId)>& weight, size_t budgetBits,
                                              uint32_t tick, uint16_t sequence = 0, const LayoutOf& layoutOf = {});
  /// The same result as select(), looking only at the blocks that can have anything
  /// to send: `changed` (indices into `blocks`, ascending: those whose bits or bytes
  /// differ from the blocks of the previous select or selectChanged call, and new
  /// ones) and what this sender watches itself (net/send_watch.h: in flight, waiting
  /// for room, a refresh due, watch()ed). `blocks` must be sorted by id, and the
  /// previous call must have been given the previous send's blocks: a caller that
  /// skipped a send calls select() once instead.
  std::vector<const wire::StateBlock*> selectChanged(const std::vector<wire::StateBlock>& blocks,
                                                     const std::vector<uint32_t>& changed,
                                                     const std::function<float(EntityId)>& weight, size_t budgetBits,
                                                     uint32_t tick, uint16_t sequence = 0,
                                                     const LayoutOf& layoutOf = {});
  /// The entity's weight may have turned positive (its spawn was just confirmed):
  /// selectChanged() looks at it on the next send even if its block did not change.
  void watch(EntityId id) { m_watch.watch(id); }
  /// What selectChanged() looks at besides changed blocks (tests).
  const SendWatch& sendWatch() const { return m_watch; }
  /// selectChanged() with the caller's SendFacts and the receiver's scale: the same
  /// result as selectChanged() given weight = priority x scale and that layout.
  std::vector<const wire::StateBlock*> selectChanged(const std::vector<wire::StateBlock>& blocks,
                                                     const std::vector<uint32_t>& changed, const SendFacts& facts,
                                                     const ScaleOf& scale, size_t budgetBits, uint32_t tick,
                                                     uint16_t sequence);
  /// select() with the caller's SendFacts (see above).
  std::vector<const wire::StateBlock*> select(const std::vector<wire::StateBlock>& blocks, const SendFacts& facts,
                                              const ScaleOf& scale, size_t budgetBits, uint32_t tick,
                                              uint16_t sequence);
  /// The packet `sequence` carried `sent` (as returned by the last select()).
  void recordSent(uint16_t sequence, const std::vector<const wire::StateBlock*>& sent, uint32_t tick);
  /// The receiver could not rebuild a delta of this entity (it lacks the baseline):
  /// forget every baseline of it and send it whole, at once.
  void onNeedFull(EntityId id);
  /// The receiver reports `ack` and the 32 sequences before it (per `ackBits`) arrived.
  void onAck(uint16_t ack, uint32_t ackBits);
  /// The same, heard at tick `now`: the ack of `ack` also times how long acks take.
  void onAck(uint16_t ack, uint32_t ackBits, uint32_t now);
  /// Ticks from sending a packet to hearing its ack: the longest of the last
  /// kAckDelaySamples first acks (0 before any). It counts what the transport's own
  /// round trip does not see: the receiver's wait for its next send, and delays above
  /// the transport (a link simulator, a busy peer).
  uint32_t ackDelayTicks() const;
  static constexpr size_t kAckDelaySamples = 16;
  /// The entity is gone: drop what is known about it.
  void forget(EntityId id);
  /// Whether anything is kept about `id` (tests).
  bool knows(EntityId id) const { return stateOf(id) != nullptr; }
  /// Its priority accumulated while it waited (0 if nothing is kept; tests).
  float priorityOf(EntityId id) const {
    const EntityState* st = stateOf(id);
    return st ? st->priority : 0.0f;
  }

  /// The receiver acknowledged the entity's Spawn, which stands for the whole block
  /// `baseline` (net/spawn_baseline.h): until a packet carrying the entity is
  /// acknowledged, its blocks may be coded against it (wire::kSpawnBaseline) in packets
  /// that inSpawnWindow(sequence, anchor) allows, and a block equal to it is not sent
  /// (until its refresh) - the receiver holds exactly that. `anchor`: a sequence of this
  /// series the receiver had surely taken in before it read the spawn (newestAcked() when
  /// the spawn was sent, or 0xFFFF, the one before the series' first). `nextSequence`:
  /// the packet select() is called for next; `tick`: now, where the refresh counts from.
  /// Ignored for an entity already sent in this series.
  void setSpawnBaseline(EntityId id, SpawnBaselineRef baseline, uint16_t anchor, uint16_t nextSequence, uint32_t tick);
  /// Whether any packet of this series was acknowledged, and the newest that was.
  bool anyAcked() const { return m_anyAcked; }
  uint16_t newestAcked() const { return m_newestAcked; }
  /// Blocks sent (recordSent) coded against a spawn baseline, in all.
  uint64_t spawnDeltas() const { return m_spawnDeltas; }

private:
  /// One whole block of the entity as sent in packet `sequence`.
  struct Sent {
    uint16_t sequence = 0;
    uint64_t sendIndex = 0; ///< m_sends when sent: an age that never wraps
    uint32_t bits = 0;
    std::vector<uint8_t> payload;
    uint32_t tick = 0; ///< the caller's tick of that send: the same block for every receiver (SharedCodings)
  };
  struct EntityState {
    EntityId id; ///< whose state this is (null: none)
    // What select() reads of every block it looks at comes first, up to the end of
    // lastPayload's inline bytes (selectAmong fetches that part ahead: kHotBytes).
    uint64_t lastHash = 0; ///< blockHash of lastBits/lastPayload: most differences seen without them
    uint32_t lastBits = 0;
    uint16_t lastSequence = 0;
    /// The first packet that carried `lastPayload` (every later one that carried the
    /// entity carried the same bytes), kept within the sent ring.
    uint16_t firstSequence = 0;
    bool sentOnce = false;
    bool lastAcked = false;
    uint32_t lastSentTick = 0;
    uint32_t refreshes = 0; ///< sends of this same block since it last changed
    float priority = 0;
    ShortBytes lastPayload;
    /// The newest block the receiver acknowledged: what deltas are coded against.
    bool hasBaseline = false;
    Sent baseline;
    uint64_t baselineRound = 0; ///< the onAck call that acknowledged `baseline`
    /// The acknowledged block before `baseline` (B2 of a prediction).
    bool hasPrevious = false;
    Sent previous;
    /// The newest sendIndex below which a delta sent may have let the receiver drop
    /// the entity's blocks (net/baseline_store.h): B2 must not be older.
    uint64_t dropFloor = 0;
    /// Sent since, not yet acknowledged, oldest first (at most kMaxInFlight). A vector,
    /// not a deque: an empty one allocates nothing, and every receiver keeps an entry
    /// for every slot.
    std::vector<Sent> inFlight;
    /// The acknowledged spawn's block, until a packet's block is acknowledged.
    bool hasSpawn = false;
    uint16_t spawnAnchor = 0;
    uint64_t spawnSendIndex = 0; ///< m_sends when it was set
    SpawnBaselineRef spawn;
  };
  static constexpr size_t kMaxInFlight = 64;
  /// selectAmong fetches the state this many blocks ahead of the one it reads.
  static constexpr size_t kLookAhead = 8;
  /// ... the first kHotBytes of it: what its loop reads.
  static constexpr size_t kHotBytes = offsetof(EntityState, lastPayload) + ShortBytes::kInlineEnd;
  static constexpr size_t kCacheLine = 64;
  /// B2 is named only within this many sends of it: the receiver keeps the last
  /// BaselineStore::kMaxPerEntity (96) blocks of an entity, one per packet at most.
  static constexpr uint64_t kMaxPredictionAge = 64;
  struct SentPacket {
    uint16_t sequence = 0;
    bool valid = false;
    bool acked = false;
    uint32_t tick = 0; ///< when it was sent
    std::vector<SendWatch::Entry> entities;
  };
  static constexpr size_t kRing = 64; // > the 33 sequences one ack covers

  void acknowledge(uint16_t sequence);
  /// The state kept for `id` at `slot`, or null (none, or the slot is another id's now).
  EntityState* stateAt(EntityId id, uint32_t slot) {
    return slot < m_states.size() && m_states[slot].id == id ? &m_states[slot] : nullptr;
  }
  const EntityState* stateOf(EntityId id) const {
    const uint32_t slot = m_slots->find(id);
    return slot < m_states.size() && m_states[slot].id == id ? &m_states[slot] : nullptr;
  }
  /// The state of `id` at `slot`, fresh if the slot held none or another entity's.
  EntityState& makeState(EntityId id, uint32_t slot);
  /// The receiver holds exactly this block: nothing new to send. With its hash at hand
  /// (`hash`, or null) a changed block is told apart without reading the old bytes.
  static bool sameAsLast(const EntityState& st, const wire::StateBlock& b, const uint64_t* hash) {
    return st.sentOnce && st.lastBits == b.bits && (!hash || st.lastHash == *hash) && st.lastPayload == b.payload;
  }
  /// How a select gets a block's weight and layout: from SendFacts or callbacks.
  struct Inputs {
    const SendFacts* facts = nullptr;
    const ScaleOf* scale = nullptr;
    const std::function<float(EntityId)>* weight = nullptr;
    const LayoutOf* layoutOf = nullptr;
  };
  std::vector<const wire::StateBlock*> selectChangedWith(const std::vector<wire::StateBlock>& blocks,
                                                         const std::vector<uint32_t>& changed, const Inputs& in,
                                                         size_t budgetBits, uint32_t tick, uint16_t sequence);
  /// select()'s work on the blocks at m_lookIndices (ascending ids).
  std::vector<const wire::StateBlock*> selectAmong(const std::vector<wire::StateBlock>& blocks, const Inputs& in,
                                                   size_t budgetBits, uint32_t tick, uint16_t sequence);
  /// One block that may go in this send, and its priority then.
  struct Candidate {
    const wire::StateBlock* raw;
    uint32_t slot;
    const FieldLayout* layout;
    float priority;
    uint32_t order; ///< its place among the candidates (block order)
  };
  /// The packet from m_candidates (sorted by priority, highest first), each coded only
  /// when its turn comes.
  std::vector<const wire::StateBlock*> packByPriority(size_t budgetBits, uint16_t sequence);
  /// Once a candidate did not fit, at most this many more that do not fit are coded
  /// and tried before the packet counts as full.
  static constexpr size_t kTriesAfterFull = 8;
  /// No block is shorter on the wire (its "more" bit and the shortest id code).
  static constexpr int64_t kMinBlockBits = 2;
  /// `raw` as it goes on the wire in packet `sequence`, into `out` (its buffer reused):
  /// a delta if possible and smaller. `dropIndex`: the sendIndex below which the
  /// receiver drops the entity's blocks when it reads it (0: it drops nothing).
  /// `slot`: the entity's, for a coding shared with other receivers (m_codings).
  void encode(const wire::StateBlock& raw, const EntityState& st, uint32_t slot, uint16_t sequence,
              const FieldLayout* layout, uint64_t& dropIndex, wire::StateBlock& out) const;
  /// encode() against acknowledged blocks only.
  void encodeAcked(const wire::StateBlock& raw, const EntityState& st, uint32_t slot, uint16_t sequence,
                   const FieldLayout& layout, uint64_t& dropIndex, wire::StateBlock& out) const;
  /// Whether `block` goes without its length (setLeavesOutLength / setTakesUndelimited).
  bool leavesOutLength(const wire::StateBlock& block, uint32_t slot, const FieldLayout* layout) const;
  /// Tries `raw` against the newest block sent (B2: the one sent before it, or the
  /// acknowledged baseline); replaces `out` if shorter.
  void tryOptimistic(const wire::StateBlock& raw, const EntityState& st, uint16_t sequence, const FieldLayout& layout,
                     uint64_t& dropIndex, wire::StateBlock& out) const;
  /// Whether `b` may stand as a baseline of a block in packet `sequence`: the receiver
  /// cannot have dropped it, it is within the ages it keeps.
  bool usableBaseline(const Sent& b, const EntityState& st, uint16_t sequence) const;
  /// The span from `older` to `newer` if `older` may stand as B2 of a prediction from
  /// `newer` (the receiver cannot have dropped it, it is within the blocks the receiver
  /// keeps, the span is one the wire carries); else 0.
  uint16_t predictionSpan(const Sent& older, const Sent& newer, const EntityState& st) const;
  /// The plain delta of `raw` against `base` (coded as `reference`), or `raw` when that
  /// is not smaller, into `out`.
  void deltaOrWhole(const wire::StateBlock& raw, const FieldLayout& layout, const uint8_t* base, uint32_t baseBits,
                    uint16_t reference, wire::StateBlock& out) const;
  /// Whether `delta` (a coded payload against `reference`) is shorter than `raw` whole.
  static bool smallerThanWhole(const wire::StateBlock& raw, const WriteStream& delta, uint16_t reference);
  /// `out` becomes `delta` as the block of `raw`'s entity, or `raw` itself.
  static void coded(const wire::StateBlock& raw, const WriteStream& delta, uint16_t reference, wire::StateBlock& out);
  static void whole(const wire::StateBlock& raw, wire::StateBlock& out) { copyBlock(raw, out); }
  /// `to` becomes a copy of `from`, its payload buffer reused (a coding taken from or
  /// kept for the send's SharedCodings, or `raw` whole).
  static void copyBlock(const wire::StateBlock& from, wire::StateBlock& to);

  uint32_t m_refreshTicks;
  uint32_t m_resendTicks = 0;
  Framing m_framing;
  EntitySlots m_ownSlots;
  EntitySlots* m_slots;
  std::vector<EntityState> m_states; ///< by slot
  std::array<SentPacket, kRing> m_sent{};
  uint64_t m_sends = 0; ///< recordSent calls so far
  std::array<uint32_t, kAckDelaySamples> m_ackDelays{};
  size_t m_ackDelayCount = 0;
  bool m_anyAcked = false;
  uint64_t m_ackRound = 0; ///< onAck calls so far (see acknowledge: which baseline may be B2)
  uint16_t m_newestAcked = 0;
  uint64_t m_spawnDeltas = 0;
  bool m_optimistic = false;
  uint64_t m_optimisticPausedUntil = 0; ///< m_sends before which no optimistic coding
  uint64_t m_optimisticPause = kOptimisticPause; ///< the next pause's length
  uint64_t m_optimisticCleanFrom = 0; ///< m_sends since which no loss paused it
  uint64_t m_optimisticDeltas = 0;
  mutable wire::StateBlock m_optimisticOut;
  std::vector<wire::StateBlock> m_wire;          ///< the last select()'s blocks as sent (the first m_wireUsed)
  size_t m_wireUsed = 0;                         ///< (the others: buffers kept for reuse)
  std::vector<Candidate> m_candidates;           ///< scratch: this select's candidates
  size_t m_sortedUpTo = 0;                       ///< m_candidates is in priority order below this
  static constexpr size_t kSortedFirst = 256;
  /// Priority order: highest first, ties in block order. A function object, not a
  /// function: passed to std::sort as a pointer it was called, not inlined, for every
  /// comparison (2.6 % of the 64-client server's thread).
  struct HigherPriority {
    bool operator()(const Candidate& a, const Candidate& b) const {
      return a.priority > b.priority || (a.priority == b.priority && a.order < b.order);
    }
  };
  static constexpr HigherPriority higherPriority{};
  std::vector<const wire::StateBlock*> m_raw;    ///< ... and the whole blocks they code
  std::vector<uint32_t> m_rawSlots;              ///< ... and their slots
  std::vector<uint64_t> m_dropIndex;             ///< ... and encode()'s dropIndex for each
  /// Payload buffers of blocks no longer needed, reused for the next ones sent: a
  /// server copies every block it sends, for every client, and frees it on its ack.
  std::vector<std::vector<uint8_t>> m_spare;
  static constexpr size_t kMaxSpare = 1024;
  void spare(std::vector<uint8_t>&& buffer) {
    if (buffer.capacity() > 0 && m_spare.size() < kMaxSpare) m_spare.push_back(std::move(buffer));
  }
  std::vector<uint8_t> takeSpare() {
    if (m_spare.empty()) return {};
    std::vector<uint8_t> buffer = std::move(m_spare.back());
    m_spare.pop_back();
    buffer.clear();
    return buffer;
  }
  // encode()'s scratch for the two codings of one block (reused: no allocation per block).
  mutable WriteStream m_plainScratch{wire::kMaxBlockBits / 8};
  mutable WriteStream m_predictedScratch{wire::kMaxBlockBits / 8};
  LeavesOutLength m_leavesOutLength;
  TakesUndelimited m_takesUndelimited;
  /// The send's shared codings while a select with SendFacts runs, else null.
  SharedCodings* m_codings = nullptr;
  /// The shared coding the last encode() gave, if its block is exactly that coding.
  mutable SharedCodings::Coding* m_lastShared = nullptr;
  SendWatch m_watch;                             ///< what selectChanged() looks at unasked
  std::vector<SendWatch::Entry> m_watchedIds;   ///< scratch
  std::vector<uint32_t> m_lookIndices;           ///< scratch: the blocks a select looks at
  std::vector<uint32_t> m_lookSlots;             ///< scratch: their slots
  std::vector<uint8_t> m_lookMarks;              ///< scratch: by block index, 1 = look at it (all 0 between selects)
  /// Marks, not a sort, once the blocks looked at are at least 1/kMarkWalkRatio of all.
  static constexpr size_t kMarkWalkRatio = 16;
};

} // namespace ferrum
