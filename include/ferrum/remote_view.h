#pragma once
/// How a peer shows an entity it does not simulate itself (the "remote view").
///
/// - Raw: apply each state as it arrives (the seed's behaviour); physics carries the
///   body on between packets.
/// - Interpolate: show the past, blending between the two received states around
///   that moment: as far behind the server's present as this view's news is old on
///   arrival, plus the timeline's `interpolationDelay`. Smooth, but late.
/// - Extrapolate: show the newest state carried forward by its velocity to the
///   present, for at most `ViewSettings::extrapolationCap`, then hold.
/// - Predict: the seed's idea: on a new state, advance it by the time it spent on
///   the way and hand it to physics, which simulates on from there.
///
/// Corrections (a new state disagreeing with what is shown) are hidden by a visual
/// offset that decays, unless larger than `ViewSettings::snapDistance`: then the view
/// snaps (counted in ViewStats).
/// In raw and predict a dynamic copy whose newest news says it rests is held there:
/// senders do not resend an unchanged state, so nothing else would correct it.

#include <cstdint>
#include <vector>
#include <functional>
#include <optional>
#include <string>

#include "ferrum/rigid_state.h"

namespace ferrum {

enum class ViewMode : uint8_t { Raw, Interpolate, Extrapolate, Predict };
const char* viewModeName(ViewMode mode);
/// "raw", "interpolate", "extrapolate" or "predict"; false if none of them.
bool parseViewMode(const std::string& text, ViewMode& mode);
/// A run-time choice: one of the above, or "default" (unset: each type's own mode).
const char* viewModeChoiceName(const std::optional<ViewMode>& choice);
bool parseViewModeChoice(const std::string& text, std::optional<ViewMode>& choice);

/// How remote views behave: plain settings, set by the user (the app, the viewer's
/// combo), never written by the library.
struct ViewSettings {
  /// Run-time choice for every type that uses views; unset: each type's own
  /// (EntityType::viewMode).
  std::optional<ViewMode> mode;
  double extrapolationCap = 0.25; ///< s
  float snapDistance = 1.5f;      ///< m: larger corrections snap instead of blending
  float smoothingRate = 12.0f;    ///< 1/s: how fast a correction offset decays
};

/// The timeline every remote view is placed on, kept by NetManager (once per tick).
struct ViewTimeline {
  double serverNow = 0; ///< estimate of the server's present, in seconds of server ticks
  /// s: how far behind its newest news an interpolating view stays (each view adds
  /// the age its news arrives with); adapts to the measured jitter and send rate.
  double interpolationDelay = 0.1;
  /// s between two state packets of a sender. An entity that did not change is not
  /// sent again, so news after a longer silence means it held still until about one
  /// interval before.
  double sendInterval = 1.0 / 30;
};

/// What remote views counted, over all entities of a group.
struct ViewStats {
  uint64_t snaps = 0; ///< corrections too large to hide
};

/// What RemoteView::update reads besides its own samples, and where it counts.
struct ViewContext {
  const ViewTimeline& timeline;
  const ViewSettings& settings;
  ViewMode mode;     ///< this entity's mode (the settings' override or its type's)
  float tickSeconds; ///< s per tick
  ViewStats& stats;
};

/// One remote entity's received states and its correction offset.
class RemoteView {
public:
  /// Carries a state `seconds` forward. Unset: straight along its velocities. A type
  /// whose motion is known better (a player steering towards its input) sets its own.
  using Advance = std::function<RigidState(const RigidState& state, float seconds)>;
  void setAdvance(Advance advance) { m_advance = std::move(advance); }

  /// Records a received state stamped with `serverTime`, arriving at `serverNow`
  /// (older than the newest: ignored). `sendInterval` > 0: after a silence longer
  /// than 1.5 intervals following news of the entity standing still, that state is
  /// taken to have held until one interval before this one (senders leave out what
  /// did not change), so interpolation does not stretch the new motion over the whole
  /// silence. After news of motion a silence is loss: interpolated across as before.
  void push(double serverTime, const RigidState& state, double serverNow, double sendInterval = 0);
  /// The same, with the arrival time and send interval read from `timeline`.
  void push(double serverTime, const RigidState& state, const ViewTimeline& timeline) {
    push(serverTime, state, timeline.serverNow, timeline.sendInterval);
  }
  /// Moves `body` to where it should be shown this tick, per `ctx.mode`; `arrived`
  /// says whether a new state came this tick. Returns false while nothing is known.
  bool update(Body& body, const ViewContext& ctx, bool arrived);
  /// The newest state received; nullptr while nothing is known.
  const RigidState* newest() const { return m_samples.empty() ? nullptr : &m_samples.back().state; }
  /// Visual offset (display = body + offset) still hiding the last correction.
  Vec3 offset() const { return m_offset; }
  /// The server time the last update() showed (the past when interpolating).
  double shownTime() const { return m_shownTime; }
  /// How far behind the server's present an interpolating view of this entity is:
  /// the age its news arrives with plus the timeline's buffer.
  double interpolationDelay(const ViewTimeline& timeline) const;
  size_t buffered() const { return m_samples.size(); }

private:
  static constexpr size_t kMaxSamples = 32;
  struct Sample {
    double time;
    RigidState state;
  };
  /// The newest kMaxSamples samples, oldest first: a ring whose storage is allocated
  /// once, at the first push. (A std::deque allocates as it is built, and every
  /// controller has a view, also where it never receives a state: a server's own.)
  class SampleRing {
  public:
    bool empty() const { return m_slots.empty(); }
    size_t size() const { return m_slots.size(); }
    const Sample& operator[](size_t i) const {
      const size_t at = m_oldest + i;
      return m_slots[at < m_slots.size() ? at : at - m_slots.size()];
    }
    const Sample& front() const { return (*this)[0]; }
    const Sample& back() const { return (*this)[size() - 1]; }
    /// Appends `sample`; once full, it takes the oldest one's place.
    void push_back(const Sample& sample) {
      if (m_slots.size() < kMaxSamples) {
        if (m_slots.empty()) m_slots.reserve(kMaxSamples);
        m_slots.push_back(sample);
        return;
      }
      m_slots[m_oldest] = sample;
      m_oldest = m_oldest + 1 < kMaxSamples ? m_oldest + 1 : 0;
    }

  private:
    std::vector<Sample> m_slots;
    size_t m_oldest = 0; ///< where the oldest sample is, once the ring is full
  };
  bool heldStill() const;
  RigidState interpolated(double time) const;
  RigidState extrapolated(double time, double cap) const;
  void correct(Body& body, const RigidState& target, const ViewContext& ctx, bool hide);
  void show(Body& body, const RigidState& target, const ViewContext& ctx, bool hide);

  SampleRing m_samples;
  Advance m_advance;
  Vec3 m_offset;
  double m_shownTime = 0;
  double m_age = 0;       ///< s: filtered age of states when they arrive
  double m_ageJitter = 0; ///< s: their mean deviation from it
  bool m_hasAge = false;
  RigidState m_lastTarget; ///< what show() put the body on last tick (interpolate, extrapolate)
  bool m_hasLastTarget = false;
  bool m_settled = false; ///< show() put the body to sleep on m_lastTarget, a target standing still
  static constexpr float kRestTolerance = 0.002f; ///< m a resting copy may drift before it is put back
  static constexpr float kStillSpeed = 0.05f;     ///< m/s (and rad/s): slower counts as standing still
};

} // namespace ferrum
