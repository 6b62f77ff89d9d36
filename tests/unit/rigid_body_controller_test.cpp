// RigidBodyController on its own (an EntityGroup, no network): a game's extra fields
// travel after the rigid state and a block cut short changes nothing; the block's
// server time reaches the remote view as an argument; the copy's physical policy
// follows the authority.

#include <gtest/gtest.h>

#include "ferrum/entity.h"
#include "ferrum/entity_group.h"
#include "ferrum/rigid_body_controller.h"

using namespace ferrum;

namespace {

constexpr PeerId kHere = 1, kElsewhere = 2;
constexpr EntityTypeId kTagType = 7;

const RigidQuantization& precision() {
  static const RigidQuantization q{};
  return q;
}

// A rigid body with one field of its own (a charge, 0..255) and a count of the
// ticks its effects hook ran.
class TagController final : public RigidBodyController {
public:
  explicit TagController(RemoteBody remote) : RigidBodyController(precision(), remote) {}
  uint32_t charge = 0; // authority: what it sends; elsewhere: what it last received
  int applied = 0;     // onStateApplied calls
  int withNews = 0;    // ... with a received state

protected:
  void serializeExtra(WriteStream& out) const override {
    uint32_t c = charge;
    out.serializeUint(c, 0, 255);
  }
  bool readExtra(ReadStream& in) override {
    uint32_t c = 0;
    if (!in.serializeUint(c, 0, 255)) return false;
    m_received = c;
    return true;
  }
  void onStateApplied(const RigidState* received, Effects&) override {
    ++applied;
    if (!received) return;
    ++withNews;
    if (!isLocalAuthority()) charge = m_received;
  }

private:
  uint32_t m_received = 0;
};

EntityType tagType(RemoteBody remote) {
  EntityType t;
  t.name = "tag";
  t.build = [remote](const SpawnState&) {
    EntityParts p;
    p.body.mass = 1;
    p.controller = std::make_unique<TagController>(remote);
    return p;
  };
  return t;
}

struct Peers {
  ControllerRegistry registry;
  std::unique_ptr<EntityGroup> owner, other; // the authority's group and a copy's
  Entity* mine = nullptr;
  Entity* copy = nullptr;
  Effects effects;
  explicit Peers(RemoteBody remote = RemoteBody::Corrected) {
    registry.add(kTagType, tagType(remote));
    owner = std::make_unique<EntityGroup>(registry, PhysicsConfig{{0, 0, 0}, 1});
    other = std::make_unique<EntityGroup>(registry, PhysicsConfig{{0, 0, 0}, 1});
    owner->setLocalPeer(kElsewhere);
    other->setLocalPeer(kHere);
    SpawnState s;
    s.transform.position = {1, 2, 3};
    mine = owner->spawn(EntityId::make(kElsewhere, 1), kTagType, kElsewhere, s);
    copy = other->spawn(EntityId::make(kElsewhere, 1), kTagType, kElsewhere, s);
  }
  static TagController& tag(Entity* e) { return static_cast<TagController&>(e->controller()); }
  WriteStream block() const {
    WriteStream out(64);
    mine->controller().serverUpdate(out);
    return out;
  }
};

} // namespace

TEST(RigidBodyController, ExtraFieldsTravelAfterTheStateAndACutBlockChangesNothing) {
  Peers p;
  Peers::tag(p.mine).charge = 200;
  p.mine->body().setTransform({{4, 5, 6}, {}});
  const WriteStream full = p.block();
  ReadStream in(full.buffer().data(), full.bits());
  ASSERT_TRUE(p.copy->controller().clientUpdate(&in, {p.effects, 1.0}));
  EXPECT_EQ(Peers::tag(p.copy).charge, 200u);
  EXPECT_EQ(Peers::tag(p.copy).withNews, 1);
  EXPECT_EQ(p.copy->controller().remoteView()->buffered(), 1u);

  // The same block without its last bit: the rigid state reads, the charge does not.
  Peers::tag(p.mine).charge = 9;
  p.mine->body().setTransform({{7, 8, 9}, {}});
  const WriteStream next = p.block();
  const Vec3 before = p.copy->body().position();
  ReadStream cut(next.buffer().data(), next.bits() - 1);
  EXPECT_FALSE(p.copy->controller().clientUpdate(&cut, {p.effects, 2.0}));
  EXPECT_EQ(Peers::tag(p.copy).charge, 200u);
  EXPECT_EQ(Peers::tag(p.copy).applied, 1) << "no hook runs for a refused block";
  EXPECT_EQ(p.copy->controller().remoteView()->buffered(), 1u) << "nothing reached the view";
  EXPECT_EQ(p.copy->body().position(), before);
}

TEST(RigidBodyController, TheBlocksServerTimeStampsTheViewAndNoNewsStillShowsThroughIt) {
  Peers p;
  p.other->viewSettings().mode = ViewMode::Raw;
  const WriteStream b = p.block();
  auto feed = [&](double serverTime) {
    ReadStream in(b.buffer().data(), b.bits());
    return p.copy->controller().clientUpdate(&in, {p.effects, serverTime});
  };
  const RemoteView& view = *p.copy->controller().remoteView();
  ASSERT_TRUE(feed(1.0));
  EXPECT_EQ(view.buffered(), 1u);
  ASSERT_TRUE(feed(1.0)); // the same moment again: the view ignores it
  EXPECT_EQ(view.buffered(), 1u);
  ASSERT_TRUE(feed(1.1));
  const size_t buffered = view.buffered();
  EXPECT_GT(buffered, 1u);
  ASSERT_TRUE(feed(1.05)); // older than the newest: ignored
  EXPECT_EQ(view.buffered(), buffered);
  // A tick without news: the view still decides (here raw: it shows the present).
  p.other->viewTimeline().serverNow = 1.2;
  ASSERT_TRUE(p.copy->controller().clientUpdate(nullptr, {p.effects}));
  ASSERT_TRUE(p.copy->displayTime().has_value());
  EXPECT_DOUBLE_EQ(*p.copy->displayTime(), 1.2);
  EXPECT_EQ(Peers::tag(p.copy).applied, 5);
  EXPECT_EQ(Peers::tag(p.copy).withNews, 4);
  // The authority reads its own block back but shows its own body: no view.
  ReadStream own(b.buffer().data(), b.bits());
  ASSERT_TRUE(p.mine->controller().clientUpdate(&own, {p.effects, 1.0}));
  EXPECT_EQ(p.mine->controller().remoteView()->buffered(), 0u);
  EXPECT_FALSE(p.mine->displayTime().has_value());
}

TEST(RigidBodyController, AKinematicPolicyHoldsForCopiesOnlyAndFollowsTheAuthority) {
  Peers p(RemoteBody::Kinematic);
  EXPECT_FALSE(p.mine->body().kinematic()) << "the authority simulates its own body";
  EXPECT_TRUE(p.copy->body().kinematic());
  ASSERT_TRUE(p.other->setAuthority(p.copy->id(), kHere));
  EXPECT_FALSE(p.copy->body().kinematic()) << "handed over: this peer simulates it now";
  Peers corrected(RemoteBody::Corrected);
  EXPECT_FALSE(corrected.copy->body().kinematic());
}
