#include "viewer/scene_renderer.h"

#include <algorithm>

#include "viewer/scene_shaders.h"

namespace viewer {

namespace {

constexpr Rgba kSky{0.55f, 0.63f, 0.72f, 1};

Mat4 placed(ferrum::Vec3 position, ferrum::Vec3 scale) { return modelMatrix({position, {}}, scale); }

} // namespace

Rgba unpackRgba(uint32_t rgba) {
  auto channel = [rgba](int shift) { return static_cast<float>((rgba >> shift) & 0xFFu) / 255.0f; };
  return {channel(24), channel(16), channel(8), channel(0)};
}

bool SceneRenderer::init(std::string& error) {
  if (!m_shader.build(kSceneVertexShader, kSceneFragmentShader, error)) return false;
  m_meshes.build();
  return true;
}

SceneFrame captureScene(const ferrum::EntityGroup& group, bool ghosts) {
  SceneFrame scene;
  scene.level = group.physics().staticBodies();
  scene.entities.reserve(group.size());
  group.forEach([&](const ferrum::Entity& e) {
    scene.entities.push_back({e.visual(), e.displayTransform(), unpackRgba(e.visual().rgba)});
    if (!ghosts) return;
    // Where the ghost and the body coincide (at rest) it would only flicker in the body.
    const auto pose = e.receivedTransform();
    if (pose && ferrum::distance(pose->position, e.displayTransform().position) > 0.03f)
      scene.ghosts.push_back({e.visual(), *pose, {0.85f, 0.95f, 1.0f, 0.35f}});
  });
  return scene;
}

void SceneRenderer::setView(const Camera& camera, int width, int height) {
  const float aspect = static_cast<float>(width) / static_cast<float>(std::max(height, 1));
  m_viewProj = camera.projection(aspect) * camera.view();
}

void SceneRenderer::draw(const SceneFrame& scene, const EffectsView& effects, const Camera& camera, int width,
                         int height) {
  glViewport(0, 0, width, height);
  glClearColor(kSky.r, kSky.g, kSky.b, 1);
  glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
  glEnable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);
  glDisable(GL_BLEND);

  m_shader.use();
  glUniformMatrix4fv(m_shader.uniform("uViewProj"), 1, GL_FALSE, m_viewProj.data());
  const ferrum::Vec3 eye = camera.eye();
  glUniform3f(m_shader.uniform("uEye"), eye.x, eye.y, eye.z);
  glUniform3f(m_shader.uniform("uSky"), kSky.r, kSky.g, kSky.b);

  const std::vector<PointLight> lights = effects.lights(kMaxLights);
  glUniform1i(m_shader.uniform("uLightCount"), static_cast<GLint>(lights.size()));
  for (size_t i = 0; i < lights.size(); ++i) {
    const std::string index = "[" + std::to_string(i) + "]";
    const PointLight& l = lights[i];
    glUniform3f(m_shader.uniform(("uLightPos" + index).c_str()), l.position.x, l.position.y, l.position.z);
    glUniform3f(m_shader.uniform(("uLightColour" + index).c_str()), l.colour.x, l.colour.y, l.colour.z);
    glUniform1f(m_shader.uniform(("uLightRadius" + index).c_str()), l.radius);
  }

  drawLevel(scene.level);
  for (const EntityDraw& e : scene.entities) drawEntity(e);

  // Translucent things last, without writing depth, so they never hide what is behind.
  glEnable(GL_BLEND);
  glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
  glDepthMask(GL_FALSE);
  for (const EntityDraw& e : scene.entities) drawShadow(e);
  for (const EntityDraw& e : scene.ghosts) drawEntity(e);
  drawEffects(effects);
  glDepthMask(GL_TRUE);
  glDisable(GL_BLEND);
  glBindVertexArray(0);
}

void SceneRenderer::drawMesh(const Mesh& mesh, const Mat4& model, Rgba colour, float emissive, bool floor) {
  glUniformMatrix4fv(m_shader.uniform("uModel"), 1, GL_FALSE, model.data());
  glUniform4f(m_shader.uniform("uColour"), colour.r, colour.g, colour.b, colour.a);
  glUniform1f(m_shader.uniform("uEmissive"), emissive);
  glUniform1i(m_shader.uniform("uFloor"), floor ? 1 : 0);
  mesh.draw();
}

// The level is whatever static geometry the game built into the physics world. A
// flat, wide box is drawn as floor (checker shading); a ground far below the lowest
// floor keeps a level from floating in the sky.
void SceneRenderer::drawLevel(const std::vector<ferrum::BodyDesc>& level) {
  float groundY = 0;
  bool any = false;
  for (const ferrum::BodyDesc& d : level) {
    const float bottom = d.transform.position.y - d.size.y;
    groundY = any ? std::min(groundY, bottom) : bottom;
    any = true;
  }
  drawMesh(m_meshes.cube, placed({0, groundY - 0.6f, 0}, {150, 0.5f, 150}), {0.36f, 0.42f, 0.33f, 1});
  const Rgba floorColour{0.62f, 0.64f, 0.66f, 1}, wallColour{0.46f, 0.5f, 0.58f, 1};
  for (const ferrum::BodyDesc& d : level) {
    const Mat4 body = modelMatrix(d.transform, {1, 1, 1});
    if (d.shape == ferrum::Shape::Sphere) {
      drawMesh(m_meshes.sphere, body * placed({}, {d.size.x, d.size.x, d.size.x}), wallColour);
      continue;
    }
    const bool floor = d.shape == ferrum::Shape::Box && d.size.y * 4 <= std::min(d.size.x, d.size.z);
    drawMesh(m_meshes.cube, body * placed({}, d.size), floor ? floorColour : wallColour, 0, floor);
  }
}

// Entities are shown where the remote view says (body plus the fading correction),
// not at the raw body; ghosts at the newest received pose.
void SceneRenderer::drawEntity(const EntityDraw& entity) {
  const ferrum::Visual& v = entity.visual;
  const Rgba colour = entity.colour;
  const Mat4 body = modelMatrix(entity.pose, {1, 1, 1});
  switch (v.shape) {
  case ferrum::Shape::Box:
    drawMesh(m_meshes.cube, body * placed({}, v.size), colour);
    break;
  case ferrum::Shape::Sphere:
    drawMesh(m_meshes.sphere, body * placed({}, {v.size.x, v.size.x, v.size.x}), colour);
    break;
  case ferrum::Shape::Capsule: {
    const float r = v.size.x, h = v.size.y;
    drawMesh(m_meshes.cylinder, body * placed({}, {r, h, r}), colour);
    drawMesh(m_meshes.hemisphere, body * placed({0, h, 0}, {r, r, r}), colour);
    drawMesh(m_meshes.hemisphere, body * placed({0, -h, 0}, {r, -r, r}), colour);
    break;
  }
  }
}

void SceneRenderer::drawShadow(const EntityDraw& entity) {
  const ferrum::Visual& v = entity.visual;
  const ferrum::Vec3 p = entity.pose.position;
  const float radius = v.shape == ferrum::Shape::Box ? std::max(v.size.x, v.size.z) * 1.2f : v.size.x * 1.1f;
  const float height = std::max(0.0f, p.y);
  const float strength = std::clamp(0.45f - height * 0.05f, 0.0f, 0.45f); // fades as the body rises
  if (strength <= 0) return;
  drawMesh(m_meshes.sphere, placed({p.x, 0.01f, p.z}, {radius, 0.005f, radius}), {0, 0, 0, strength}, 1);
}

void SceneRenderer::drawEffects(const EffectsView& effects) {
  for (const Shell& s : effects.shells()) {
    const float t = s.age / s.life;
    const float r = s.maxRadius * (0.2f + 0.8f * std::sqrt(t));
    drawMesh(m_meshes.sphere, placed(s.position, {r, r, r}), {1.0f, 0.6f, 0.2f, 0.55f * (1 - t)}, 0.85f);
  }
  for (const Particle& p : effects.particles()) {
    const float t = p.age / p.life;
    const float size = 0.05f * (1 - t * 0.5f);
    drawMesh(m_meshes.cube, placed(p.position, {size, size, size}), {1.0f, 0.85f - 0.5f * t, 0.3f - 0.3f * t, 1 - t}, 1);
  }
}

} // namespace viewer
