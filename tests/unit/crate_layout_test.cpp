// game::spawnCrates for any count the server accepts (up to 2,000): every crate starts
// inside the arena's walls, over the floor, touching no other crate, and stays in the
// arena once physics has dropped it. (Its rows once ran on in z past the floor's edge:
// from the 91st crate on, crates fell out of the world.)

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ferrum/entity.h"
#include "game/arena.h"
#include "game/simulated_peer.h"
#include "game/types.h"

using namespace ferrum;

namespace {

struct Server {
  double now = 0;
  MemoryNetwork network;
  game::SimulatedPeer peer{network, {Role::Server, 1, {}, {}, 1, {}}, [this] { return now; }};
  void tick(int n) {
    for (int i = 0; i < n; ++i) {
      now += 1.0 / 60;
      peer.net->frame(now);
    }
  }
  std::vector<const Entity*> crates() const {
    std::vector<const Entity*> out;
    const EntityGroup& group = *peer.group;
    group.forEach([&](const Entity& e) {
      if (e.type() == game::kCrateType) out.push_back(&e);
    });
    return out;
  }
};

// The crate's bounds along the world's axes (half widths), from its orientation: a
// box never reaches past them, so crates whose bounds are apart do not touch.
Vec3 boundsHalf(const Entity& crate) {
  const float h = crate.visual().size.x; // a cube
  const Quat q = crate.body().transform().orientation;
  const float xx = q.x * q.x, yy = q.y * q.y, zz = q.z * q.z;
  const float xy = q.x * q.y, xz = q.x * q.z, yz = q.y * q.z, wx = q.w * q.x, wy = q.w * q.y, wz = q.w * q.z;
  const float m[3][3] = {{1 - 2 * (yy + zz), 2 * (xy - wz), 2 * (xz + wy)},
                         {2 * (xy + wz), 1 - 2 * (xx + zz), 2 * (yz - wx)},
                         {2 * (xz - wy), 2 * (yz + wx), 1 - 2 * (xx + yy)}};
  auto row = [&](int i) { return h * (std::abs(m[i][0]) + std::abs(m[i][1]) + std::abs(m[i][2])); };
  return {row(0), row(1), row(2)};
}

bool boundsOverlap(const Entity& a, const Entity& b) {
  const Vec3 pa = a.body().position(), pb = b.body().position();
  const Vec3 ha = boundsHalf(a), hb = boundsHalf(b);
  return std::abs(pa.x - pb.x) < ha.x + hb.x && std::abs(pa.y - pb.y) < ha.y + hb.y &&
         std::abs(pa.z - pb.z) < ha.z + hb.z;
}

} // namespace

class CrateLayout : public ::testing::TestWithParam<int> {};

TEST_P(CrateLayout, EveryCrateStartsOverTheFloorInsideTheWallsTouchingNoOther) {
  const int count = GetParam();
  Server server;
  game::spawnCrates(*server.peer.net, count, 7);
  const auto crates = server.crates();
  ASSERT_EQ(crates.size(), static_cast<size_t>(count));
  for (const Entity* c : crates) {
    const Vec3 p = c->body().position();
    const Vec3 half = boundsHalf(*c);
    EXPECT_TRUE(std::abs(p.x) + half.x <= game::kArenaHalfSize && std::abs(p.z) + half.z <= game::kArenaHalfSize)
        << "crate outside the walls at " << p.x << ", " << p.y << ", " << p.z;
    EXPECT_GE(p.y - half.y, 0.0f) << "crate in the floor at " << p.x << ", " << p.y << ", " << p.z;
  }
  size_t touching = 0;
  for (size_t i = 0; i < crates.size(); ++i)
    for (size_t j = i + 1; j < crates.size(); ++j) touching += boundsOverlap(*crates[i], *crates[j]);
  EXPECT_EQ(touching, 0u) << "crates that start inside each other burst apart";
}

// Dropped and settled for 5 s, every crate is still in the arena: on the floor or on
// other crates, none through the floor, over the walls or flung away.
TEST(CrateLayout, APileOfManyCratesStaysInTheArena) {
  Server server;
  game::spawnCrates(*server.peer.net, 700, 3); // two layers: the second lands on the first
  server.tick(300);
  size_t lost = 0;
  for (const Entity* c : server.crates()) {
    const Vec3 p = c->body().position();
    if (!(std::abs(p.x) < game::kArenaHalfSize && std::abs(p.z) < game::kArenaHalfSize && p.y > 0 && p.y < 5))
      ++lost;
  }
  EXPECT_EQ(lost, 0u);
}

INSTANTIATE_TEST_SUITE_P(Counts, CrateLayout, ::testing::Values(1, 50, 51, 90, 91, 120, 500, 2000));
