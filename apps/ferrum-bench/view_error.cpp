#include "view_error.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <unordered_map>

#include "ferrum/link_simulator.h"
#include "ferrum/memory_transport.h"
#include "ferrum/net_manager.h"
#include "game/arena.h"
#include "game/demo_game.h"

namespace ferrum::bench {
namespace {

constexpr uint16_t kServerPort = 1;
constexpr int kCrates = 50;
/// A sample counts while its entity moved (truth) within this long: resting crates
/// are trivially right and would only dilute the error.
constexpr double kRecentlyMovingSeconds = 1.0;
constexpr float kMovingSpeed = 0.05f; ///< m/s

struct Peer {
  ControllerRegistry registry;
  std::unique_ptr<EntityGroup> group;
  Effects effects;
  std::unique_ptr<LinkSimulator> link;
  std::unique_ptr<NetManager> net;
  std::unique_ptr<game::LocalPlayer> player;
};

class Arena {
public:
  Arena(const ViewErrorCase& c, const ViewErrorOptions& o) {
    // The RTT is split evenly; each client's simulator impairs both of its directions,
    // so a grenade of bot B reaches A through two impaired hops, as on a real LAN hub.
    const LinkConditions link{c.rttMs / 2, o.jitterMs, c.loss, 0};
    auto clock = [this] { return m_now; };
    setUp(m_server, kServerPort, {}, o.seed * 7 + 1, clock);
    setUp(m_observer, 2, link, o.seed * 7 + 2, clock);
    setUp(m_other, 3, link, o.seed * 7 + 3, clock);
    m_observer.group->viewClock().mode = c.mode;
    m_observer.player = std::make_unique<game::LocalPlayer>(*m_observer.net, o.seed * 7 + 4);
    m_other.player = std::make_unique<game::LocalPlayer>(*m_other.net, o.seed * 7 + 5);
    m_observer.net->connect("mem", kServerPort);
    m_other.net->connect("mem", kServerPort);
    game::spawnCrates(*m_server.net, kCrates, o.seed);
  }

  void tick() {
    m_now += 1.0 / 60;
    for (Peer* p : {&m_server, &m_observer, &m_other}) p->net->frame(m_now);
  }
  double now() const { return m_now; }
  Peer& observer() { return m_observer; }
  uint64_t grenadesThrown() const { return m_observer.player->grenadesThrown() + m_other.player->grenadesThrown(); }

  /// The group that simulates `authority`'s entities: that is where the truth is.
  const EntityGroup* truthGroup(PeerId authority) const {
    for (const Peer* p : {&m_server, &m_observer, &m_other})
      if (p->group->localPeer() == authority) return p->group.get();
    return nullptr;
  }
  void forEachTruth(const std::function<void(const Entity&)>& visit) const {
    for (const Peer* p : {&m_server, &m_observer, &m_other})
      p->group->forEach([&](const Entity& e) {
        if (e.authority() == p->group->localPeer()) visit(e);
      });
  }

private:
  void setUp(Peer& p, uint16_t port, const LinkConditions& link, uint64_t seed, std::function<double()> clock) {
    game::registerDemoTypes(p.registry);
    p.group = std::make_unique<EntityGroup>(p.registry);
    game::buildArena(p.group->physics());
    p.link = std::make_unique<LinkSimulator>(m_network.endpoint(port), link, link, seed, std::move(clock));
    NetConfig config;
    config.role = port == kServerPort ? Role::Server : Role::Client;
    p.net = std::make_unique<NetManager>(config, *p.link, *p.group, p.effects);
  }

  double m_now = 0;
  MemoryNetwork m_network;
  Peer m_server, m_observer, m_other;
};

double percentile(std::vector<float>& v, double q) {
  if (v.empty()) return 0;
  const size_t k = static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

} // namespace

ViewErrorResult runViewError(const ViewErrorCase& c, const ViewErrorOptions& o) {
  Arena arena(c, o);
  const int warmupTicks = static_cast<int>(std::lround(o.warmupSeconds * 60));
  const int ticks = static_cast<int>(std::lround(o.seconds * 60));
  for (int i = 0; i < warmupTicks; ++i) arena.tick();

  Peer& obs = arena.observer();
  const PeerId self = obs.group->localPeer();
  const ViewClock& clock = obs.group->viewClock();
  const uint64_t snaps0 = clock.snaps;
  const uint64_t bytes0 = obs.net->stats().counters.bytesReceived;
  const uint64_t grenades0 = arena.grenadesThrown();
  const double start = arena.now();

  ViewErrorResult r;
  r.c = c;
  std::vector<float> errors; // m, every counted sample
  errors.reserve(static_cast<size_t>(ticks) * kCrates);
  std::unordered_map<uint32_t, double> lastMoved; // entity id -> simulated time
  double sumSquares = 0, delaySum = 0;
  double crateSquares = 0, grenadeSquares = 0;
  uint64_t crateSamples = 0, grenadeSamples = 0;
  for (int i = 0; i < ticks; ++i) {
    arena.tick();
    delaySum += clock.interpolationDelay;
    double tickSquares = 0, tickMax = 0;
    int tickCount = 0;
    arena.forEachTruth([&](const Entity& truth) {
      if (truth.authority() == self) return; // the observer's own: nothing remote to view
      if (truth.type() != game::kCrateType && truth.type() != game::kGrenadeType) return;
      if (truth.body().linearVelocity().length() > kMovingSpeed) lastMoved[truth.id().value] = arena.now();
      const auto moved = lastMoved.find(truth.id().value);
      if (moved == lastMoved.end() || arena.now() - moved->second > kRecentlyMovingSeconds) return;
      const Entity* shown = obs.group->find(truth.id());
      if (!shown) {
        ++r.missing;
        return;
      }
      const float e = distance(shown->displayTransform().position, truth.body().position());
      errors.push_back(e);
      tickSquares += static_cast<double>(e) * e;
      const bool crate = truth.type() == game::kCrateType;
      (crate ? crateSquares : grenadeSquares) += static_cast<double>(e) * e;
      ++(crate ? crateSamples : grenadeSamples);
      tickMax = std::max(tickMax, static_cast<double>(e));
      ++tickCount;
    });
    sumSquares += tickSquares;
    if (o.keepSeries)
      r.series.push_back({arena.now() - start, tickCount ? 100 * std::sqrt(tickSquares / tickCount) : 0, 100 * tickMax});
  }

  const double seconds = arena.now() - start;
  r.samples = errors.size();
  r.rmsCm = errors.empty() ? 0 : 100 * std::sqrt(sumSquares / static_cast<double>(errors.size()));
  r.rmsCrateCm = crateSamples ? 100 * std::sqrt(crateSquares / static_cast<double>(crateSamples)) : 0;
  r.rmsGrenadeCm = grenadeSamples ? 100 * std::sqrt(grenadeSquares / static_cast<double>(grenadeSamples)) : 0;
  r.maxCm = errors.empty() ? 0 : 100.0 * *std::max_element(errors.begin(), errors.end());
  r.p99Cm = 100 * percentile(errors, 0.99);
  r.snapsPerMinute = static_cast<double>(clock.snaps - snaps0) / (seconds / 60);
  r.delayMs = c.mode == ViewMode::Interpolate && ticks > 0 ? 1000 * delaySum / ticks : 0;
  r.kbps = static_cast<double>(obs.net->stats().counters.bytesReceived - bytes0) * 8 / 1000 / seconds;
  r.grenades = arena.grenadesThrown() - grenades0;
  return r;
}

} // namespace ferrum::bench
