#pragma once
// A deterministic stream of snapshots (cubes sliding and turning), shared by the
// snapshot fuzz target, which primes a receiver with its first packets, and the seed
// generator, which records the packets that follow: deltas against baselines that
// the primed receiver really holds.

#include <cstdint>
#include <vector>

#include "ferrum/snapshot_codec.h"

namespace fuzzing {

constexpr int kSceneCubes = 48;
constexpr int kPrimingFrames = 8;

/// The codec's settings on both ends: the defaults but for a wire limit of 64 objects
/// (the scene has 48) and a ring of 16 baselines (the priming leaves 8). Each is about
/// speed, neither changes a code path the fuzzer can reach: the decoder sorts as many
/// keys as a header claims objects before it reads the body, and at the default limit
/// (4096) mutated headers made that 70 % of the target's time; each input starts from
/// a copy of the primed receiver, and a ring of 128 made the copy a quarter of it.
inline ferrum::snapshot::SnapshotConfig sceneConfig() {
  ferrum::snapshot::SnapshotConfig config;
  config.maxObjects = 64;
  config.ringSize = 16;
  return config;
}

/// The scene at `frame`: some cubes move, most rest, one is "interacting".
std::vector<ferrum::snapshot::CubeState> sceneFrame(int frame);

/// Encodes frames [0, frames) with one sender, acking every packet at once; returns
/// each packet. The sender stays ready to encode frame `frames` next.
std::vector<std::vector<uint8_t>> encodeScene(ferrum::snapshot::SnapshotSender& sender, int firstFrame, int frames);

} // namespace fuzzing
