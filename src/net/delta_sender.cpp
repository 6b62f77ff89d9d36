#include "net/delta_sender.h"

#include <algorithm>
#include <cstddef>

#include "net/block_changes.h"
#include "net/spawn_baseline.h"
#include "wire/field_delta.h"
#include "wire/payload_extent.h"

namespace ferrum {

void ReceiveHistory::onReceived(uint16_t sequence) {
  if (!m_any) {
    m_any = true;
    m_newest = sequence;
    m_bits = 0;
    return;
  }
  if (wire::sequenceNewer(sequence, m_newest)) {
    const uint16_t shift = static_cast<uint16_t>(sequence - m_newest);
    m_lost += shift - 1u; // the skipped ones; a late arrival gives its count back below
    // The old newest becomes bit (shift - 1); older history moves along with it.
    m_bits = shift >= 33 ? 0 : ((shift == 32 ? 0 : (m_bits << shift)) | (1u << (shift - 1)));
    m_newest = sequence;
    return;
  }
  const uint16_t back = static_cast<uint16_t>(m_newest - sequence);
  if (back >= 1 && back <= 32 && !(m_bits & (1u << (back - 1)))) {
    m_bits |= 1u << (back - 1);
    if (m_lost > 0) --m_lost; // late, not lost
  }
}

std::vector<const wire::StateBlock*> DeltaSender::select(const std::vector<wire::StateBlock>& blocks,
                                                         const std::function<float(EntityId)>& weight,
                                                         size_t budgetBits, uint32_t tick, uint16_t sequence,
                                                         const LayoutOf& layoutOf) {
  m_watch.advance(tick);
  m_lookIndices.resize(blocks.size());
  for (uint32_t i = 0; i < blocks.size(); ++i) m_lookIndices[i] = i;
  return selectAmong(blocks, Inputs{nullptr, nullptr, &weight, &layoutOf}, budgetBits, tick, sequence);
}

std::vector<const wire::StateBlock*> DeltaSender::select(const std::vector<wire::StateBlock>& blocks,
                                                         const SendFacts& facts, const ScaleOf& scale,
                                                         size_t budgetBits, uint32_t tick, uint16_t sequence) {
  m_watch.advance(tick);
  m_lookIndices.resize(blocks.size());
  for (uint32_t i = 0; i < blocks.size(); ++i) m_lookIndices[i] = i;
  return selectAmong(blocks, Inputs{&facts, &scale, nullptr, nullptr}, budgetBits, tick, sequence);
}

std::vector<const wire::StateBlock*> DeltaSender::selectChanged(const std::vector<wire::StateBlock>& blocks,
                                                                const std::vector<uint32_t>& changed,
                                                                const std::function<float(EntityId)>& weight,
                                                                size_t budgetBits, uint32_t tick, uint16_t sequence,
                                                                const LayoutOf& layoutOf) {
  return selectChangedWith(blocks, changed, Inputs{nullptr, nullptr, &weight, &layoutOf}, budgetBits, tick, sequence);
}

std::vector<const wire::StateBlock*> DeltaSender::selectChanged(const std::vector<wire::StateBlock>& blocks,
                                                                const std::vector<uint32_t>& changed,
                                                                const SendFacts& facts, const ScaleOf& scale,
                                                                size_t budgetBits, uint32_t tick, uint16_t sequence) {
  return selectChangedWith(blocks, changed, Inputs{&facts, &scale, nullptr, nullptr}, budgetBits, tick, sequence);
}

std::vector<const wire::StateBlock*> DeltaSender::selectChangedWith(const std::vector<wire::StateBlock>& blocks,
                                                                    const std::vector<uint32_t>& changed,
                                                                    const Inputs& in, size_t budgetBits,
                                                                    uint32_t tick, uint16_t sequence) {
  m_watchedIds.clear();
  m_watch.collect(tick, m_watchedIds);
  // The union of the changed and the watched, in block order (as select() looks at
  // them: ties in priority keep that order). With most of a busy world watched by
  // every client, sorting the watched ones for every client and send cost more than
  // marking them by block index and walking one byte per block; with few of them in a
  // big world (at rest, or mostly out of this client's interest) the walk would cost
  // more than the sort.
  const bool byMarks = (changed.size() + m_watchedIds.size()) * kMarkWalkRatio >= blocks.size();
  if (byMarks) m_lookMarks.resize(blocks.size(), 0);
  m_lookIndices.clear();
  auto look = [&](uint32_t index) {
    if (byMarks) m_lookMarks[index] = 1;
    else m_lookIndices.push_back(index);
  };
  for (uint32_t index : changed)
    if (index < blocks.size()) look(index);
  const auto changedCount = static_cast<std::ptrdiff_t>(m_lookIndices.size());
  const SendFacts* facts = in.facts;
  for (const SendWatch::Entry& w : m_watchedIds) {
    uint32_t index = EntitySlots::kNone;
    if (facts) { // its block by its slot
      if (w.slot < facts->slotCount) index = facts->indexOfSlot[w.slot];
    } else {
      const auto at = std::lower_bound(blocks.begin(), blocks.end(), w.id,
                                       [](const wire::StateBlock& b, EntityId v) { return b.id < v; });
      if (at != blocks.end()) index = static_cast<uint32_t>(at - blocks.begin());
    }
    if (index < blocks.size() && blocks[index].id == w.id) look(index);
    else m_watch.forget(w.id, w.slot); // no block of it (not ours now): a new one counts as changed
  }
  if (byMarks) {
    for (uint32_t i = 0; i < blocks.size(); ++i)
      if (m_lookMarks[i]) {
        m_lookMarks[i] = 0;
        m_lookIndices.push_back(i);
      }
  } else { // the changed ones come in order already: only the watched ones are sorted, then merged
    const auto watchedBegin = m_lookIndices.begin() + changedCount;
    if (!std::is_sorted(m_lookIndices.begin(), watchedBegin)) std::sort(m_lookIndices.begin(), watchedBegin);
    std::sort(watchedBegin, m_lookIndices.end());
    std::inplace_merge(m_lookIndices.begin(), watchedBegin, m_lookIndices.end());
    m_lookIndices.erase(std::unique(m_lookIndices.begin(), m_lookIndices.end()), m_lookIndices.end());
  }
  return selectAmong(blocks, in, budgetBits, tick, sequence);
}

DeltaSender::EntityState& DeltaSender::makeState(EntityId id, uint32_t slot) {
  if (slot >= m_states.size()) m_states.resize(std::max<size_t>(slot + 1, m_states.size() * 3 / 2));
  EntityState& st = m_states[slot];
  if (st.id != id) { // none yet, or the slot's old entity is gone: nothing of it carries over
    st = EntityState{};
    st.id = id;
  }
  return st;
}

void DeltaSender::forget(EntityId id) {
  const uint32_t slot = m_slots->find(id);
  if (slot == EntitySlots::kNone) return;
  if (EntityState* st = stateAt(id, slot)) *st = EntityState{};
  m_watch.forget(id, slot);
  if (m_slots == &m_ownSlots) m_ownSlots.release(id); // nobody else keeps state by it
}

std::vector<const wire::StateBlock*> DeltaSender::selectAmong(const std::vector<wire::StateBlock>& blocks,
                                                              const Inputs& in, size_t budgetBits, uint32_t tick,
                                                              uint16_t sequence) {
  const SendFacts* facts = in.facts;
  m_codings = facts ? facts->codings : nullptr;
  // Every slot first: the states are made before any reference into them is kept.
  m_lookSlots.resize(m_lookIndices.size());
  for (size_t k = 0; k < m_lookIndices.size(); ++k)
    m_lookSlots[k] = facts ? facts->slots[m_lookIndices[k]] : m_slots->assign(blocks[m_lookIndices[k]].id);
  if (m_states.size() < m_slots->span()) m_states.resize(m_slots->span());
  m_candidates.clear();
  for (size_t k = 0; k < m_lookIndices.size(); ++k) {
    // A few blocks ahead, the state this loop will read there: one entity's state is
    // far from the next one's (hundreds of bytes each), and waiting for each from
    // memory was half of this loop's time with 2,000 changing entities per client.
    if (k + kLookAhead < m_lookSlots.size() && m_lookSlots[k + kLookAhead] < m_states.size()) {
      // What the loop reads of it (kHotBytes) spans two or three cache lines: a fetch
      // every line's length and one at its last byte touch each of them.
      const auto* ahead = reinterpret_cast<const char*>(&m_states[m_lookSlots[k + kLookAhead]]);
      for (size_t at = 0; at < kHotBytes; at += kCacheLine) __builtin_prefetch(ahead + at);
      __builtin_prefetch(ahead + kHotBytes - 1);
    }
    const uint32_t index = m_lookIndices[k];
    const uint32_t slot = m_lookSlots[k];
    const wire::StateBlock& b = blocks[index];
    EntityState* known = stateAt(b.id, slot);
    bool unchanged = false;
    if (known) {
      const EntityState& st = *known;
      unchanged = sameAsLast(st, b, facts ? &facts->hashes[index] : nullptr);
      if (unchanged && st.lastAcked) {
        const uint64_t interval = uint64_t{m_refreshTicks} << std::min(st.refreshes, kMaxRefreshDoublings);
        const bool refreshDue = m_refreshTicks > 0 && tick - st.lastSentTick >= interval;
        if (!refreshDue) { // the receiver has exactly this: nothing to look at before the refresh
          if (m_refreshTicks > 0) m_watch.rest(b.id, slot, st.lastSentTick + static_cast<uint32_t>(interval));
          else m_watch.restForever(b.id, slot);
          continue;
        }
      }
      // Sent as it is and not yet acknowledged: its ack is probably on the way. Wait
      // for it (up to m_resendTicks) before sending the same again.
      if (unchanged && !st.lastAcked && m_resendTicks > 0 && tick - st.lastSentTick < m_resendTicks) {
        m_watch.watch(b.id, slot);
        continue;
      }
    }
    // Asked only now: most of a resting world stops above, at no cost.
    const float w = facts ? facts->priorities[index] * (*in.scale)(b.id, slot) : (*in.weight)(b.id);
    if (!(w > 0)) { // not for this receiver (it does not hold the entity): until watch()
      m_watch.forget(b.id, slot);
      continue;
    }
    m_watch.watch(b.id, slot); // looked at every send until the receiver holds it
    EntityState& st = known ? *known : makeState(b.id, slot);
    // Changed state matters more than a resend of something possibly still in flight.
    st.priority += w * (unchanged ? 0.1f : 1.0f);
    const FieldLayout* layout = facts ? facts->layouts[index] : (*in.layoutOf ? (*in.layoutOf)(b.id) : nullptr);
    m_candidates.push_back({&b, slot, layout, st.priority, static_cast<uint32_t>(m_candidates.size())});
  }
  // Ties keep block order (the order looked at): an unstable sort with the position as
  // the tie-break gives the same order without stable_sort's scratch allocation. A
  // packet takes a few hundred blocks at most, so only the first kSortedFirst are
  // put in order now (nth_element leaves no later one above them); packByPriority
  // sorts the rest only if it gets that far. The order is the full sort's either way.
  m_sortedUpTo = std::min(m_candidates.size(), kSortedFirst);
  if (m_sortedUpTo < m_candidates.size())
    std::nth_element(m_candidates.begin(), m_candidates.begin() + static_cast<std::ptrdiff_t>(m_sortedUpTo),
                     m_candidates.end(), higherPriority);
  std::sort(m_candidates.begin(), m_candidates.begin() + static_cast<std::ptrdiff_t>(m_sortedUpTo), higherPriority);
  return packByPriority(budgetBits, sequence);
}

// Highest priority first, each coded (encode()) only when its turn comes and taken if
// the packet still fits with it. What a block costs is known only once it is coded,
// so coding every candidate up front would spend most of a crowded send on blocks
// that never go: a 1200-byte packet holds a fraction of a busy world. One that does
// not fit waits with its priority grown, as any other left out. Once one did not fit
// beside others, a few more are tried (a smaller one further down may still fit),
// then the packet counts as full. The packet is kept sorted by id: chained framing
// codes each id as a gap from the one before, so a block's cost depends on its
// neighbours, and taking one changes what the next one costs. Both are counted exactly.
std::vector<const wire::StateBlock*> DeltaSender::packByPriority(size_t budgetBits, uint16_t sequence) {
  // Coded blocks are reused from select to select (their payload buffers too); sized
  // before the first pointer into them is taken, so they never move while in use.
  if (m_wire.size() < m_candidates.size()) m_wire.resize(m_candidates.size());
  m_wireUsed = 0;
  m_raw.clear();
  m_rawSlots.clear();
  m_dropIndex.clear();
  std::vector<const wire::StateBlock*> chosen;
  const bool chained = m_framing == Framing::Chained;
  auto cost = [](const wire::StateBlock* b, const wire::StateBlock* before) {
    return wire::measureBlock(*b, before ? wire::contextAfter(*before) : wire::BlockContext{});
  };
  int64_t used = 0;
  const auto budget = static_cast<int64_t>(budgetBits);
  size_t missesLeft = kTriesAfterFull;
  bool missed = false;
  for (size_t k = 0; k < m_candidates.size(); ++k) {
    if (budget - used < static_cast<int64_t>(kMinBlockBits)) break; // nothing fits any more
    if (missed && missesLeft == 0) break;
    if (k == m_sortedUpTo) { // past what selectAmong put in order: the rest now
      std::sort(m_candidates.begin() + static_cast<std::ptrdiff_t>(k), m_candidates.end(), higherPriority);
      m_sortedUpTo = m_candidates.size();
    }
    const Candidate& c = m_candidates[k];
    const wire::StateBlock& raw = *c.raw;
    wire::StateBlock& block = m_wire[m_wireUsed];
    uint64_t dropIndex = 0;
    encode(raw, m_states[c.slot], c.slot, sequence, c.layout, dropIndex, block);
    block.selfDelimited = leavesOutLength(block, c.slot, c.layout);
    const auto at = std::lower_bound(chosen.begin(), chosen.end(), block.id,
                                     [](const wire::StateBlock* b, EntityId id) { return b->id < id; });
    int64_t added = 0;
    if (!chained) {
      added = static_cast<int64_t>(wire::measureBlock(block));
    } else {
      const wire::StateBlock* before = at == chosen.begin() ? nullptr : *(at - 1);
      added = static_cast<int64_t>(cost(&block, before));
      // The next block is now coded against this one (it may get cheaper).
      if (at != chosen.end())
        added += static_cast<int64_t>(cost(*at, &block)) - static_cast<int64_t>(cost(*at, before));
    }
    if (used + added > budget) { // it waits; its coding is simply not kept
      // An empty packet is never given up on: whatever fits alone goes.
      if (missed) --missesLeft;
      missed = missed || !chosen.empty();
      continue;
    }
    used += added;
    ++m_wireUsed;
    m_raw.push_back(&raw);
    m_rawSlots.push_back(c.slot);
    m_dropIndex.push_back(dropIndex);
    chosen.insert(at, &block);
  }
  return chosen;
}

void DeltaSender::encode(const wire::StateBlock& raw, const EntityState& st, uint32_t slot, uint16_t sequence,
                         const FieldLayout* layout, uint64_t& dropIndex, wire::StateBlock& out) const {
  dropIndex = 0;
  m_lastShared = nullptr;
  if (!layout) return whole(raw, out);
  encodeAcked(raw, st, slot, sequence, *layout, dropIndex, out);
  if (m_optimistic && m_sends >= m_optimisticPausedUntil && !st.inFlight.empty()) {
    tryOptimistic(raw, st, sequence, *layout, dropIndex, out);
    m_lastShared = nullptr; // `out` may be another coding now
  }
}

bool DeltaSender::leavesOutLength(const wire::StateBlock& block, uint32_t slot, const FieldLayout* layout) const {
  if (!m_takesUndelimited) return m_leavesOutLength && m_leavesOutLength(block);
  if (!layout || !m_takesUndelimited(block.id, slot)) return false;
  if (m_lastShared && m_lastShared->walkEndsExactly >= 0) return m_lastShared->walkEndsExactly == 1;
  const bool ends = wire::walkEndsExactly(block.payload.data(), block.bits, block.baselineAge, *layout);
  if (m_lastShared) m_lastShared->walkEndsExactly = ends ? 1 : 0;
  return ends;
}

bool DeltaSender::usableBaseline(const Sent& b, const EntityState& st, uint16_t sequence) const {
  const auto age = static_cast<uint16_t>(sequence - b.sequence);
  return age != 0 && b.sendIndex >= st.dropFloor && m_sends - b.sendIndex < wire::kMaxBaselineAge;
}

uint16_t DeltaSender::predictionSpan(const Sent& older, const Sent& newer, const EntityState& st) const {
  const auto span = static_cast<uint16_t>(newer.sequence - older.sequence);
  if (older.sendIndex < st.dropFloor || older.sendIndex >= newer.sendIndex ||
      m_sends + 1 - older.sendIndex > kMaxPredictionAge || span == 0 || span > wire::kMaxPredictionSpan)
    return 0;
  return span;
}

// Acks take a round trip and the receiver's wait for its next send: with 100 ms each
// way at 30 sends/s the acknowledged block is 6-7 sends old, and a moving body's delta
// against it spans all of that motion. The newest block sent spans one send. If its
// packet was lost the receiver cannot rebuild this one; it drops it, counts it
// (baselineMismatches) and asks for the entity whole (needFull), as for any missing
// baseline, and onNeedFull pauses this coding for a while.
void DeltaSender::tryOptimistic(const wire::StateBlock& raw, const EntityState& st, uint16_t sequence,
                                const FieldLayout& layout, uint64_t& dropIndex, wire::StateBlock& out) const {
  const Sent& newest = st.inFlight.back();
  if (!usableBaseline(newest, st, sequence)) return;
  if (st.hasBaseline && newest.sendIndex <= st.baseline.sendIndex) return; // acknowledged already
  const auto age = static_cast<uint16_t>(sequence - newest.sequence);
  // B2: the block sent before it, or else the acknowledged one.
  const Sent* older = st.inFlight.size() >= 2 ? &st.inFlight[st.inFlight.size() - 2] : (st.hasBaseline ? &st.baseline : nullptr);
  const size_t current = wire::measureBlock(out, {});
  m_plainScratch.clear();
  m_predictedScratch.clear();
  bool predictedWritten = false;
  bool plainWritten = false;
  const uint16_t span = older ? predictionSpan(*older, newest, st) : 0;
  if (span != 0) {
    const wire::FieldPrediction prediction{older->payload.data(), older->bits, span, age};
    plainWritten = wire::writeFieldDeltaPair(m_plainScratch, m_predictedScratch, predictedWritten, layout,
                                             newest.payload.data(), newest.bits, raw.payload.data(), raw.bits,
                                             prediction);
  } else {
    plainWritten = wire::writeFieldDelta(m_plainScratch, layout, newest.payload.data(), newest.bits,
                                         raw.payload.data(), raw.bits);
  }
  const bool usePredicted = predictedWritten && (!plainWritten || m_predictedScratch.bits() <= m_plainScratch.bits());
  if (!usePredicted && !plainWritten) return;
  const WriteStream& delta = usePredicted ? m_predictedScratch : m_plainScratch;
  coded(raw, delta, age, m_optimisticOut);
  if (wire::measureBlock(m_optimisticOut, {}) >= current) return;
  std::swap(out, m_optimisticOut);
  dropIndex = usePredicted ? older->sendIndex : newest.sendIndex;
}

void DeltaSender::encodeAcked(const wire::StateBlock& raw, const EntityState& st, uint32_t slot, uint16_t sequence,
                              const FieldLayout& layout, uint64_t& dropIndex, wire::StateBlock& out) const {
  // A block sent since may have let the receiver drop this one (an optimistic delta).
  if (st.hasBaseline && st.baseline.sendIndex >= st.dropFloor) {
    const uint16_t age = static_cast<uint16_t>(sequence - st.baseline.sequence);
    // Too old for the receiver to keep (counted in sends: the 16-bit age may have wrapped).
    if (age == 0 || m_sends - st.baseline.sendIndex >= wire::kMaxBaselineAge) return whole(raw, out);
    // B2: acknowledged, not below what the receiver may have dropped, still in its ring.
    const Sent& older = st.previous;
    const uint16_t span = st.hasPrevious ? predictionSpan(older, st.baseline, st) : 0;
    // Another receiver's sender may have coded this block against the same baselines
    // at the same ages in this send: the same bits.
    SharedCodings::Coding* shared = nullptr;
    if (m_codings) {
      const SharedCodings::Key key{st.baseline.tick, span == 0 ? 0u : older.tick, age, span};
      if (SharedCodings::Coding* made = m_codings->find(slot, key)) {
        ++m_codings->hits;
        copyBlock(made->block, out); // the same entity's block: kept from its coding below
        if (made->choice == SharedCodings::Choice::Plain) dropIndex = st.baseline.sendIndex;
        if (made->choice == SharedCodings::Choice::Predicted) dropIndex = older.sendIndex;
        m_lastShared = made;
        return;
      }
      ++m_codings->misses;
      shared = m_codings->add(slot, key);
    }
    auto share = [&](SharedCodings::Choice choice) {
      if (!shared) return;
      shared->choice = choice;
      copyBlock(out, shared->block);
      m_lastShared = shared;
    };
    if (span == 0) {
      deltaOrWhole(raw, layout, st.baseline.payload.data(), st.baseline.bits, age, out);
      if (out.baselineAge != 0) dropIndex = st.baseline.sendIndex;
      share(out.baselineAge != 0 ? SharedCodings::Choice::Plain : SharedCodings::Choice::Whole);
      return;
    }
    // Both codings from one split of each payload (the sender's share of prediction).
    const wire::FieldPrediction prediction{older.payload.data(), older.bits, span, age};
    m_plainScratch.clear();
    m_predictedScratch.clear();
    bool predictedWritten = false;
    const bool plainWritten = wire::writeFieldDeltaPair(m_plainScratch, m_predictedScratch, predictedWritten, layout,
                                                        st.baseline.payload.data(), st.baseline.bits,
                                                        raw.payload.data(), raw.bits, prediction);
    const bool plainCoded = plainWritten && smallerThanWhole(raw, m_plainScratch, age);
    const bool predictedCoded = predictedWritten && smallerThanWhole(raw, m_predictedScratch, age);
    // Ties go to the prediction: it lets the receiver drop less, keeping B2 for later.
    if (!predictedCoded || (plainCoded && m_predictedScratch.bits() > m_plainScratch.bits())) {
      if (!plainCoded) {
        whole(raw, out);
        return share(SharedCodings::Choice::Whole);
      }
      coded(raw, m_plainScratch, age, out);
      dropIndex = st.baseline.sendIndex;
      return share(SharedCodings::Choice::Plain);
    }
    coded(raw, m_predictedScratch, age, out);
    dropIndex = older.sendIndex;
    return share(SharedCodings::Choice::Predicted);
  }
  // The acknowledged spawn, while this packet is inside the window the receiver checks
  // (counted in sends too, so a wrapped sequence can never pass for a near one).
  // Not once a delta against a packet went out: the receiver drops the spawn's block then.
  if (st.hasSpawn && st.dropFloor == 0 && inSpawnWindow(sequence, st.spawnAnchor) &&
      m_sends - st.spawnSendIndex < kSpawnBaselineWindow / 2)
    return deltaOrWhole(raw, layout, st.spawn.payload.data(), st.spawn.bits, wire::kSpawnBaseline, out);
  whole(raw, out);
}

void DeltaSender::deltaOrWhole(const wire::StateBlock& raw, const FieldLayout& layout, const uint8_t* base,
                               uint32_t baseBits, uint16_t reference, wire::StateBlock& out) const {
  m_plainScratch.clear();
  if (!wire::writeFieldDelta(m_plainScratch, layout, base, baseBits, raw.payload.data(), raw.bits) ||
      !smallerThanWhole(raw, m_plainScratch, reference))
    return whole(raw, out);
  coded(raw, m_plainScratch, reference, out);
}

bool DeltaSender::smallerThanWhole(const wire::StateBlock& raw, const WriteStream& delta, uint16_t reference) {
  // Whole state costs one coding bit; a delta, its baseline reference besides.
  const wire::StateBlock coded{raw.id, {}, static_cast<uint32_t>(delta.bits()), reference};
  return wire::measureBlock(coded, {}) < wire::measureBlock(raw, {});
}

void DeltaSender::coded(const wire::StateBlock& raw, const WriteStream& delta, uint16_t reference,
                        wire::StateBlock& out) {
  out.id = raw.id;
  out.bits = static_cast<uint32_t>(delta.bits());
  out.baselineAge = reference;
  out.selfDelimited = false;
  const std::vector<uint8_t>& bytes = delta.buffer();
  out.payload.assign(bytes.begin(), bytes.end()); // reuses out's buffer
}

void DeltaSender::copyBlock(const wire::StateBlock& from, wire::StateBlock& to) {
  to.id = from.id;
  to.bits = from.bits;
  to.baselineAge = from.baselineAge;
  to.selfDelimited = from.selfDelimited;
  to.payload.assign(from.payload.begin(), from.payload.end()); // reuses to's buffer
}

void DeltaSender::setSpawnBaseline(EntityId id, SpawnBaselineRef baseline, uint16_t anchor, uint16_t nextSequence,
                                   uint32_t tick) {
  EntityState& st = makeState(id, m_slots->assign(id));
  if (st.sentOnce || st.hasBaseline || !st.inFlight.empty()) return;
  st.hasSpawn = true;
  st.spawnAnchor = anchor;
  st.spawnSendIndex = m_sends;
  // The receiver holds exactly this block, acknowledged: what select() skips while the
  // entity's state stays the same, and refreshes from now on the usual back-off.
  st.lastPayload.assign(baseline.payload);
  st.lastBits = baseline.bits;
  st.lastHash = blockHash(baseline.bits, baseline.payload);
  st.spawn = std::move(baseline);
  st.sentOnce = true;
  st.lastAcked = true;
  st.lastSentTick = tick;
  st.refreshes = 0;
  st.firstSequence = nextSequence;
  m_watch.watch(id); // found to rest at its next look
  st.lastSequence = static_cast<uint16_t>(nextSequence - 1);
}

void DeltaSender::onNeedFull(EntityId id) {
  // A loss shows as needFulls for every entity whose chain it broke: the first starts a
  // pause, the rest of the burst finds it running. A link that keeps losing packets
  // ends up coded against acknowledged blocks nearly all the time.
  if (m_optimistic && m_sends >= m_optimisticPausedUntil) {
    m_optimisticPausedUntil = m_sends + m_optimisticPause;
    m_optimisticPause = std::min(m_optimisticPause * 2, kMaxOptimisticPause);
    m_optimisticCleanFrom = m_optimisticPausedUntil;
  }
  const uint32_t slot = m_slots->find(id);
  EntityState* found = slot == EntitySlots::kNone ? nullptr : stateAt(id, slot);
  if (!found) return;
  EntityState& st = *found;
  st.hasBaseline = false;
  st.hasPrevious = false;
  st.hasSpawn = false;
  st.inFlight.clear();
  st.sentOnce = false; // counts as changed: sent at full priority
  st.lastAcked = false;
  m_watch.watch(id);
}

void DeltaSender::recordSent(uint16_t sequence, const std::vector<const wire::StateBlock*>& sentWire, uint32_t tick) {
  ++m_sends;
  if (m_optimisticPause > kOptimisticPause && m_sends >= m_optimisticCleanFrom + kOptimisticCleanSends) {
    m_optimisticPause /= 2; // a stretch without loss: the next pause is shorter
    m_optimisticCleanFrom = m_sends;
  }
  SentPacket& p = m_sent[sequence % kRing];
  p.sequence = sequence;
  p.valid = true;
  p.acked = false;
  p.tick = tick;
  p.entities.clear();
  for (const wire::StateBlock* w : sentWire) {
    if (w->baselineAge == wire::kSpawnBaseline) ++m_spawnDeltas;
    const wire::StateBlock* b = w;
    uint64_t dropIndex = 0;
    uint32_t slot = EntitySlots::kNone;
    if (m_wireUsed > 0 && w >= m_wire.data() && w < m_wire.data() + m_wireUsed) {
      b = m_raw[static_cast<size_t>(w - m_wire.data())];
      dropIndex = m_dropIndex[static_cast<size_t>(w - m_wire.data())];
      slot = m_rawSlots[static_cast<size_t>(w - m_wire.data())];
    } else {
      slot = m_slots->assign(b->id);
    }
    EntityState& st = makeState(b->id, slot);
    if (w->baselineAge != 0 && w->baselineAge != wire::kSpawnBaseline &&
        (!st.hasBaseline || static_cast<uint16_t>(sequence - w->baselineAge) != st.baseline.sequence))
      ++m_optimisticDeltas;
    st.dropFloor = std::max(st.dropFloor, dropIndex);
    if (st.inFlight.size() >= kMaxInFlight) {
      spare(std::move(st.inFlight.front().payload));
      st.inFlight.erase(st.inFlight.begin());
    }
    st.inFlight.push_back({sequence, m_sends, b->bits, takeSpare(), tick});
    st.inFlight.back().payload.assign(b->payload.begin(), b->payload.end());
    const uint64_t hash = blockHash(b->bits, b->payload);
    const bool unchanged = sameAsLast(st, *b, &hash);
    if (!unchanged) {
      st.refreshes = 0;
      st.firstSequence = sequence;
    } else {
      if (st.lastAcked) ++st.refreshes; // a refresh: the next one waits twice as long
      // Older packets fall out of the ring anyway; keep the comparison in acknowledge()
      // far from the 16-bit wrap however long the entity keeps these bytes.
      if (static_cast<uint16_t>(sequence - st.firstSequence) >= kRing)
        st.firstSequence = static_cast<uint16_t>(sequence - (kRing - 1));
    }
    if (!unchanged) st.lastPayload.assign(b->payload);
    st.lastBits = b->bits;
    st.lastHash = hash;
    st.lastSequence = sequence;
    st.sentOnce = true;
    st.lastAcked = false;
    st.lastSentTick = tick;
    st.priority = 0;
    p.entities.push_back({b->id, slot});
  }
}

void DeltaSender::acknowledge(uint16_t sequence) {
  SentPacket& p = m_sent[sequence % kRing];
  if (!p.valid || p.sequence != sequence || p.acked) return;
  p.acked = true;
  for (const SendWatch::Entry& e : p.entities) {
    EntityState* found = stateAt(e.id, e.slot);
    // Any packet that carried the entity's current bytes counts, not only the newest:
    // while the ack is on its way the same block is resent (it is not acked yet), and
    // demanding the ack of the newest resend would never be met when acks take two
    // sends or more. A packet from before the last change says nothing.
    // (A slot given to another entity since: this packet says nothing about that one.)
    if (!found) continue;
    EntityState& st = *found;
    if (!wire::sequenceNewer(st.firstSequence, sequence)) st.lastAcked = true;
    // The receiver holds this packet's block: the newest such is the baseline, and
    // what was sent before it is never needed again.
    auto sent = std::find_if(st.inFlight.begin(), st.inFlight.end(), [&](const Sent& s) { return s.sequence == sequence; });
    if (sent == st.inFlight.end()) continue;
    if (!st.hasBaseline || wire::sequenceNewer(sequence, st.baseline.sequence)) {
      // The baseline this one displaces becomes B2 only if its ack came in an earlier
      // ack than this one's: the receiver then took it in before this packet arrived,
      // so it holds it. Acknowledged together, they may have arrived in either order,
      // and a block that arrived after a newer one of its entity is dropped as late
      // (net_manager_receive.cpp) though its packet is acknowledged.
      // Swapped, not moved: the displaced buffer ends in *sent and is reused below.
      if (st.hasBaseline && st.baselineRound != m_ackRound) {
        std::swap(st.previous, st.baseline);
        st.hasPrevious = true;
      }
      std::swap(st.baseline, *sent);
      st.baselineRound = m_ackRound;
      st.hasBaseline = true;
      st.hasSpawn = false; // the receiver drops it at the first delta against a packet
      st.spawn = {};
    }
    // Else acknowledged after a newer block of the entity: the receiver may have
    // dropped it as late, so it is neither baseline nor B2.
    for (auto it = st.inFlight.begin(); it != sent + 1; ++it) spare(std::move(it->payload));
    st.inFlight.erase(st.inFlight.begin(), sent + 1);
  }
}

void DeltaSender::onAck(uint16_t ack, uint32_t ackBits, uint32_t now) {
  const SentPacket& p = m_sent[ack % kRing];
  if (p.valid && p.sequence == ack && !p.acked) // its first ack: how long that took
    m_ackDelays[m_ackDelayCount++ % kAckDelaySamples] = now - p.tick;
  onAck(ack, ackBits);
}

uint32_t DeltaSender::ackDelayTicks() const {
  const size_t n = std::min(m_ackDelayCount, kAckDelaySamples);
  return n == 0 ? 0 : *std::max_element(m_ackDelays.begin(), m_ackDelays.begin() + static_cast<std::ptrdiff_t>(n));
}

void DeltaSender::onAck(uint16_t ack, uint32_t ackBits) {
  ++m_ackRound;
  if (!m_anyAcked || wire::sequenceNewer(ack, m_newestAcked)) m_newestAcked = ack;
  m_anyAcked = true;
  // Oldest first, so each entity's baseline steps forward through what this ack covers
  // and the one before the newest is still known (B2 of a prediction).
  for (uint16_t i = 32; i-- > 0;)
    if (ackBits & (1u << i)) acknowledge(static_cast<uint16_t>(ack - 1 - i));
  acknowledge(ack);
}

} // namespace ferrum
