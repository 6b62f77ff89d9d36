#pragma once
// Draws the world: the level (the physics world's static bodies), every entity from its Visual at its body's transform
// (boxes, spheres, capsules), blob shadows, and the effects' lights, shells and sparks.

#include <string>
#include <vector>

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

/// One entity as a frame draws it: its visual at a pose, in a colour.
struct EntityDraw {
  ferrum::Visual visual;
  ferrum::Transform pose;
  Rgba colour;
};

/// What one frame draws, copied out of the world: the drawing (slow with software GL)
/// then needs no access to the host, which another thread keeps running meanwhile.
struct SceneFrame {
  std::vector<ferrum::BodyDesc> level; ///< the physics world's static bodies
  std::vector<EntityDraw> entities;    ///< where each entity's remote view shows it
  std::vector<EntityDraw> ghosts;      ///< newest received poses (when asked for), translucent
};

/// Copies what a frame draws from `group`. `ghosts`: also remote entities' newest
/// received poses (where they differ visibly from the shown one).
SceneFrame captureScene(const ferrum::EntityGroup& group, bool ghosts);

class SceneRenderer {
public:
  /// Needs a current GL 3.3 context. False (with a message) if the shaders fail.
  bool init(std::string& error);
  /// Sets the frame's view-projection from the camera and the drawable's size.
  void setView(const Camera& camera, int width, int height);
  /// Draws the frame from the view setView() set.
  void draw(const SceneFrame& scene, const EffectsView& effects, const Camera& camera, int width, int height);
  /// This frame's view-projection (for labels and rings drawn by the overlay).
  const Mat4& viewProj() const { return m_viewProj; }

private:
  void drawMesh(const Mesh& mesh, const Mat4& model, Rgba colour, float emissive = 0, bool floor = false);
  void drawLevel(const std::vector<ferrum::BodyDesc>& level);
  void drawEntity(const EntityDraw& entity);
  void drawShadow(const EntityDraw& entity);
  void drawEffects(const EffectsView& effects);

  Shader m_shader;
  Meshes m_meshes;
  Mat4 m_viewProj;
};

} // namespace viewer
