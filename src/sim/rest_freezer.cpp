#include "sim/rest_freezer.h"

#include <btBulletDynamicsCommon.h>

#include <vector>

namespace ferrum {

namespace {

bool moving(const btRigidBody& b) {
  return b.getLinearVelocity().length2() > RestFreezer::kQuietSpeed * RestFreezer::kQuietSpeed ||
         b.getAngularVelocity().length2() > RestFreezer::kQuietSpin * RestFreezer::kQuietSpin;
}

// What a remote view places, a kinematic body, a body that must never sleep, static
// geometry: never frozen (each has its own rule for resting, or none).
constexpr int kPlacedByView = 1; // physics_world.cpp's user index 2 mark

bool freezable(const btRigidBody& b) {
  return b.getInvMass() > 0 && !b.isStaticOrKinematicObject() && b.getUserIndex2() != kPlacedByView &&
         b.getActivationState() != DISABLE_DEACTIVATION;
}

} // namespace

namespace {
// Collects the frozen bodies whose bounds a query box overlaps.
struct FrozenInBox : btBroadphaseAabbCallback {
  const RestFreezer& freezer;
  std::vector<btRigidBody*>& found;
  FrozenInBox(const RestFreezer& f, std::vector<btRigidBody*>& out) : freezer(f), found(out) {}
  bool process(const btBroadphaseProxy* proxy) override {
    auto* body = btRigidBody::upcast(static_cast<btCollisionObject*>(proxy->m_clientObject));
    if (body && freezer.frozen(body)) found.push_back(body);
    return true;
  }
};
} // namespace

// Each awake body that moves sweeps its bounds over where it may get within two steps
// (a thrown grenade included), so what it is about to hit is dynamic again before the
// contact: hit while frozen, a crate would stop it like a wall and not move.
void RestFreezer::thawTouched(float dt) {
  if (m_frozen.empty()) return;
  std::vector<btRigidBody*> thaw;
  FrozenInBox collect(*this, thaw);
  const btAlignedObjectArray<btCollisionObject*>& objects = m_world.getCollisionObjectArray();
  for (int i = 0; i < objects.size(); ++i) {
    const btRigidBody* b = btRigidBody::upcast(objects[i]);
    if (!b || b->isStaticObject() || !b->isActive() || !moving(*b)) continue;
    btVector3 lo, hi;
    b->getAabb(lo, hi);
    const btVector3 reach = b->getLinearVelocity().absolute() * (2 * dt) + btVector3(0.05f, 0.05f, 0.05f);
    m_world.getBroadphase()->aabbTest(lo - reach, hi + reach, collect);
  }
  for (btRigidBody* b : thaw) this->thaw(b);
}

void RestFreezer::freezeQuiet(float dt) {
  const btAlignedObjectArray<btCollisionObject*>& objects = m_world.getCollisionObjectArray();
  std::vector<btRigidBody*> freezeNow;
  for (int i = 0; i < objects.size(); ++i) {
    btRigidBody* b = btRigidBody::upcast(objects[i]);
    if (!b || !b->isActive() || !freezable(*b)) {
      if (b && !m_quiet.empty()) m_quiet.erase(b);
      continue;
    }
    if (moving(*b)) {
      m_quiet.erase(b);
      continue;
    }
    float& quiet = m_quiet[b];
    quiet += dt;
    if (quiet >= kQuietSeconds) freezeNow.push_back(b);
  }
  for (btRigidBody* b : freezeNow) freeze(b);
}

void RestFreezer::freeze(btRigidBody* body) {
  m_quiet.erase(body);
  m_frozen[body] = 1.0f / body->getInvMass();
  body->setLinearVelocity(btVector3(0, 0, 0));
  body->setAngularVelocity(btVector3(0, 0, 0));
  body->setMassProps(0, btVector3(0, 0, 0)); // and Bullet's static flag
  body->updateInertiaTensor();
  body->setActivationState(ISLAND_SLEEPING);
  m_world.updateSingleAabb(body); // where it stopped: the step no longer updates it
}

void RestFreezer::thaw(btRigidBody* body) {
  auto it = m_frozen.find(body);
  if (it == m_frozen.end()) return;
  const float mass = it->second;
  m_frozen.erase(it);
  btVector3 inertia(0, 0, 0);
  body->getCollisionShape()->calculateLocalInertia(mass, inertia);
  body->setMassProps(mass, inertia); // clears the static flag, restores its weight
  body->updateInertiaTensor();
  body->forceActivationState(ACTIVE_TAG);
  body->setDeactivationTime(0);
}

void RestFreezer::thawNeighbours(const btRigidBody* body) {
  // First, whatever else: the body is about to go, and a new body may later get its
  // address (and would inherit its quiet time).
  m_quiet.erase(body);
  if (m_frozen.empty()) return;
  std::vector<btRigidBody*> thaw;
  btOverlappingPairCache* pairs = m_world.getPairCache();
  const int n = pairs->getNumOverlappingPairs();
  btBroadphasePair* pair = n > 0 ? pairs->getOverlappingPairArrayPtr() : nullptr;
  for (int i = 0; i < n; ++i) {
    const auto* a = static_cast<const btCollisionObject*>(pair[i].m_pProxy0->m_clientObject);
    const auto* b = static_cast<const btCollisionObject*>(pair[i].m_pProxy1->m_clientObject);
    const btCollisionObject* other = a == body ? b : b == body ? a : nullptr;
    if (!other) continue;
    auto* rb = const_cast<btRigidBody*>(btRigidBody::upcast(other));
    if (rb && frozen(rb)) thaw.push_back(rb);
  }
  for (btRigidBody* b : thaw) this->thaw(b);
}

float RestFreezer::frozenMass(const btRigidBody* body) const {
  auto it = m_frozen.find(body);
  return it == m_frozen.end() ? 0.0f : it->second;
}

} // namespace ferrum
