#pragma once
// Reads the current GL framebuffer and writes it as a PNG.

#include <string>

namespace viewer {

/// Reads `width` x `height` pixels of the back buffer (call before swapping) and writes
/// them to `path`. False (with a message) on failure.
bool writeScreenshot(const std::string& path, int width, int height, std::string& error);

} // namespace viewer
