// libFuzzer target: the snapshot decoder (SnapshotReceiver::decode), without a
// baseline (a fresh receiver) and with baselines (a receiver that decoded the first
// packets of a real stream, so the fuzzer's deltas find their baseline).
//
// Input: [mode:1][snapshot bytes], then the same bytes are decoded a second time (a
// replay). mode bit 0: use the primed receiver.
//
// Invariant checked: whatever decodes Ok holds only valid states.

#include <cstddef>
#include <cstdint>
#include <span>

#include "tests/fuzz/snapshot_scene.h"

namespace {

using namespace ferrum::snapshot;

SnapshotReceiver primedReceiver() {
  SnapshotSender sender(fuzzing::sceneConfig());
  SnapshotReceiver receiver(fuzzing::sceneConfig());
  for (const auto& packet : fuzzing::encodeScene(sender, 0, fuzzing::kPrimingFrames)) receiver.decode(packet);
  return receiver;
}

void checkDecoded(const DecodeResult& r) {
  if (r.status != DecodeStatus::Ok) return;
  if (!r.snapshot) __builtin_trap();
  const Snapshot& s = *r.snapshot;
  if (s.known.size() != s.objects.size()) __builtin_trap();
  for (size_t i = 0; i < s.size(); ++i)
    if (s.has(i) && !isValid(s.objects[i])) __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const SnapshotReceiver primed = primedReceiver();
  static const SnapshotReceiver fresh(fuzzing::sceneConfig());
  if (size < 1) return 0;
  SnapshotReceiver receiver = (data[0] & 1) ? primed : fresh;
  const std::span<const uint8_t> bytes(data + 1, size - 1);
  checkDecoded(receiver.decode(bytes));
  checkDecoded(receiver.decode(bytes));
  return 0;
}
