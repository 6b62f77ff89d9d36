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

/// The scene at `frame`: some cubes move, most rest, one is "interacting".
std::vector<ferrum::snapshot::CubeState> sceneFrame(int frame);

/// Encodes frames [0, frames) with one sender, acking every packet at once; returns
/// each packet. The sender stays ready to encode frame `frames` next.
std::vector<std::vector<uint8_t>> encodeScene(ferrum::snapshot::SnapshotSender& sender, int firstFrame, int frames);

} // namespace fuzzing
