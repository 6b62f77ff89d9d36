#include "ferrum/remote_view.h"

#include <algorithm>
#include <cmath>

namespace ferrum {

const char* viewModeName(ViewMode mode) {
  switch (mode) {
  case ViewMode::Raw: return "raw";
  case ViewMode::Interpolate: return "interpolate";
  case ViewMode::Extrapolate: return "extrapolate";
  case ViewMode::Predict: return "predict";
  }
  return "unknown";
}

bool parseViewMode(const std::string& text, ViewMode& mode) {
  for (ViewMode m : {ViewMode::Raw, ViewMode::Interpolate, ViewMode::Extrapolate, ViewMode::Predict}) {
    if (text == viewModeName(m)) {
      mode = m;
      return true;
    }
  }
  return false;
}

const char* viewModeChoiceName(const std::optional<ViewMode>& choice) {
  return choice ? viewModeName(*choice) : "default";
}

bool parseViewModeChoice(const std::string& text, std::optional<ViewMode>& choice) {
  if (text == "default") {
    choice.reset();
    return true;
  }
  ViewMode mode = ViewMode::Raw;
  if (!parseViewMode(text, mode)) return false;
  choice = mode;
  return true;
}

namespace {
Vec3 lerp(Vec3 a, Vec3 b, float t) { return a + (b - a) * t; }

Quat nlerp(Quat a, Quat b, float t) {
  if (a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w < 0) b = {-b.x, -b.y, -b.z, -b.w}; // shortest way round
  Quat q{a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t, a.w + (b.w - a.w) * t};
  const float len = std::sqrt(q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w);
  return len > 1e-6f ? Quat{q.x / len, q.y / len, q.z / len, q.w / len} : a;
}

// Rotates q by angular velocity w for dt seconds (first order, renormalized).
Quat integrate(Quat q, Vec3 w, float dt) {
  const Quat d{0.5f * dt * (w.x * q.w + w.y * q.z - w.z * q.y), 0.5f * dt * (w.y * q.w + w.z * q.x - w.x * q.z),
               0.5f * dt * (w.z * q.w + w.x * q.y - w.y * q.x), 0.5f * dt * (-w.x * q.x - w.y * q.y - w.z * q.z)};
  return nlerp(q, {q.x + d.x, q.y + d.y, q.z + d.z, q.w + d.w}, 1.0f);
}
} // namespace

void RemoteView::push(double serverTime, const RigidState& state, double serverNow, double sendInterval) {
  if (!m_samples.empty() && serverTime <= m_samples.back().time) return; // late or duplicate
  if (sendInterval > 0 && !m_samples.empty() && serverTime - m_samples.back().time > 1.5 * sendInterval &&
      heldStill()) {
    Sample held = m_samples.back();
    held.time = serverTime - sendInterval;
    m_samples.push_back(held);
  }
  // Forwarded state (owner -> server -> here) is older on arrival than the server's
  // own: each view learns its own age, so neither waits for the other.
  const double age = std::max(0.0, serverNow - serverTime);
  if (!m_hasAge) {
    m_age = age;
    m_hasAge = true;
  } else {
    m_age += 0.1 * (age - m_age);
    m_ageJitter += 0.1 * (std::abs(age - m_age) - m_ageJitter);
  }
  m_samples.push_back({serverTime, state}); // the oldest goes once there are kMaxSamples
}

// Whether the newest news says the entity stood still: then a silence after it means
// the sender had nothing new to say. A moving one is sent every packet, so its
// silence is loss, and interpolating across it is the better guess.
bool RemoteView::heldStill() const {
  constexpr float kStillDistance = 0.01f; // m between the last two states (types sent without velocities)
  const RigidState& last = m_samples.back().state;
  if (last.linearVelocity.length() > kStillSpeed) return false;
  return m_samples.size() < 2 || distance(last.position, m_samples[m_samples.size() - 2].state.position) <= kStillDistance;
}

RigidState RemoteView::interpolated(double time) const {
  if (time <= m_samples.front().time) return m_samples.front().state;
  if (time > m_samples.back().time) return extrapolated(time, 0.1); // the buffer ran dry: carry on briefly from the newest
  // The first sample at or after `time`. Searched from the newest: the time shown
  // trails the newest news by a few samples, and a client does this for every copy
  // every tick.
  size_t i = m_samples.size() - 1;
  while (i > 1 && m_samples[i - 1].time >= time) --i;
  const Sample& a = m_samples[i - 1];
  const Sample& b = m_samples[i];
  const float t = static_cast<float>((time - a.time) / (b.time - a.time));
  RigidState s = b.state;
  s.position = lerp(a.state.position, b.state.position, t);
  s.orientation = nlerp(a.state.orientation, b.state.orientation, t);
  s.linearVelocity = lerp(a.state.linearVelocity, b.state.linearVelocity, t);
  s.angularVelocity = lerp(a.state.angularVelocity, b.state.angularVelocity, t);
  return s;
}

RigidState RemoteView::extrapolated(double time, double cap) const {
  const Sample& newest = m_samples.back();
  RigidState s = newest.state;
  if (s.atRest) return s;
  const float dt = static_cast<float>(std::clamp(time - newest.time, 0.0, cap));
  if (m_advance) return m_advance(s, dt);
  s.position = s.position + s.linearVelocity * dt;
  s.orientation = integrate(s.orientation, s.angularVelocity, dt);
  return s;
}

void RemoteView::correct(Body& body, const RigidState& target, const ViewContext& ctx, bool hide) {
  const Vec3 shown = body.position() + m_offset;
  const Vec3 error = shown - target.position;
  applyRigidState(body, target);
  if (error.length() > ctx.settings.snapDistance) {
    ++ctx.stats.snaps;
    m_offset = {};
  } else if (hide) {
    m_offset = error; // keep showing where it was, then let the difference fade
  }
}

// Puts the body on `target`, except a dynamic copy whose target stands still: once
// it stood still for two ticks the copy is put to sleep there, and from then on
// neither the view nor local physics does anything for it (no solver, no bounds
// update, no narrow phase against its sleeping neighbours) until its target moves or
// something awake of our own wakes it (a local player pushing it: then it is put back
// and to sleep again, as it was put back every tick before). Most copies of a busy
// level rest: this is what keeps a client's cost per copy below the authority's.
void RemoteView::show(Body& body, const RigidState& target, const ViewContext& ctx, bool hide) {
  const bool still = !body.kinematic() && (target.atRest || (target.linearVelocity.length() < kStillSpeed &&
                                                             target.angularVelocity.length() < kStillSpeed));
  const bool sameAsLastTick = m_hasLastTarget && target.position == m_lastTarget.position &&
                              target.orientation == m_lastTarget.orientation;
  if (still && sameAsLastTick && m_settled && body.atRest()) return; // correct() would change nothing
  correct(body, target, ctx, hide);
  m_settled = still && sameAsLastTick;
  if (m_settled) body.sleep();
  m_lastTarget = target;
  m_hasLastTarget = true;
}

double RemoteView::interpolationDelay(const ViewTimeline& timeline) const {
  return m_age + 2 * m_ageJitter + timeline.interpolationDelay;
}

bool RemoteView::update(Body& body, const ViewContext& ctx, bool arrived) {
  if (m_samples.empty()) return false;
  const ViewMode mode = ctx.mode;
  const float tickSeconds = ctx.tickSeconds;
  const double now = ctx.timeline.serverNow;
  m_shownTime = mode == ViewMode::Interpolate ? now - interpolationDelay(ctx.timeline) : now;
  // A state stamped T was captured before tick T's physics step, and a dynamic copy
  // is stepped once more after the view places it; a kinematic copy is not, so it is
  // placed one tick further along to show the same moment.
  const double target = m_shownTime + (body.kinematic() ? tickSeconds : 0.0);
  m_offset = faded(m_offset, ctx.settings.smoothingRate, tickSeconds);
  // The authority says it rests (asleep, or too slow to change its state on the
  // wire), and will say nothing more until that changes: an unchanged state is not
  // resent. Local physics must not carry the copy away, say pushed by a local copy
  // of a player that stands a little off. Put it back.
  const RigidState& newest = m_samples.back().state;
  const bool resting = newest.atRest || (newest.linearVelocity.length() < kStillSpeed &&
                                         newest.angularVelocity.length() < kStillSpeed);
  const bool strayedFromRest = resting && !body.kinematic() && (mode == ViewMode::Raw || mode == ViewMode::Predict) &&
                               distance(body.position(), newest.position) > kRestTolerance;
  const bool placedEveryTick = mode == ViewMode::Interpolate || mode == ViewMode::Extrapolate;
  if (!placedEveryTick) m_settled = false; // only show() settles
  body.setPlacedByView(placedEveryTick && !body.kinematic());
  if (strayedFromRest && !arrived) {
    correct(body, newest, ctx, mode == ViewMode::Predict);
    if (mode == ViewMode::Raw) m_offset = {};
    body.sleep();
    return true;
  }
  switch (mode) {
  case ViewMode::Raw:
    if (body.kinematic()) { // no physics carries it on: do what physics would in free flight
      RigidState carried = newest;
      if (!arrived) {
        const Transform t = body.transform();
        carried.position = t.position;
        carried.orientation = t.orientation;
      }
      carried.position = carried.position + newest.linearVelocity * tickSeconds;
      applyRigidState(body, carried); // placed last: its velocity, not the step, is what it pushes with
    } else if (arrived) {
      applyRigidState(body, newest);
    }
    m_offset = {};
    return true;
  case ViewMode::Predict:
    // Advance the news by its age, then let physics simulate on; hide the correction.
    // A kinematic copy has no physics to carry it: it is carried forward every tick.
    if (arrived || body.kinematic()) correct(body, extrapolated(target, ctx.settings.extrapolationCap), ctx, arrived);
    return true;
  case ViewMode::Extrapolate:
    show(body, extrapolated(target, ctx.settings.extrapolationCap), ctx, arrived);
    return true;
  case ViewMode::Interpolate:
    show(body, interpolated(target), ctx, false);
    return true;
  }
  return true;
}

} // namespace ferrum
