#include "view_error.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>
#include <unordered_map>

#include "game/simulated_peer.h"
#include "game/types.h"

namespace ferrum::bench {
namespace {

constexpr uint16_t kServerPort = 1;
constexpr int kCrates = 50;
/// A sample counts while its entity moved (truth) within this long: resting crates
/// are trivially right and would only dilute the error.
constexpr double kRecentlyMovingSeconds = 1.0;
constexpr float kMovingSpeed = 0.05f; ///< m/s

/// Where every entity truly was at each of the server's recent ticks: an
/// interpolating view shows the past and is judged against the past it claims to show.
class TruthHistory {
public:
  void record(uint32_t serverTick, std::unordered_map<uint32_t, Vec3> positions) {
    m_ticks.push_back({serverTick, std::move(positions)});
    while (m_ticks.size() > kKeep) m_ticks.pop_front();
  }
  /// Position of `id` at fractional server tick `tick` (linear between records; the
  /// newest record when `tick` is ahead of it). False when not recorded.
  bool at(uint32_t id, double tick, Vec3& out) const {
    for (size_t i = m_ticks.size(); i-- > 0;) {
      const Record& later = m_ticks[i];
      if (static_cast<double>(later.tick) > tick && i > 0) continue;
      const auto b = later.positions.find(id);
      if (b == later.positions.end()) return false;
      out = b->second;
      if (i + 1 < m_ticks.size() && static_cast<double>(later.tick) <= tick) {
        const Record& next = m_ticks[i + 1];
        const auto n = next.positions.find(id);
        if (n != next.positions.end()) {
          const float t = static_cast<float>((tick - later.tick) / static_cast<double>(next.tick - later.tick));
          out = out + (n->second - out) * t;
        }
      }
      return true;
    }
    return false;
  }

private:
  struct Record {
    uint32_t tick;
    std::unordered_map<uint32_t, Vec3> positions;
  };
  static constexpr size_t kKeep = 120; // 2 s: far beyond any interpolation delay
  std::deque<Record> m_ticks;
};

using Peer = game::SimulatedPeer;

// The RTT is split evenly; each client's simulator impairs both of its directions, so
// a grenade of bot B reaches A through two impaired hops, as on a real LAN hub.
LinkConditions clientLink(const ViewErrorCase& c, const ViewErrorOptions& o) { return {c.rttMs / 2, o.jitterMs, c.loss, 0}; }

class Arena {
public:
  Arena(const ViewErrorCase& c, const ViewErrorOptions& o)
      : m_server(m_network, {Role::Server, kServerPort, {}, {}, o.seed * 7 + 1, {}}, clock()),
        m_observer(m_network, {Role::Client, 2, clientLink(c, o), clientLink(c, o), o.seed * 7 + 2, {}}, clock()),
        m_other(m_network, {Role::Client, 3, clientLink(c, o), clientLink(c, o), o.seed * 7 + 3, {}}, clock()) {
    m_observer.group->viewSettings().mode = c.mode;
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

  void recordTruth(TruthHistory& history) const {
    std::unordered_map<uint32_t, Vec3> positions;
    forEachTruth([&](const Entity& e) { positions[e.id().value] = e.body().position(); });
    history.record(m_server.net->tick(), std::move(positions));
  }
  void forEachTruth(const std::function<void(const Entity&)>& visit) const {
    for (const Peer* p : {&m_server, &m_observer, &m_other})
      p->group->forEach([&](const Entity& e) {
        if (e.authority() == p->group->localPeer()) visit(e);
      });
  }

private:
  std::function<double()> clock() { return [this] { return m_now; }; }

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

/// Running sum of squared errors.
struct ErrorSums {
  double squares = 0;
  uint64_t samples = 0;
  void add(float metres) {
    squares += static_cast<double>(metres) * metres;
    ++samples;
  }
  double rmsCm() const { return samples ? 100 * std::sqrt(squares / static_cast<double>(samples)) : 0; }
};

} // namespace

const char* modeLabel(const ViewErrorCase& c) { return viewModeChoiceName(c.mode); }

ViewErrorResult runViewError(const ViewErrorCase& c, const ViewErrorOptions& o) {
  Arena arena(c, o);
  const int warmupTicks = static_cast<int>(std::lround(o.warmupSeconds * 60));
  const int ticks = static_cast<int>(std::lround(o.seconds * 60));
  TruthHistory history;
  for (int i = 0; i < warmupTicks; ++i) {
    arena.tick();
    arena.recordTruth(history);
  }

  Peer& obs = arena.observer();
  const PeerId self = obs.group->localPeer();
  const ViewTimeline& clock = obs.group->viewTimeline();
  const ViewStats& views = obs.group->viewStats();
  const double tickSeconds = 1.0 / 60;
  const uint64_t snaps0 = views.snaps;
  const uint64_t bytes0 = obs.net->stats().counters.bytesReceived;
  const uint64_t grenades0 = arena.grenadesThrown();
  const double start = arena.now();

  ViewErrorResult r;
  r.c = c;
  std::vector<float> errors; // m, against the truth at the shown time, every counted sample
  errors.reserve(static_cast<size_t>(ticks) * kCrates);
  std::unordered_map<uint32_t, double> lastMoved; // entity id -> simulated time
  double delaySum = 0;
  ErrorSums all, allNow, crates, cratesNow, players, playersNow, grenades, grenadesNow;
  for (int i = 0; i < ticks; ++i) {
    arena.tick();
    arena.recordTruth(history);
    ErrorSums tick;
    double tickMax = 0;
    arena.forEachTruth([&](const Entity& truth) {
      if (truth.authority() == self) return; // the observer's own: nothing remote to view
      const bool crate = truth.type() == game::kCrateType, player = truth.type() == game::kPlayerType;
      if (!crate && !player && truth.type() != game::kGrenadeType) return;
      if (truth.body().linearVelocity().length() > kMovingSpeed) lastMoved[truth.id().value] = arena.now();
      const auto moved = lastMoved.find(truth.id().value);
      if (moved == lastMoved.end() || arena.now() - moved->second > kRecentlyMovingSeconds) return;
      const Entity* shown = obs.group->find(truth.id());
      if (!shown) {
        ++r.missing;
        return;
      }
      // The server time this view claims to show (the present, or the past when it
      // interpolates), on the observer's own estimate of the server clock.
      const double shownTime = shown->displayTime().value_or(clock.serverNow);
      const double delay = clock.serverNow - shownTime;
      Vec3 then;
      if (!history.at(truth.id().value, shownTime / tickSeconds, then)) {
        ++r.missing;
        return;
      }
      const Vec3 display = shown->displayTransform().position;
      const float e = distance(display, then), eNow = distance(display, truth.body().position());
      errors.push_back(e);
      delaySum += delay;
      all.add(e);
      allNow.add(eNow);
      tick.add(e);
      (crate ? crates : player ? players : grenades).add(e);
      (crate ? cratesNow : player ? playersNow : grenadesNow).add(eNow);
      tickMax = std::max(tickMax, static_cast<double>(e));
    });
    if (o.keepSeries) r.series.push_back({arena.now() - start, tick.rmsCm(), 100 * tickMax});
  }

  const double seconds = arena.now() - start;
  r.samples = errors.size();
  r.rmsCm = all.rmsCm();
  r.rmsNowCm = allNow.rmsCm();
  r.rmsCrateCm = crates.rmsCm();
  r.rmsCrateNowCm = cratesNow.rmsCm();
  r.rmsPlayerCm = players.rmsCm();
  r.rmsPlayerNowCm = playersNow.rmsCm();
  r.rmsGrenadeCm = grenades.rmsCm();
  r.rmsGrenadeNowCm = grenadesNow.rmsCm();
  r.maxCm = errors.empty() ? 0 : 100.0 * *std::max_element(errors.begin(), errors.end());
  r.p99Cm = 100 * percentile(errors, 0.99);
  r.snapsPerMinute = static_cast<double>(views.snaps - snaps0) / (seconds / 60);
  r.delayMs = r.samples ? 1000 * delaySum / static_cast<double>(r.samples) : 0;
  r.kbps = static_cast<double>(obs.net->stats().counters.bytesReceived - bytes0) * 8 / 1000 / seconds;
  r.grenades = arena.grenadesThrown() - grenades0;
  return r;
}

} // namespace ferrum::bench
