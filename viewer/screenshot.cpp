#include "viewer/screenshot.h"

#include <stb_image_write.h>

#include <algorithm>
#include <vector>

#include "viewer/gl.h"

namespace viewer {

bool writeScreenshot(const std::string& path, int width, int height, std::string& error) {
  const size_t stride = static_cast<size_t>(width) * 3;
  std::vector<unsigned char> pixels(stride * static_cast<size_t>(height));
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  // GL's rows run bottom-up; PNG's top-down.
  std::vector<unsigned char> flipped(pixels.size());
  for (int y = 0; y < height; ++y)
    std::copy_n(pixels.begin() + static_cast<std::ptrdiff_t>(stride * static_cast<size_t>(height - 1 - y)), stride,
                flipped.begin() + static_cast<std::ptrdiff_t>(stride * static_cast<size_t>(y)));
  if (!stbi_write_png(path.c_str(), width, height, 3, flipped.data(), static_cast<int>(stride))) {
    error = "cannot write " + path;
    return false;
  }
  return true;
}

} // namespace viewer
