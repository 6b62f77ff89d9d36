#include "tests/fuzz/snapshot_scene.h"

#include <cmath>

namespace fuzzing {

std::vector<ferrum::snapshot::CubeState> sceneFrame(int frame) {
  std::vector<ferrum::snapshot::CubeState> cubes;
  const float t = static_cast<float>(frame) / 60.0f;
  for (int i = 0; i < kSceneCubes; ++i) {
    const bool moving = i % 5 == 0;
    const float phase = moving ? t * (1.0f + static_cast<float>(i) * 0.1f) : 0.0f;
    ferrum::Transform pose;
    pose.position = {static_cast<float>(i % 8) * 2.0f + std::sin(phase), static_cast<float>(i / 8) * 2.0f,
                     0.5f + (moving ? std::fabs(std::sin(phase * 2.0f)) : 0.0f)};
    const float half = phase * 0.5f;
    pose.orientation = {0, 0, std::sin(half), std::cos(half)};
    cubes.push_back(ferrum::snapshot::quantizeCube(pose, i == 0));
  }
  return cubes;
}

std::vector<std::vector<uint8_t>> encodeScene(ferrum::snapshot::SnapshotSender& sender, int firstFrame, int frames) {
  std::vector<std::vector<uint8_t>> packets;
  for (int f = firstFrame; f < firstFrame + frames; ++f) {
    ferrum::snapshot::EncodeInfo info;
    packets.push_back(sender.encode(sceneFrame(f), &info));
    sender.onAck(info.sequence);
  }
  return packets;
}

} // namespace fuzzing
