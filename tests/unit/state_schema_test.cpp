// Declared gameplay fields (StateSchema): bits and delta orders from the declared
// ranges, refused declarations and values, what the registry and the fingerprint make
// of a schema, a field change coded as a field delta by the live codec (smaller than
// the free tail it replaces), two real NetManagers carrying changing values exactly
// with deltas in use, and malformed values refused on every path that reads them.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "ferrum/host.h"
#include "ferrum/rigid_state.h"
#include "game/arena.h"
#include "tests/support/tank_controller.h"
#include "wire/field_delta.h"
#include "wire/messages.h"

using namespace ferrum;
using testing_support::kTankType;
using testing_support::TankController;
using testing_support::tankOf;
using testing_support::TankSchema;
using testing_support::tankSchema;
using testing_support::tankType;

namespace {

size_t layoutBits(const FieldLayout& layout) {
  size_t bits = 0;
  for (const auto& f : layout.fields)
    bits += f.bits;
  return bits;
}

/// A whole tank block, as RigidBodyController::serverUpdate writes it.
std::vector<uint8_t> block(const RigidState& pose, const StateValues& values, size_t& bits) {
  WriteStream out;
  RigidState s = pose;
  serializeRigidState(out, s, tankSchema().schema.pose());
  EXPECT_TRUE(values.write(out));
  bits = out.bits();
  return out.take();
}

/// The bits of the delta from `base` to `cur` under `layout`.
size_t deltaBits(const FieldLayout& layout, const std::vector<uint8_t>& base, size_t baseBits,
                 const std::vector<uint8_t>& cur, size_t curBits) {
  WriteStream d;
  EXPECT_TRUE(wire::writeFieldDelta(d, layout, base.data(), baseBits, cur.data(), curBits));
  ReadStream in(d.buffer().data(), d.bits());
  WriteStream full;
  EXPECT_TRUE(wire::readFieldDelta(in, layout, base.data(), baseBits, full));
  EXPECT_EQ(full.bits(), curBits);
  EXPECT_TRUE(std::equal(cur.begin(), cur.end(), full.buffer().begin()));
  return d.bits();
}

} // namespace

TEST(StateSchema, BitsAndDeltaOrdersComeFromTheDeclaredRanges) {
  StateSchema s(RigidQuantization{});
  const IntField health = s.addInt("health", 0, 100);
  const IntField ammo = s.addInt("ammo", -5, 250, 16);
  const IntField wide = s.addInt("wide", std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
  const FloatField move = s.addFloat("move", -1.0f, 1.0f, 1.0f / 127);
  const BoolField jump = s.addBool("jump");
  ASSERT_TRUE(s.error().empty()) << s.error();
  ASSERT_TRUE(health.valid() && ammo.valid() && wide.valid() && move.valid() && jump.valid());
  const auto& f = s.fields();
  ASSERT_EQ(f.size(), 5u);
  EXPECT_EQ(f[0].bits, 7); // 101 values
  EXPECT_EQ(f[1].bits, 8); // 256 values
  EXPECT_EQ(f[2].bits, 32);
  EXPECT_EQ(f[3].bits, 8); // 255 steps of 1/127
  EXPECT_EQ(f[4].bits, 1);
  EXPECT_EQ(f[0].deltaOrder, 1); // a counter: +-1 costs 2 bits
  EXPECT_EQ(f[1].deltaOrder, 5); // typical change 16
  // The layout: the pose's fields, then one field per declared field, in order.
  const FieldLayout pose = rigidStateLayout(s.pose());
  const FieldLayout all = s.layout();
  ASSERT_EQ(all.fields.size(), pose.fields.size() + 5);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(all.fields[pose.fields.size() + i].bits, f[i].bits);
    EXPECT_EQ(all.fields[pose.fields.size() + i].deltaOrder, f[i].deltaOrder);
    EXPECT_EQ(all.fields[pose.fields.size() + i].presentIfZero, -1);
  }
  // The description names every field with its bits and range, and adds up as the layout does.
  const std::string text = describeSchema(s);
  EXPECT_NE(text.find("health"), std::string::npos) << text;
  EXPECT_NE(text.find("0 .. 100"), std::string::npos) << text;
  EXPECT_NE(text.find("1/127"), std::string::npos) << text;
  EXPECT_NE(text.find("at most " + std::to_string(layoutBits(all)) + " bits"), std::string::npos) << text;
}

// The layout is built as fields are declared (a refused declaration adds none), and
// every controller of the type codes by that one layout rather than a copy of its own.
TEST(StateSchema, ItsLayoutIsBuiltOnceAndSharedByItsControllers) {
  TankSchema tank;
  const size_t before = tank.schema.layout().fields.size();
  EXPECT_FALSE(tank.schema.addInt("health", 0, 5).valid()); // declared twice: refused
  EXPECT_FALSE(tank.schema.addInt("", 0, 5).valid());       // no name: refused
  EXPECT_EQ(tank.schema.layout().fields.size(), before);
  ASSERT_TRUE(tank.schema.addBool("late").valid());
  ASSERT_EQ(tank.schema.layout().fields.size(), before + 1);
  EXPECT_EQ(tank.schema.layout().fields.back().bits, 1);
  const TankController a(tank), b(tank);
  EXPECT_EQ(a.fieldLayout(), &tank.schema.layout());
  EXPECT_EQ(b.fieldLayout(), a.fieldLayout());
}

TEST(StateSchema, AMistakenDeclarationIsRefusedAndTheTypeCannotBeRegistered) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  auto refused = [](auto declare) {
    StateSchema s(RigidQuantization{});
    s.addInt("fine", 0, 3);
    const bool valid = declare(s).valid();
    EXPECT_EQ(s.fields().size(), 1u) << "a refused field is not added";
    return !valid && !s.error().empty() ? s.error() : std::string();
  };
  EXPECT_NE(refused([](StateSchema& s) { return s.addInt("hp", 5, 3); }).find("min 5 is not below max 3"),
            std::string::npos);
  EXPECT_NE(refused([](StateSchema& s) { return s.addInt("hp", 4, 4); }), "");
  EXPECT_NE(refused([](StateSchema& s) { return s.addInt("fine", 0, 9); }).find("declared twice"), std::string::npos);
  EXPECT_NE(refused([](StateSchema& s) { return s.addBool(""); }), "");
  EXPECT_NE(refused([](StateSchema& s) { return s.addFloat("f", 0, 1, 0); }), "");
  EXPECT_NE(refused([](StateSchema& s) { return s.addFloat("f", 0, 1, -0.5f); }), "");
  EXPECT_NE(refused([&](StateSchema& s) { return s.addFloat("f", 0, nan, 0.1f); }), "");
  EXPECT_NE(refused([](StateSchema& s) { return s.addFloat("f", 0, 1, 0.3f); }).find("whole number"),
            std::string::npos);
  EXPECT_NE(refused([](StateSchema& s) { return s.addFloat("f", -1e9f, 1e9f, 1e-3f); }), "");
  EXPECT_NE(refused([](StateSchema& s) { return s.addFloat("f", 0, 0.001f, 1); }).find("less than one step"),
            std::string::npos);

  StateSchema bad(RigidQuantization{});
  bad.addInt("hp", 10, 0);
  EntityType t = tankType();
  t.stateSchema = &bad;
  ControllerRegistry registry;
  EXPECT_FALSE(registry.add(kTankType, t));
  EXPECT_EQ(registry.size(), 0u);
  // A statePrecision other than the schema's pose is refused too; none is filled in.
  RigidQuantization other;
  other.orientationBits = 9;
  t = tankType();
  t.statePrecision = &other;
  EXPECT_FALSE(registry.add(kTankType, t));
  ASSERT_TRUE(registry.add(kTankType, tankType()));
  EXPECT_EQ(registry.find(kTankType)->statePrecision, &tankSchema().schema.pose());
}

TEST(StateSchema, ValuesOutsideTheirRangeAreRefusedAndChangeNothing) {
  const TankSchema& s = tankSchema();
  StateValues v(s.schema);
  EXPECT_EQ(v.get(s.health), 0);
  EXPECT_TRUE(v.set(s.health, 100));
  EXPECT_FALSE(v.set(s.health, 101));
  EXPECT_FALSE(v.set(s.health, -1));
  EXPECT_EQ(v.get(s.health), 100);
  EXPECT_TRUE(v.set(s.heat, 0.5f + 0.3f / 64)); // snapped to the 1/64 grid
  EXPECT_EQ(v.get(s.heat), 0.5f);
  EXPECT_FALSE(v.set(s.heat, 1.01f));
  EXPECT_FALSE(v.set(s.heat, std::numeric_limits<float>::quiet_NaN()));
  EXPECT_FALSE(v.set(s.heat, -std::numeric_limits<float>::infinity()));
  EXPECT_EQ(v.get(s.heat), 0.5f);
  EXPECT_TRUE(v.set(s.heat, 1.0f));
  EXPECT_EQ(v.get(s.heat), 1.0f);
  // A handle that is not one of this schema's fields of that kind.
  EXPECT_FALSE(v.set(IntField{2}, 1)); // field 2 is the flag
  EXPECT_FALSE(v.set(IntField{}, 1));
  EXPECT_FALSE(v.set(BoolField{40}, true));
  EXPECT_TRUE(v.set(s.shielded, true));
  EXPECT_TRUE(v.get(s.shielded));
  // Written and read back: the same values.
  WriteStream out;
  ASSERT_TRUE(v.write(out));
  EXPECT_EQ(out.bits(), 7u + 7u + 1u);
  StateValues back(s.schema);
  ReadStream in(out.buffer().data(), out.bits());
  ASSERT_TRUE(back.read(in));
  EXPECT_EQ(back, v);
}

TEST(StateSchema, ACodePastItsRangeFailsTheReadAndChangesNothing) {
  const TankSchema& s = tankSchema();
  StateValues v(s.schema);
  ASSERT_TRUE(v.set(s.health, 42));
  for (uint32_t code : {101u, 127u}) { // fits the field's 7 bits, not its 0..100
    WriteStream out;
    uint32_t health = code, heat = 3, shield = 1;
    out.serializeBits(health, 7);
    out.serializeBits(heat, 7);
    out.serializeBits(shield, 1);
    ReadStream in(out.buffer().data(), out.bits());
    EXPECT_FALSE(v.read(in));
    EXPECT_EQ(v.get(s.health), 42);
  }
  WriteStream shortBlock;
  uint32_t health = 7;
  shortBlock.serializeBits(health, 7);
  ReadStream in(shortBlock.buffer().data(), shortBlock.bits());
  EXPECT_FALSE(v.read(in));
  EXPECT_EQ(v.get(s.health), 42);
}

TEST(StateSchema, TheDigestCoversEveryDeclaredFieldAndOnlyThose) {
  const uint32_t base = tankSchema().schema.digest();
  EXPECT_EQ(TankSchema().schema.digest(), base) << "the same declarations in another object";
  EXPECT_NE(TankSchema(200).schema.digest(), base) << "another range";
  auto declared = [](auto extra) {
    StateSchema s(RigidQuantization{});
    extra(s);
    return s.digest();
  };
  EXPECT_EQ(declared([](StateSchema&) {}), wire::precisionDigest(&tankSchema().schema.pose()))
      << "a pose-only schema keeps its precision's digest (and its type's fingerprint)";
  const uint32_t a = declared([](StateSchema& s) { s.addInt("hp", 0, 100); });
  EXPECT_NE(a, declared([](StateSchema& s) { s.addInt("hq", 0, 100); }));
  EXPECT_NE(a, declared([](StateSchema& s) { s.addInt("hp", 0, 127); }));
  EXPECT_NE(a, declared([](StateSchema& s) { s.addFloat("hp", 0, 100, 1); }));
  EXPECT_NE(a, declared([](StateSchema& s) {
              s.addInt("hp", 0, 100);
              s.addBool("dead");
            }));
  RigidQuantization finer;
  finer.positionX.step = 1.0f / 1024;
  StateSchema f(finer);
  f.addInt("hp", 0, 100);
  EXPECT_NE(a, f.digest());
  // And so does the registry's fingerprint.
  ControllerRegistry one, other;
  const TankSchema wider(200);
  one.add(kTankType, tankType());
  other.add(kTankType, tankType(wider));
  EXPECT_NE(one.fingerprint(), other.fingerprint());
}

TEST(StateSchema, AChangedFieldIsAFieldDeltaSmallerThanTheTailItReplaces) {
  const TankSchema& s = tankSchema();
  RigidState pose;
  pose.position = {1, 0.5f, -2};
  pose.atRest = true;
  StateValues before(s.schema), after(s.schema);
  ASSERT_TRUE(before.set(s.health, 100));
  ASSERT_TRUE(after.set(s.health, 99));
  size_t bb = 0, ab = 0;
  const auto base = block(pose, before, bb), cur = block(pose, after, ab);
  const FieldLayout declared = s.schema.layout();
  const FieldLayout tailOnly = rigidStateLayout(s.schema.pose()); // the fields as a hand-written tail
  const size_t asField = deltaBits(declared, base, bb, cur, ab);
  const size_t asTail = deltaBits(tailOnly, base, bb, cur, ab);
  // At rest, the velocities are not on the wire.
  const size_t present = static_cast<size_t>(std::count_if(
      declared.fields.begin(), declared.fields.end(), [](const FieldLayout::Field& f) { return f.presentIfZero < 0; }));
  // At most a bit per unchanged field and the tail; health: changed, not raw, and -1
  // in Exp-Golomb of its order (order + 1 bits).
  const uint8_t order = s.schema.fields()[0].deltaOrder;
  EXPECT_LE(asField, present + 1 + 2 + order);
  EXPECT_LT(asField, asTail);
  // A jump across the range goes raw: at most the field's own bits plus two.
  ASSERT_TRUE(after.set(s.health, 0));
  const auto far = block(pose, after, ab);
  EXPECT_LE(deltaBits(declared, base, bb, far, ab), present + 1 + 1 + 7);
}

TEST(StateSchema, AMalformedValueIsRefusedByTheControllerAndTheReferee) {
  ControllerRegistry registry;
  ASSERT_TRUE(registry.add(kTankType, tankType()));
  EntityGroup group(registry);
  group.setLocalPeer(kServerPeer);
  Entity* e = group.spawn(EntityId::make(1, 1), kTankType, 1, SpawnState{}); // owned by client 1
  ASSERT_NE(e, nullptr);
  auto& tank = dynamic_cast<TankController&>(e->controller());
  Effects effects;
  const TankSchema& s = tankSchema();
  RigidState pose;
  pose.atRest = true;
  StateValues good(s.schema);
  ASSERT_TRUE(good.set(s.health, 60));
  size_t bits = 0;
  auto bytes = block(pose, good, bits);
  ReadStream ok(bytes.data(), bits);
  ASSERT_TRUE(tank.clientUpdate(&ok, {effects, 0}));
  EXPECT_EQ(tank.health(), 60);
  // The same block with health's 7 bits at 120: past 0..100.
  WriteStream bad;
  RigidState p = pose;
  serializeRigidState(bad, p, s.schema.pose());
  uint32_t health = 120, heat = 0, shield = 0;
  bad.serializeBits(health, 7);
  bad.serializeBits(heat, 7);
  bad.serializeBits(shield, 1);
  ReadStream malformed(bad.buffer().data(), bad.bits());
  EXPECT_FALSE(tank.clientUpdate(&malformed, {effects, 0}));
  EXPECT_EQ(tank.health(), 60) << "a refused block changes nothing";
  WriteStream corrected;
  EXPECT_EQ(tank.checkRemoteState(malformed, 1.0f / 30, corrected), Controller::Verdict::Reject)
      << "the server must not forward it";
  EXPECT_EQ(tank.checkRemoteState(ok, 1.0f / 30, corrected), Controller::Verdict::Accept);
  // A controller built with another schema than its type names is not spawned.
  const TankSchema other;
  EntityType mismatched = tankType();
  mismatched.build = [&other](const SpawnState&) {
    EntityParts parts;
    parts.body.mass = 1;
    parts.controller = std::make_unique<TankController>(other);
    return parts;
  };
  ControllerRegistry r2;
  ASSERT_TRUE(r2.add(kTankType, mismatched));
  EntityGroup g2(r2);
  EXPECT_EQ(g2.spawn(EntityId::make(0, 1), kTankType, kServerPeer, SpawnState{}), nullptr);
}

// Two real NetManagers on an in-memory network: the server's tank changes health,
// heat and shield while it rests; the client ends exact, through field deltas.
TEST(StateSchema, ValuesReachAClientExactlyThroughFieldDeltas) {
  MemoryNetwork network;
  double now = 0;
  auto make = [&](Role role, uint16_t port) {
    HostDef def;
    def.net.role = role;
    def.types.add(kTankType, tankType());
    def.buildWorld = game::buildArena;
    def.memoryNetwork = &network;
    def.memoryPort = port;
    def.clock = [&now] { return now; };
    std::string error;
    auto host = Host::create(std::move(def), error);
    EXPECT_TRUE(host) << error;
    return host;
  };
  auto server = make(Role::Server, 1);
  auto client = make(Role::Client, 2);
  ASSERT_TRUE(server && client);
  ASSERT_TRUE(client->connect("mem", 1));
  SpawnState at;
  at.transform.position = {0, 0.5f, 0};
  const EntityId id = server->net().spawn(kTankType, at);
  ASSERT_FALSE(id.isNull());
  TankController* mine = tankOf(server->group(), id);
  ASSERT_NE(mine, nullptr);
  ASSERT_TRUE(mine->setHealth(100));
  auto tick = [&] {
    now += 1.0 / 60;
    server->frame(now);
    client->frame(now);
  };
  for (int i = 0; i < 600 && !(client->joined() && tankOf(client->group(), id)); ++i)
    tick();
  ASSERT_TRUE(client->joined());
  int seen = 0;
  for (int step = 0; step < 40; ++step) {
    ASSERT_TRUE(mine->setHealth(100 - 2 * step));
    ASSERT_TRUE(mine->setHeat(static_cast<float>(step % 8) / 8));
    ASSERT_TRUE(mine->setShielded(step % 3 == 0));
    for (int i = 0; i < 60; ++i) {
      tick();
      const TankController* copy = tankOf(client->group(), id);
      if (copy && copy->values() == mine->values()) break;
    }
    const TankController* copy = tankOf(client->group(), id);
    ASSERT_NE(copy, nullptr);
    ASSERT_EQ(copy->health(), 100 - 2 * step) << "step " << step;
    ASSERT_EQ(copy->heat(), static_cast<float>(step % 8) / 8);
    ASSERT_EQ(copy->shielded(), step % 3 == 0);
    ++seen;
  }
  EXPECT_EQ(seen, 40);
  const auto counters = client->net().stats().counters;
  EXPECT_GT(counters.deltaBlocksReceived, 20u) << "the changes travel as field deltas";
  EXPECT_EQ(counters.malformedBlocks, 0u);
}
