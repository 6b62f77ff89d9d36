#pragma once
/// The precision a rigid body's state travels at: position ranges and steps, "smallest
/// three" orientation bits, velocities, the at-rest flag. A controller type declares
/// one (RigidBodyController); its state blocks are written at it, and so are its
/// spawns when its EntityType names it (EntityType::statePrecision). Plain numbers,
/// on the wire layer, so the messages can use it without the physics.

#include "ferrum/quantize.h"

namespace ferrum {

struct RigidQuantization {
  QuantRange positionX{-64.0f, 64.0f, 1.0f / 512};
  QuantRange positionY{-16.0f, 48.0f, 1.0f / 512};
  QuantRange positionZ{-64.0f, 64.0f, 1.0f / 512};
  /// Per "smallest three" component; 0: no orientation on the wire (a body physics
  /// keeps upright; RigidBodyController then keeps the copy's own orientation).
  int orientationBits = 11;
  QuantRange linearVelocity{-48.0f, 48.0f, 1.0f / 64};  ///< m/s
  QuantRange angularVelocity{-32.0f, 32.0f, 1.0f / 64}; ///< rad/s
  /// False: no velocities on the wire (decoded as zero), for types whose receivers
  /// only interpolate poses and never simulate the copy; about half the bits.
  bool velocities = true;
  /// True: the authority moves its own body onto the state it sends, every tick, so it
  /// simulates from the very numbers receivers decode and a receiver simulating a copy
  /// starts where the authority does. The cost: each tick's rounding (up to half a
  /// step of position, orientation and velocity) is fed back into the simulation.
  /// See docs/architecture.md, "Quantized state on the authority".
  bool quantizeAuthority = false;
  /// False: velocities without the angular one (decoded as zero), for bodies that do
  /// not turn on their own (an upright player).
  bool angularVelocities = true;
  /// False: no at-rest flag; velocities are always sent (when `velocities`) and
  /// `atRest` decodes as false. For bodies that are never left resting unsent.
  bool restFlag = true;
};

} // namespace ferrum
