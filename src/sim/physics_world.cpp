#include "ferrum/physics_world.h"

#include "base/job_thread.h"
#include "base/log.h"
#include "sim/rest_freezer.h"

#include <LinearMath/btTransformUtil.h>
#include <btBulletDynamicsCommon.h>

#include <bit>
#include <system_error>
#include <cassert>
#include <utility>

namespace ferrum {

namespace {
btVector3 toBt(Vec3 v) { return {v.x, v.y, v.z}; }
Vec3 fromBt(const btVector3& v) { return {v.x(), v.y(), v.z()}; }
btQuaternion toBt(Quat q) { return {q.x, q.y, q.z, q.w}; }
Quat fromBt(const btQuaternion& q) { return {q.x(), q.y(), q.z(), q.w()}; }

std::unique_ptr<btCollisionShape> makeShape(const BodyDesc& d) {
  switch (d.shape) {
  case Shape::Sphere:
    return std::make_unique<btSphereShape>(d.size.x);
  case Shape::Capsule:
    return std::make_unique<btCapsuleShape>(d.size.x, 2.0f * d.size.y);
  case Shape::Box:
    break;
  }
  return std::make_unique<btBoxShape>(toBt(d.size));
}

// Bullet's shapes hold no per-body state, so bodies of one kind and size share one.
// A world keeps the shapes it made for its life, up to kMaxSharedShapes of them
// (sizes may come from the network: a game's type may size a body by a spawn's
// variant); past that, each body gets one of its own, deleted with it.
constexpr size_t kMaxSharedShapes = 64;
constexpr int kSharedShape = 1; ///< btCollisionShape user index: owned by the world, not by a body

bool sameShape(const BodyDesc& a, Shape kind, Vec3 size) {
  // Bit for bit: a NaN size from a game's factory matches itself, not every other.
  return a.shape == kind && std::bit_cast<uint32_t>(a.size.x) == std::bit_cast<uint32_t>(size.x) &&
         std::bit_cast<uint32_t>(a.size.y) == std::bit_cast<uint32_t>(size.y) &&
         std::bit_cast<uint32_t>(a.size.z) == std::bit_cast<uint32_t>(size.z);
}

constexpr int kPlacedByView = 1; ///< btCollisionObject user index 2: see Body::setPlacedByView

bool placedByView(const btCollisionObject* o) { return o->getUserIndex2() == kPlacedByView; }

// Two copies that remote views place every tick need no contacts between them: each
// is put back on its authority's state next tick, whatever physics made of the
// touch. Left to Bullet, a client's pile of copies is one island that any moving
// copy keeps awake, and its pairs are most of the client's physics. Filtered where
// pairs are made, so they are never looked up, solved, or merged into islands; a
// body whose mark changes is added again (Body::setPlacedByView) so the filter sees it.
struct CopyPairFilter : btOverlapFilterCallback {
  bool needBroadphaseCollision(btBroadphaseProxy* a, btBroadphaseProxy* b) const override {
    const bool filtersMatch = (a->m_collisionFilterGroup & b->m_collisionFilterMask) != 0 &&
                              (b->m_collisionFilterGroup & a->m_collisionFilterMask) != 0; // Bullet's own test
    return filtersMatch && !(placedByView(static_cast<const btCollisionObject*>(a->m_clientObject)) &&
                             placedByView(static_cast<const btCollisionObject*>(b->m_clientObject)));
  }
};
} // namespace

struct PhysicsWorld::Impl {
  CopyPairFilter copyPairFilter; ///< first: outlives the pair cache that points at it
  struct SharedShape {
    BodyDesc desc; ///< its shape and size
    std::unique_ptr<btCollisionShape> shape;
  };
  std::vector<SharedShape> sharedShapes; ///< outlive every body (destroyed after the world)
  btDefaultCollisionConfiguration collisionConfig;
  btCollisionDispatcher dispatcher{&collisionConfig};
  btDbvtBroadphase broadphase;
  btSequentialImpulseConstraintSolver solver;
  btDiscreteDynamicsWorld world{&dispatcher, &broadphase, &solver, &collisionConfig};
  RestFreezer freezer{world};
  float stepSeconds = 1.0f / 60; ///< the last step's length: what a kinematic body's velocity is taken over
  bool stepperFailed = false; ///< its thread could not be started: beginStep steps at once
  JobThread stepper{"ferrum-physics"}; ///< last: destroyed (a step under way waited for) before the world it steps
};

PhysicsWorld::PhysicsWorld(const PhysicsConfig& config) : m_impl(std::make_unique<Impl>()) {
  m_impl->world.setGravity(toBt(config.gravity));
  // Bullet recomputes every body's bounds each step by default; a sleeping body has
  // not moved, and a client holds thousands of resting copies. What moves a body
  // without waking it (snapTo, sleep) updates its bounds itself.
  m_impl->world.setForceUpdateAllAabbs(false);
  m_impl->world.getPairCache()->setOverlapFilterCallback(&m_impl->copyPairFilter);
}

PhysicsWorld::~PhysicsWorld() {
  finishStep();
  m_statics.clear();
  // Entities own their bodies and must be gone before the world; anything left is a bug.
  assert(m_impl->world.getNumCollisionObjects() == 0);
}

btCollisionShape* PhysicsWorld::shapeFor(const BodyDesc& desc) {
  for (const Impl::SharedShape& s : m_impl->sharedShapes)
    if (sameShape(s.desc, desc.shape, desc.size)) return s.shape.get();
  auto shape = makeShape(desc);
  if (m_impl->sharedShapes.size() == kMaxSharedShapes) return shape.release(); // the body's own
  shape->setUserIndex(kSharedShape);
  m_impl->sharedShapes.push_back({desc, std::move(shape)});
  return m_impl->sharedShapes.back().shape.get();
}

size_t PhysicsWorld::sharedShapeCount() const { return m_impl->sharedShapes.size(); }

void PhysicsWorld::dropSharedShapesAfter(size_t keep) {
  assert(!m_impl->stepper.busy() && "the world is stepping on its thread: finishStep() first");
  auto& shapes = m_impl->sharedShapes;
  if (keep >= shapes.size()) return;
#ifndef NDEBUG
  const btCollisionObjectArray& objects = m_impl->world.getCollisionObjectArray();
  for (int i = 0; i < objects.size(); ++i)
    for (size_t s = keep; s < shapes.size(); ++s)
      assert(objects[i]->getCollisionShape() != shapes[s].shape.get() && "a body is still built on the shape");
#endif
  shapes.erase(shapes.begin() + static_cast<std::ptrdiff_t>(keep), shapes.end());
}

namespace {
// A body and its motion state in one allocation instead of two per spawn. The motion
// state is the base, so destroy() reaches the whole through body->getMotionState().
struct OwnedBody : btDefaultMotionState {
  btRigidBody body;
  OwnedBody(const btTransform& start, btRigidBody::btRigidBodyConstructionInfo info)
      : btDefaultMotionState(start), body(withMotion(info, this)) {}
  static btRigidBody::btRigidBodyConstructionInfo withMotion(btRigidBody::btRigidBodyConstructionInfo info,
                                                             btMotionState* motion) {
    info.m_motionState = motion;
    return info;
  }
};
} // namespace

Body PhysicsWorld::createBody(const BodyDesc& desc) {
  assert(!m_impl->stepper.busy() && "the world is stepping on its thread: finishStep() first");
  btCollisionShape* shape = shapeFor(desc);
  btVector3 inertia(0, 0, 0);
  if (desc.mass > 0) shape->calculateLocalInertia(desc.mass, inertia);
  btTransform start(toBt(desc.transform.orientation), toBt(desc.transform.position));
  btRigidBody::btRigidBodyConstructionInfo info(desc.mass, nullptr, shape, inertia);
  info.m_friction = desc.friction;
  info.m_restitution = desc.restitution;
  btRigidBody* body = &(new OwnedBody(start, info))->body;
  if (desc.upright) body->setAngularFactor(btVector3(0, 0, 0));
  if (desc.mass > 0) {
    body->setLinearVelocity(toBt(desc.linearVelocity));
    body->setAngularVelocity(toBt(desc.angularVelocity));
  }
  m_impl->world.addRigidBody(body);
  return Body(this, body);
}

void PhysicsWorld::addStatic(const BodyDesc& desc) {
  BodyDesc d = desc;
  d.mass = 0;
  m_statics.push_back(createBody(d));
  m_staticDescs.push_back(d);
}

void PhysicsWorld::beginStep(float dt) {
  // A process out of threads (a pids limit: the step's thread is one per peer) steps
  // here instead, from then on: slower on a sending tick, never a failed tick.
  if (!m_impl->stepperFailed) {
    try {
      m_impl->stepper.start([this, dt] { stepNow(dt); });
      return;
    } catch (const std::system_error& e) {
      m_impl->stepperFailed = true;
      log::warn("physics: no thread for the step ({}); stepping on the caller's thread", e.what());
    }
  }
  stepNow(dt);
}

void PhysicsWorld::finishStep() { m_impl->stepper.wait(); }

void PhysicsWorld::step(float dt) {
  finishStep();
  stepNow(dt);
}

void PhysicsWorld::stepNow(float dt) {
  if (dt > 0) m_impl->stepSeconds = dt;
  // Before the step, as Bullet's own sleep: a body frozen now is not moved by this
  // step, so it rests exactly where it was put (an authority's wire-rounded pose).
  m_impl->freezer.freezeQuiet(dt);
  m_impl->freezer.thawTouched(dt);
  m_impl->world.stepSimulation(dt, 1, dt);
}

bool PhysicsWorld::raycast(Vec3 from, Vec3 to, Vec3* hitPoint) const {
  btCollisionWorld::ClosestRayResultCallback cb(toBt(from), toBt(to));
  m_impl->world.rayTest(toBt(from), toBt(to), cb);
  if (!cb.hasHit()) return false;
  if (hitPoint) *hitPoint = fromBt(cb.m_hitPointWorld);
  return true;
}

void PhysicsWorld::destroy(btRigidBody* body) {
  assert(!m_impl->stepper.busy() && "the world is stepping on its thread: finishStep() first");
  m_impl->freezer.thaw(body);
  m_impl->freezer.thawNeighbours(body); // what it held up must fall
  m_impl->world.removeRigidBody(body);
  if (body->getCollisionShape()->getUserIndex() != kSharedShape) delete body->getCollisionShape();
  delete static_cast<OwnedBody*>(body->getMotionState()); // the body with it
}

// ----------------------------------------------------------------------- Body

Body::Body(Body&& other) noexcept
    : m_world(std::exchange(other.m_world, nullptr)), m_body(std::exchange(other.m_body, nullptr)),
      m_dynamicMass(std::exchange(other.m_dynamicMass, 0.0f)) {}

Body& Body::operator=(Body&& other) noexcept {
  if (this != &other) {
    release();
    m_world = std::exchange(other.m_world, nullptr);
    m_body = std::exchange(other.m_body, nullptr);
    m_dynamicMass = std::exchange(other.m_dynamicMass, 0.0f);
  }
  return *this;
}

Body::~Body() { release(); }

void Body::release() {
  if (m_body) m_world->destroy(m_body);
  m_body = nullptr;
  m_world = nullptr;
}

Vec3 Body::position() const { return fromBt(m_body->getWorldTransform().getOrigin()); }

Transform Body::transform() const {
  const btTransform& t = m_body->getWorldTransform();
  return {fromBt(t.getOrigin()), fromBt(t.getRotation())};
}

Vec3 Body::linearVelocity() const { return fromBt(m_body->getLinearVelocity()); }
Vec3 Body::angularVelocity() const { return fromBt(m_body->getAngularVelocity()); }
float Body::mass() const {
  if (const float frozen = m_world->m_impl->freezer.frozenMass(m_body); frozen > 0) return frozen;
  const btScalar inv = m_body->getInvMass();
  return inv > 0 ? 1.0f / inv : 0.0f;
}
bool Body::atRest() const { return m_body->getActivationState() == ISLAND_SLEEPING; }

void Body::thaw() { m_world->m_impl->freezer.thaw(m_body); }

void Body::setTransform(const Transform& t) {
  thaw();
  btTransform bt(toBt(t.orientation), toBt(t.position));
  m_body->setWorldTransform(bt);
  m_body->getMotionState()->setWorldTransform(bt);
  m_body->activate(true);
}

void Body::snapTo(const Transform& t, Vec3 linearVelocity, Vec3 angularVelocity) {
  // Put at rest (on the wire grid, say) a frozen body stays frozen where it is put.
  if (linearVelocity.length() > 0 || angularVelocity.length() > 0) thaw();
  btTransform bt(toBt(t.orientation), toBt(t.position));
  m_body->setWorldTransform(bt);
  m_body->getMotionState()->setWorldTransform(bt);
  m_body->setLinearVelocity(toBt(linearVelocity));
  m_body->setAngularVelocity(toBt(angularVelocity));
  if (!m_body->isActive()) m_world->m_impl->world.updateSingleAabb(m_body); // the step skips it
}

// Bullet gives a kinematic body, at each step, the velocity that takes it from where
// it was at the previous step to where it is now: a copy set down a metre away (news
// that came late) would hit what it lands beside at 60 m/s. Where it "was" is made
// what `v` and `w` say instead, so contacts see the velocity given.
void Body::setLinearVelocity(Vec3 v) {
  thaw();
  m_body->setLinearVelocity(toBt(v));
  if (kinematic()) {
    btTransform was = m_body->getInterpolationWorldTransform();
    was.setOrigin(m_body->getWorldTransform().getOrigin() - toBt(v) * m_world->m_impl->stepSeconds);
    m_body->setInterpolationWorldTransform(was);
  }
  if (v.length() > 0) m_body->activate(true);
}

void Body::setAngularVelocity(Vec3 w) {
  thaw();
  m_body->setAngularVelocity(toBt(w));
  if (kinematic()) {
    btTransform back;
    btTransformUtil::integrateTransform(m_body->getWorldTransform(), btVector3(0, 0, 0), -toBt(w),
                                        m_world->m_impl->stepSeconds, back);
    btTransform was = m_body->getInterpolationWorldTransform();
    was.setBasis(back.getBasis());
    m_body->setInterpolationWorldTransform(was);
  }
  if (w.length() > 0) m_body->activate(true);
}

void Body::applyImpulse(Vec3 impulse) {
  thaw();
  m_body->activate(true);
  m_body->applyCentralImpulse(toBt(impulse));
}

void Body::sleep() {
  thaw();
  m_body->setLinearVelocity(btVector3(0, 0, 0));
  m_body->setAngularVelocity(btVector3(0, 0, 0));
  // A lone sleeping body stays asleep; one in an island with awake bodies is woken by
  // Bullet's island pass, as a body that fell asleep by itself would be.
  m_body->setActivationState(ISLAND_SLEEPING);
  // The step no longer updates its bounds: they must be where it was just put.
  m_world->m_impl->world.updateSingleAabb(m_body);
}

void Body::setPlacedByView(bool placed) {
  if (placed == placedByView(m_body)) return;
  thaw();
  m_body->setUserIndex2(placed ? kPlacedByView : 0);
  // Pairs are filtered when made: out and in again drops the pairs the mark now
  // refuses and makes the ones it now allows.
  btDiscreteDynamicsWorld& world = m_world->m_impl->world;
  world.removeRigidBody(m_body);
  world.addRigidBody(m_body);
}

bool Body::kinematic() const { return m_body->isKinematicObject(); }

void Body::setKinematic(bool kinematic) {
  if (kinematic == this->kinematic()) return;
  thaw();
  if (kinematic && mass() <= 0) return; // static geometry stays static
  // Bullet sorts bodies into static/kinematic/dynamic when they are added: take it
  // out, change it, and add it back.
  btDiscreteDynamicsWorld& world = m_world->m_impl->world;
  world.removeRigidBody(m_body);
  if (kinematic) {
    m_dynamicMass = mass();
    m_body->setCollisionFlags(m_body->getCollisionFlags() | btCollisionObject::CF_KINEMATIC_OBJECT);
    m_body->setMassProps(0, btVector3(0, 0, 0));
    m_body->setLinearVelocity(btVector3(0, 0, 0));
    m_body->setAngularVelocity(btVector3(0, 0, 0));
    m_body->forceActivationState(DISABLE_DEACTIVATION); // Bullet must keep reading its pose
  } else {
    m_body->setCollisionFlags(m_body->getCollisionFlags() & ~btCollisionObject::CF_KINEMATIC_OBJECT);
    btVector3 inertia(0, 0, 0);
    m_body->getCollisionShape()->calculateLocalInertia(m_dynamicMass, inertia);
    m_body->setMassProps(m_dynamicMass, inertia);
    m_body->updateInertiaTensor();
    m_body->forceActivationState(ACTIVE_TAG);
  }
  world.addRigidBody(m_body);
}

} // namespace ferrum
