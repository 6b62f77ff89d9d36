#pragma once
// Players: a capsule under its own client's authority. A RigidBodyController: the
// owner sets the input each tick; serverUpdate packs position and velocity (no
// orientation: physics keeps it upright) plus that input, as declared fields
// (playerSchema); clientUpdate on every peer
// (the owner through the loopback) turns the input into motion, and on the other
// peers shows it through the remote view (the type's view mode: see playerType()),
// carried forward by the owner's steering, on a kinematic copy.

#include "ferrum/entity_group.h"
#include "ferrum/quantize.h"
#include "ferrum/rigid_body_controller.h"

namespace game {

struct PlayerInput {
  float moveX = 0; ///< -1..1, world x
  float moveZ = 0; ///< -1..1, world z
  bool jump = false;
};

constexpr float kPlayerRadius = 0.4f;
constexpr float kPlayerHalfHeight = 0.5f; ///< cylinder part; total height 1.8 m
constexpr float kPlayerMaxSpeed = 6.0f;   ///< m/s on the ground
constexpr float kPlayerJumpSpeed = 5.5f;  ///< m/s
/// The referee's limits for a client's own player: faster than this, or further than
/// this speed allows between two updates (plus kPlayerMoveSlack), is implausible.
/// Well above kPlayerMaxSpeed: blasts and falls legitimately exceed running speed.
constexpr float kPlayerSpeedLimit = 20.0f; ///< m/s
constexpr float kPlayerMoveSlack = 1.0f;   ///< m

/// Precision players are sent with: position as a crate's, velocity in +-32 m/s at
/// 1/64, no orientation, angular velocity or at-rest flag.
const ferrum::RigidQuantization& playerQuantization();

/// A player's state: the pose at playerQuantization(), then its owner's input.
struct PlayerSchema {
  ferrum::StateSchema schema{playerQuantization()};
  /// Held keys jump across the range, a stick moves a few steps a tick: raw or small.
  ferrum::FloatField moveX = schema.addFloat("moveX", -1.0f, 1.0f, 1.0f / 127, 8.0f / 127);
  ferrum::FloatField moveZ = schema.addFloat("moveZ", -1.0f, 1.0f, 1.0f / 127, 8.0f / 127);
  ferrum::BoolField jump = schema.addBool("jump");
};
const PlayerSchema& playerSchema();

class PlayerController final : public ferrum::RigidBodyController {
public:
  PlayerController();
  /// Owner only: the input for the coming tick (moves clamped to -1..1, NaN as 0).
  void setInput(const PlayerInput& input);
  /// The input the player moves by: the owner's, elsewhere the newest block's.
  PlayerInput lastInput() const;

  /// Speed and teleport limits (server side, for the owner's updates).
  Verdict checkRemoteState(const ferrum::ReadStream& block, float elapsedSeconds,
                           ferrum::WriteStream& corrected) override;
  /// Owner: go where the server settled, showing the jump as a fading offset.
  bool onCorrection(const ferrum::ReadStream& corrected) override;

protected:
  /// Owner: steer by the input, fade a correction. Elsewhere, when predicting: steer
  /// the copy physics carries on, as the owner does.
  void onStateApplied(const ferrum::RigidState* received, ferrum::Effects& effects) override;

private:
  void move();
  /// Where the owner's steering takes `state` in `seconds` with the last input known:
  /// how a remote copy is carried forward (it turns with its input, not in a straight line).
  ferrum::RigidState advance(const ferrum::RigidState& state, float seconds) const;
  bool grounded() const;

  ferrum::Vec3 m_correctionOffset; ///< owner: what is left to hide of the last correction
  ferrum::Vec3 m_lastClaim; ///< referee: the last position the server accepted from the owner
  bool m_hasClaim = false;
};

/// Player type: variant = the owner's slot (picks the colour).
ferrum::EntityType playerType();

} // namespace game
