#pragma once
/// What a viewer draws for an entity. Pure description: no GPU resources here.

#include <cstdint>

#include "ferrum/math.h"

namespace ferrum {

enum class Shape : uint8_t { Box, Sphere, Capsule };

struct Visual {
  Shape shape = Shape::Box;
  /// Box: half extents. Sphere: x = radius. Capsule: x = radius, y = half height of the cylinder part.
  Vec3 size{0.5f, 0.5f, 0.5f};
  /// 0xRRGGBBAA.
  uint32_t rgba = 0xC0C0C0FF;
};

} // namespace ferrum
