#pragma once
// Draws the world: the level (the physics world's static bodies), every entity from its Visual at its body's transform
// (boxes, spheres, capsules), blob shadows, and the effects' lights, shells and sparks.

#include <string>

#include "ferrum/entity_group.h"
#include "viewer/camera.h"
#include "viewer/effects_view.h"
#include "viewer/meshes.h"
#include "viewer/shader.h"

namespace viewer {

struct Rgba {
  float r = 1, g = 1, b = 1, a = 1;
};
/// 0xRRGGBBAA -> floats.
Rgba unpackRgba(uint32_t rgba);

class SceneRenderer {
public:
  /// Needs a current GL 3.3 context. False (with a message) if the shaders fail.
  bool init(std::string& error);
  /// `ghosts`: also draw remote entities at their newest received pose, translucent.
  void draw(const ferrum::EntityGroup& group, const EffectsView& effects, const Camera& camera, int width, int height,
            bool ghosts = false);
  /// The last frame's view-projection (for labels and rings drawn by the overlay).
  const Mat4& viewProj() const { return m_viewProj; }

private:
  void drawMesh(const Mesh& mesh, const Mat4& model, Rgba colour, float emissive = 0, bool floor = false);
  void drawLevel(const ferrum::PhysicsWorld& world);
  void drawEntity(const ferrum::Entity& entity, const ferrum::Transform& pose, Rgba colour);
  void drawShadow(const ferrum::Entity& entity);
  void drawEffects(const EffectsView& effects);

  Shader m_shader;
  Meshes m_meshes;
  Mat4 m_viewProj;
};

} // namespace viewer
