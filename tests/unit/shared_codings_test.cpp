// SharedCodings: a receiver's sender that takes codings another receiver's sender made
// in the same send puts exactly the bits on the wire that it would have coded alone.

#include <gtest/gtest.h>

#include <vector>

#include "net/block_changes.h"
#include "net/delta_sender.h"
#include "net/local_send_facts.h"
#include "tests/support/probe_controller.h"
#include "tests/support/sender_blocks.h"

using namespace ferrum;
using testing_support::block;

namespace {

struct Receiver {
  explicit Receiver(LocalSendFacts& facts) : sender(0, DeltaSender::Framing::Chained, &facts.slots) {
    // Every receiver takes every entity without a length: the walk is shared too.
    sender.setTakesUndelimited([](EntityId, uint32_t) { return true; });
  }
  DeltaSender sender;
  uint16_t sequence = 0;
  std::vector<const wire::StateBlock*> chosen;
};

void expectSameBlocks(const std::vector<const wire::StateBlock*>& a, const std::vector<const wire::StateBlock*>& b,
                      int send) {
  ASSERT_EQ(a.size(), b.size()) << "send " << send;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i]->id, b[i]->id) << "send " << send;
    EXPECT_EQ(a[i]->bits, b[i]->bits) << "send " << send;
    EXPECT_EQ(a[i]->baselineAge, b[i]->baselineAge) << "send " << send;
    EXPECT_EQ(a[i]->selfDelimited, b[i]->selfDelimited) << "send " << send;
    EXPECT_EQ(a[i]->payload, b[i]->payload) << "send " << send;
  }
}

} // namespace

TEST(SharedCodings, ASenderTakingAnotherReceiversCodingsSendsTheSameBitsAsCodingAlone) {
  LocalSendFacts facts;
  const FieldLayout* layout = testing_support::ProbeController{}.fieldLayout();
  Receiver first(facts), sharing(facts), alone(facts);
  std::vector<uint32_t> values(60, 1000);
  const auto scale = [](EntityId, uint32_t) { return 1.0f; };
  uint64_t sharedBlocks = 0;
  for (int send = 1; send <= 300; ++send) {
    std::vector<wire::StateBlock> blocks;
    facts.clear();
    for (uint32_t i = 0; i < values.size(); ++i) {
      values[i] += (send + i) % (i % 5 + 1) == 0 ? i * 3 + 1 : 0; // various steps, some at rest
      blocks.push_back(block(i + 1, values[i]));
      facts.add(facts.slots.assign(blocks.back().id), blockHash(blocks.back().bits, blocks.back().payload), layout,
                1.0f);
    }
    DeltaSender::SendFacts shared = facts.view();
    DeltaSender::SendFacts own = shared;
    own.codings = nullptr;
    const auto tick = static_cast<uint32_t>(send);
    const uint64_t hitsBefore = facts.codings.hits;
    // A budget that leaves some out, so the three accumulate priorities alike but
    // `first` (whose acks are lost now and then) names other baselines at times.
    first.chosen = first.sender.select(blocks, shared, scale, 700, tick, first.sequence);
    sharing.chosen = sharing.sender.select(blocks, shared, scale, 700, tick, sharing.sequence);
    alone.chosen = alone.sender.select(blocks, own, scale, 700, tick, alone.sequence);
    sharedBlocks += facts.codings.hits - hitsBefore;
    expectSameBlocks(sharing.chosen, alone.chosen, send);
    for (Receiver* r : {&first, &sharing, &alone}) {
      r->sender.recordSent(r->sequence, r->chosen, tick);
      const bool lost = r == &first && send % 7 == 0;
      if (!lost) r->sender.onAck(r->sequence, 0, tick);
      ++r->sequence;
    }
  }
  EXPECT_GT(sharedBlocks, 2000u) << "most of `sharing`'s codings were `first`'s";
  EXPECT_GT(facts.codings.misses, 1000u);
}
