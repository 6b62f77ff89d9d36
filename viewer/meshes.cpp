#include "viewer/meshes.h"

#include <cmath>
#include <numbers>

namespace viewer {

namespace {

struct Builder {
  std::vector<float> vertices;
  std::vector<unsigned> indices;

  unsigned add(float px, float py, float pz, float nx, float ny, float nz) {
    vertices.insert(vertices.end(), {px, py, pz, nx, ny, nz});
    return static_cast<unsigned>(vertices.size() / 6 - 1);
  }
};

void buildCube(Mesh& mesh) {
  Builder b;
  // One quad per face, with its own normals so the edges stay sharp.
  const float faces[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
  for (const auto& n : faces) {
    float a[3], c[3];
    if (n[0] != 0) a[0] = 0, a[1] = 1, a[2] = 0, c[0] = 0, c[1] = 0, c[2] = n[0];
    else if (n[1] != 0) a[0] = 0, a[1] = 0, a[2] = 1, c[0] = n[1], c[1] = 0, c[2] = 0;
    else a[0] = 1, a[1] = 0, a[2] = 0, c[0] = 0, c[1] = n[2], c[2] = 0;
    // a x c == n for every face above, so (a, c) is a right-handed frame on the face.
    const unsigned first = static_cast<unsigned>(b.vertices.size() / 6);
    for (int corner = 0; corner < 4; ++corner) {
      const float s = (corner == 1 || corner == 2) ? 1.0f : -1.0f;
      const float t = corner >= 2 ? 1.0f : -1.0f;
      b.add(n[0] + s * a[0] + t * c[0], n[1] + s * a[1] + t * c[1], n[2] + s * a[2] + t * c[2], n[0], n[1], n[2]);
    }
    b.indices.insert(b.indices.end(), {first, first + 1, first + 2, first, first + 2, first + 3});
  }
  mesh.upload(b.vertices, b.indices);
}

/// Latitude rings from `fromLat` to `toLat` (radians, -pi/2 = south pole).
void buildSphereBand(Mesh& mesh, float fromLat, float toLat, int rings, int segments) {
  Builder b;
  for (int r = 0; r <= rings; ++r) {
    const float lat = fromLat + (toLat - fromLat) * static_cast<float>(r) / static_cast<float>(rings);
    for (int s = 0; s <= segments; ++s) {
      const float lon = 2 * std::numbers::pi_v<float> * static_cast<float>(s) / static_cast<float>(segments);
      const float x = std::cos(lat) * std::cos(lon), y = std::sin(lat), z = -std::cos(lat) * std::sin(lon);
      b.add(x, y, z, x, y, z);
    }
  }
  const unsigned stride = static_cast<unsigned>(segments + 1);
  for (unsigned r = 0; r < static_cast<unsigned>(rings); ++r)
    for (unsigned s = 0; s < static_cast<unsigned>(segments); ++s) {
      const unsigned i = r * stride + s;
      b.indices.insert(b.indices.end(), {i, i + 1, i + stride + 1, i, i + stride + 1, i + stride});
    }
  mesh.upload(b.vertices, b.indices);
}

void buildCylinder(Mesh& mesh, int segments) {
  Builder b;
  for (int s = 0; s <= segments; ++s) {
    const float lon = 2 * std::numbers::pi_v<float> * static_cast<float>(s) / static_cast<float>(segments);
    const float x = std::cos(lon), z = -std::sin(lon);
    b.add(x, -1, z, x, 0, z);
    b.add(x, 1, z, x, 0, z);
  }
  for (unsigned s = 0; s < static_cast<unsigned>(segments); ++s) {
    const unsigned i = s * 2;
    b.indices.insert(b.indices.end(), {i, i + 2, i + 3, i, i + 3, i + 1});
  }
  mesh.upload(b.vertices, b.indices);
}

} // namespace

Mesh::~Mesh() {
  if (m_vao) glDeleteVertexArrays(1, &m_vao);
  if (m_vbo) glDeleteBuffers(1, &m_vbo);
  if (m_ebo) glDeleteBuffers(1, &m_ebo);
}

void Mesh::upload(const std::vector<float>& vertices, const std::vector<unsigned>& indices) {
  glGenVertexArrays(1, &m_vao);
  glGenBuffers(1, &m_vbo);
  glGenBuffers(1, &m_ebo);
  glBindVertexArray(m_vao);
  glBindBuffer(GL_ARRAY_BUFFER, m_vbo);
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(vertices.size() * sizeof(float)), vertices.data(),
               GL_STATIC_DRAW);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, m_ebo);
  glBufferData(GL_ELEMENT_ARRAY_BUFFER, static_cast<GLsizeiptr>(indices.size() * sizeof(unsigned)), indices.data(),
               GL_STATIC_DRAW);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, 6 * sizeof(float), nullptr);
  glEnableVertexAttribArray(1);
  glVertexAttribPointer(1, 3, GL_FLOAT, GL_FALSE, 6 * sizeof(float), reinterpret_cast<void*>(3 * sizeof(float)));
  glBindVertexArray(0);
  m_count = static_cast<GLsizei>(indices.size());
}

void Mesh::draw() const {
  glBindVertexArray(m_vao);
  glDrawElements(GL_TRIANGLES, m_count, GL_UNSIGNED_INT, nullptr);
}

void Meshes::build() {
  buildCube(cube);
  buildSphereBand(sphere, -std::numbers::pi_v<float> / 2, std::numbers::pi_v<float> / 2, 16, 24);
  buildSphereBand(hemisphere, 0, std::numbers::pi_v<float> / 2, 8, 24);
  buildCylinder(cylinder, 24);
}

} // namespace viewer
