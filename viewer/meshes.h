#pragma once
// The few unit meshes every entity is drawn from: a cube (half extent 1), a sphere
// (radius 1), a hemisphere and an open cylinder (radius 1, half height 1). A capsule
// is a cylinder plus two hemispheres, so its caps stay round at any length.

#include <vector>

#include "viewer/gl.h"

namespace viewer {

class Mesh {
public:
  Mesh() = default;
  ~Mesh();
  Mesh(const Mesh&) = delete;
  Mesh& operator=(const Mesh&) = delete;

  /// `vertices`: interleaved position (3 floats) and normal (3 floats).
  void upload(const std::vector<float>& vertices, const std::vector<unsigned>& indices);
  void draw() const;

private:
  GLuint m_vao = 0, m_vbo = 0, m_ebo = 0;
  GLsizei m_count = 0;
};

struct Meshes {
  Mesh cube, sphere, hemisphere, cylinder;
  /// Builds every mesh; needs a current GL context.
  void build();
};

} // namespace viewer
