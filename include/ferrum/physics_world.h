#pragma once
/// The Bullet world every peer steps, and `Body`, the one rigid body an Entity owns.
/// Bullet types stay inside src/; callers see ferrum's math types.

#include <memory>
#include <vector>

#include "ferrum/math.h"
#include "ferrum/visual.h"

class btCollisionShape;
class btRigidBody;

namespace ferrum {

class PhysicsWorld;

/// How to build a body. Mass 0 makes it static.
struct BodyDesc {
  Shape shape = Shape::Box;
  Vec3 size{0.5f, 0.5f, 0.5f}; ///< same meaning as Visual::size
  float mass = 1.0f;           ///< kg
  float friction = 0.6f;
  float restitution = 0.1f;
  bool upright = false;        ///< lock rotation (characters)
  Transform transform;
  Vec3 linearVelocity;
  Vec3 angularVelocity;
};

/// A rigid body in a PhysicsWorld. Move-only; destroying it removes it from the world.
class Body {
public:
  Body() = default;
  Body(Body&& other) noexcept;
  Body& operator=(Body&& other) noexcept;
  Body(const Body&) = delete;
  Body& operator=(const Body&) = delete;
  ~Body();

  bool valid() const { return m_body != nullptr; }
  Transform transform() const;
  Vec3 position() const;
  Vec3 linearVelocity() const;
  Vec3 angularVelocity() const;
  float mass() const;
  /// Asleep: true when the body has come to rest (Bullet put its island to sleep, or
  /// it has been still for a second where it lies: see below).
  bool atRest() const;

  /// Teleports the body (wakes it).
  void setTransform(const Transform& t);
  /// A kinematic body keeps the velocity given until the next step, and pushes what
  /// it touches with it, however far setTransform moved it since the last step (set
  /// it after setTransform). Without it Bullet takes that distance over the step.
  void setLinearVelocity(Vec3 v);
  void setAngularVelocity(Vec3 w);
  /// Moves the body onto a state very close to its own (its state rounded to the wire
  /// grid) without waking it or restarting Bullet's count towards sleep, which
  /// setTransform and the velocity setters do. Not for teleports.
  void snapTo(const Transform& t, Vec3 linearVelocity, Vec3 angularVelocity);
  /// Impulse in N·s applied at the centre of mass.
  void applyImpulse(Vec3 impulse);
  /// Stops the body and puts it to sleep where it is: Bullet no longer moves it until
  /// something awake touches it. For receivers holding a state their sender says is at rest.
  void sleep();
  /// Marks a body that a remote view puts on its authority's state every tick: two
  /// such bodies do not collide with each other (whatever physics made of the touch
  /// would be undone next tick); they still collide with everything else.
  void setPlacedByView(bool placed);
  /// Kinematic: moved only by setTransform, never by forces or contacts, while it
  /// still pushes dynamic bodies (infinite mass). Back to dynamic restores its mass.
  /// For copies of entities another peer simulates, when their type asks for it.
  void setKinematic(bool kinematic);
  bool kinematic() const;

private:
  friend class PhysicsWorld;
  void thaw(); ///< a body put to sleep on its own is dynamic again before it is changed
  Body(PhysicsWorld* world, btRigidBody* body) : m_world(world), m_body(body) {}
  void release();

  PhysicsWorld* m_world = nullptr;
  btRigidBody* m_body = nullptr;
  float m_dynamicMass = 0; ///< the mass to restore when a kinematic body turns dynamic
};

struct PhysicsConfig {
  Vec3 gravity{0, -9.81f, 0};
  int maxSubSteps = 1; ///< fixed step: one Bullet step per tick
};

/// A Bullet discrete dynamics world. Not thread-safe (beginStep() aside); one per peer.
///
/// Beyond Bullet's own sleep (a whole island of touching bodies at once, so a big pile
/// with a crate still rocking somewhere never sleeps), a dynamic body still for a
/// second sleeps by itself, held where it lies (it supports what rests on it), until
/// something awake and moving touches it or the game moves, pushes or removes it
/// (or what it rests on). Bodies that remote views place or that are kinematic are
/// left to their own rules.
class PhysicsWorld {
public:
  explicit PhysicsWorld(const PhysicsConfig& config = {});
  ~PhysicsWorld();
  PhysicsWorld(const PhysicsWorld&) = delete;
  PhysicsWorld& operator=(const PhysicsWorld&) = delete;

  /// Creates a dynamic (mass > 0) or static (mass == 0) body.
  Body createBody(const BodyDesc& desc);
  /// Adds static level geometry that lives as long as the world.
  void addStatic(const BodyDesc& desc);
  /// The static geometry as it was added (a viewer draws the level from it).
  const std::vector<BodyDesc>& staticBodies() const { return m_staticDescs; }
  /// How many shapes the world keeps for bodies of one kind and size (each made by the
  /// first body of its size, kept for the world's life, up to a limit; see createBody).
  size_t sharedShapeCount() const;
  /// Forgets the shared shapes made after the first `keep`, which no body may still be
  /// built on (asserted): a fixture that puts a world back as it was (the fuzz targets'
  /// shared world) drops what its last use added, so that the next use makes them again
  /// as the first did. Nothing else needs it; a world keeps its shapes otherwise.
  void dropSharedShapesAfter(size_t keep);
  /// Advances the simulation by `dt` seconds.
  void step(float dt);
  /// The same step on a thread of the world's own: returns at once, and finishStep()
  /// returns once the step is done. In between, nothing may touch the world or its
  /// bodies (NetManager writes a tick's state packets meanwhile: they read no body).
  /// Destroying the world, or step(), waits for a step under way first. A process
  /// that cannot start the thread steps at once, here, from then on (logged once).
  void beginStep(float dt);
  void finishStep();
  /// Closest hit of a ray from `from` to `to`; returns false if nothing was hit.
  bool raycast(Vec3 from, Vec3 to, Vec3* hitPoint = nullptr) const;

private:
  friend class Body;
  void destroy(btRigidBody* body);
  void stepNow(float dt);
  /// The shape a body of `desc` is built on: shared by the world, or its own.
  btCollisionShape* shapeFor(const BodyDesc& desc);

  struct Impl;
  std::unique_ptr<Impl> m_impl;
  std::vector<Body> m_statics;
  std::vector<BodyDesc> m_staticDescs;
};

} // namespace ferrum
