// The server's forward window over real loopback ENet: six clients each own a probe
// whose value changes every tick. Every other client must receive every update each
// owner sent (by origin tick) and end with each owner's exact value; and with the
// window on, the packets of forwarded state a client receives are bounded by the
// window's rate (at most one per receiver per frame on the shared clock here), not by
// owners x their send rate, which is what the same run with the window off gets.
// Every peer runs on one simulated clock that the hosts' forward windows also read,
// so the bound is a count, not a timing.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <vector>

#include "ferrum/host.h"
#include "game/demo_game.h"
#include "tests/support/probe_controller.h"

using namespace ferrum;
using testing_support::kProbeType;
using testing_support::ProbeController;

namespace {

constexpr int kClients = 6;

struct Peer {
  std::unique_ptr<Host> host;
  EntityId probe;
  std::vector<uint32_t> sentTicks;                 ///< owner: ticks whose state left
  std::map<PeerId, std::set<uint32_t>> arrived;    ///< observer: origin -> origin ticks
  Subscription onSent, onArrived, onTick;
};

class ForwardWindow {
public:
  explicit ForwardWindow(float windowMs) {
    auto def = [&](Role role) {
      HostDef d = game::demoHostDef();
      d.types.add(kProbeType, testing_support::probeType());
      d.net.role = role;
      d.net.forwardWindowMs = windowMs;
      d.clock = [this] { return m_now; };
      return d;
    };
    std::string error;
    server.host = Host::create(def(Role::Server), error);
    EXPECT_TRUE(server.host) << error;
    for (int i = 0; i < kClients; ++i) {
      auto c = std::make_unique<Peer>();
      c->host = Host::create(def(Role::Client), error);
      EXPECT_TRUE(c->host) << error;
      Peer* p = c.get();
      p->onSent = p->host->net().onStateSent.listen([p](uint32_t tick) { p->sentTicks.push_back(tick); });
      p->onArrived = p->host->net().onStateArrived.listen(
          [p](PeerId origin, uint32_t tick) { p->arrived[origin].insert(tick); });
      // The owner's probe changes every tick, so every send carries a new value.
      p->onTick = p->host->net().onTick.listen([p](uint32_t) {
        if (Entity* e = p->host->group().find(p->probe)) ++static_cast<ProbeController&>(e->controller()).value;
      });
      EXPECT_TRUE(c->host->connect("127.0.0.1", server.host->port()));
      clients.push_back(std::move(c));
    }
  }

  /// One frame on every peer at the next tick of the shared clock, then a short bounded
  /// wait on each one's socket so packets cross.
  void step() {
    m_now += 1.0 / 60;
    server.host->frame(m_now);
    for (auto& c : clients) c->host->frame(m_now);
    server.host->service(1);
    for (auto& c : clients) c->host->service(1);
  }
  bool pumpUntil(const std::function<bool()>& done, int maxSteps) {
    for (int i = 0; i < maxSteps; ++i) {
      if (done()) return true;
      step();
    }
    return done();
  }

  bool everyoneHasEveryProbe() {
    for (auto& c : clients)
      if (c->host->group().size() != static_cast<size_t>(kClients)) return false;
    return server.host->group().size() == static_cast<size_t>(kClients);
  }

  Peer server;
  std::vector<std::unique_ptr<Peer>> clients;

private:
  double m_now = 100.0;
};

struct MatchCounts {
  uint64_t minForwardPackets = ~uint64_t{0}, maxForwardPackets = 0;
  int steps = 0;
};

// Joins, spawns a probe on every client, runs `steps` frames of changing state, then
// lets the last updates land and checks delivery; returns the forwarded packet counts.
MatchCounts runMatch(float windowMs, int steps) {
  ForwardWindow m(windowMs);
  MatchCounts run;
  EXPECT_TRUE(m.pumpUntil([&] {
    for (auto& c : m.clients)
      if (!c->host->joined()) return false;
    return true;
  }, 600));
  for (auto& c : m.clients) {
    c->probe = c->host->net().spawn(kProbeType, SpawnState{});
    EXPECT_FALSE(c->probe.isNull());
  }
  EXPECT_TRUE(m.pumpUntil([&] { return m.everyoneHasEveryProbe(); }, 600));
  std::vector<uint64_t> before;
  for (auto& c : m.clients) {
    before.push_back(c->host->net().stats().counters.forwardPackets);
    c->sentTicks.clear();
    c->arrived.clear();
  }
  for (int i = 0; i < steps; ++i) m.step();
  run.steps = steps;
  for (size_t i = 0; i < m.clients.size(); ++i) {
    const uint64_t n = m.clients[i]->host->net().stats().counters.forwardPackets - before[i];
    run.minForwardPackets = std::min(run.minForwardPackets, n);
    run.maxForwardPackets = std::max(run.maxForwardPackets, n);
  }
  // Stop changing, let what is on its way land, then compare.
  for (auto& c : m.clients) {
    c->onTick.reset();
    c->onSent.reset(); // an unchanged, acknowledged probe is not sent again
  }
  auto allArrived = [&] {
    for (auto& owner : m.clients)
      for (auto& observer : m.clients) {
        if (owner == observer) continue;
        const auto& got = observer->arrived[owner->host->net().localPeer()];
        for (uint32_t tick : owner->sentTicks)
          if (!got.count(tick)) return false;
      }
    return true;
  };
  EXPECT_TRUE(m.pumpUntil(allArrived, 600)) << "an owner's update never reached another client";
  auto valuesAgree = [&] {
    for (auto& owner : m.clients) {
      const auto& mine = static_cast<ProbeController&>(owner->host->group().find(owner->probe)->controller());
      for (auto& observer : m.clients) {
        if (owner == observer) continue;
        Entity* copy = observer->host->group().find(owner->probe);
        if (!copy || static_cast<ProbeController&>(copy->controller()).received != mine.value) return false;
      }
    }
    return true;
  };
  EXPECT_TRUE(m.pumpUntil(valuesAgree, 600)) << "a client's copy does not hold its owner's exact value";
  for (auto& c : m.clients) {
    const NetStats s = c->host->net().stats();
    for (const PeerStats& p : s.peers) EXPECT_EQ(p.malformed, 0u);
    EXPECT_EQ(s.counters.baselineMismatches, 0u);
  }
  return run;
}

} // namespace

TEST(ForwardWindow, CoalescedForwardsDeliverEveryOwnersStateInFewerPackets) {
  const int steps = 240; // 4 s of ticks; every client sends 120 times
  const MatchCounts run = runMatch(4.0f, steps);
  // At most one forwarded packet per receiver per window, and the window (4 ms) is
  // shorter than a frame on this clock: at most one per frame.
  EXPECT_LE(run.maxForwardPackets, static_cast<uint64_t>(steps));
  EXPECT_GT(run.minForwardPackets, 0u);
}

TEST(ForwardWindow, WithoutAWindowEachOwnersUpdateIsAPacketOfItsOwn) {
  const int steps = 240;
  const MatchCounts run = runMatch(0.0f, steps);
  // 5 other owners x 120 sends each: well past one packet per frame.
  EXPECT_GT(run.minForwardPackets, static_cast<uint64_t>(steps));
}
