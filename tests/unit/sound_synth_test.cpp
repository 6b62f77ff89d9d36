// The viewer's synthesized sounds, listened to in the buffer: an explosion is heard,
// stays within [-1, 1], comes from its side, fades with distance and ends in silence;
// light makes no sound; voices are capped.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "viewer/sound_synth.h"

using namespace ferrum;
using viewer::Listener;
using viewer::SoundSynth;

namespace {

constexpr int kRate = 48000;

struct Loudness {
  double left = 0, right = 0, peak = 0;
};

/// Renders `seconds` in 1024-frame blocks (as the audio callback would) and sums energy.
Loudness listen(SoundSynth& synth, double seconds) {
  Loudness l;
  std::vector<float> block(2 * 1024);
  for (int done = 0; done < seconds * kRate; done += 1024) {
    synth.render(block.data(), 1024);
    for (size_t i = 0; i < block.size(); i += 2) {
      l.left += block[i] * block[i];
      l.right += block[i + 1] * block[i + 1];
      l.peak = std::max({l.peak, double(std::fabs(block[i])), double(std::fabs(block[i + 1]))});
    }
  }
  return l;
}

Effect blast(Vec3 at) { return {EffectKind::Explosion, at, 4.0f, {}}; }

} // namespace

TEST(SoundSynth, AnExplosionIsHeardWithinRangeAndEndsInSilence) {
  SoundSynth synth(kRate);
  synth.trigger(blast({0, 0, -3}), Listener{});
  EXPECT_EQ(synth.liveVoices(), 1u);
  const Loudness first = listen(synth, 0.5);
  EXPECT_GT(first.left + first.right, 1.0);
  EXPECT_LE(first.peak, 1.0);
  listen(synth, 1.5); // the blast lasts 1.4 s
  EXPECT_EQ(synth.liveVoices(), 0u);
  const Loudness after = listen(synth, 0.1);
  EXPECT_EQ(after.left + after.right, 0.0);
}

TEST(SoundSynth, ItComesFromItsSideAndFadesWithDistance) {
  SoundSynth right(kRate), near(kRate), far(kRate);
  right.trigger(blast({5, 0, 0}), Listener{}); // the listener's right is +x
  near.trigger(blast({0, 0, -2}), Listener{});
  far.trigger(blast({0, 0, -60}), Listener{});
  const Loudness r = listen(right, 0.5), n = listen(near, 0.5), f = listen(far, 0.5);
  EXPECT_GT(r.right, 10 * r.left);
  EXPECT_GT(n.left + n.right, 4 * (f.left + f.right));
}

TEST(SoundSynth, LightIsSilentAndVoicesAreCapped) {
  SoundSynth synth(kRate);
  synth.trigger({EffectKind::Light, {0, 0, 0}, 8.0f, {}}, Listener{});
  EXPECT_EQ(synth.liveVoices(), 0u);
  for (int i = 0; i < 100; ++i) synth.trigger({EffectKind::Spark, {0, 0, -1}, 5.0f, {}}, Listener{});
  EXPECT_EQ(synth.liveVoices(), SoundSynth::kMaxVoices);
  const Loudness l = listen(synth, 0.2);
  EXPECT_LE(l.peak, 1.0) << "many sounds at once saturate, never exceed full scale";
  EXPECT_EQ(synth.liveVoices(), 0u); // sparks last 80 ms
}
