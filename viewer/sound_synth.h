#pragma once
// The viewer's sounds, synthesized from the effects themselves (no sound files): an
// explosion is a rumble of low-passed noise over a falling low tone, a spark a short
// hiss, a bounce a falling blip. Plain code without SDL, so the audio device only
// pulls samples and tests can listen to the buffer.

#include <cstdint>
#include <vector>

#include "ferrum/effects.h"

namespace viewer {

/// Where the sound is heard from: the camera's eye and the unit vector to its right.
struct Listener {
  ferrum::Vec3 position;
  ferrum::Vec3 right{1, 0, 0};
};

class SoundSynth {
public:
  explicit SoundSynth(int sampleRate) : m_rate(sampleRate) {}

  /// Starts the effect's sound as heard by `listener`: quieter with distance, panned
  /// by side. Light is silent. At most kMaxVoices play at once (the oldest gives way).
  void trigger(const ferrum::Effect& effect, const Listener& listener);
  /// Writes `frames` frames of interleaved stereo into `out` (overwriting it), each
  /// sample in [-1, 1], and advances every voice.
  void render(float* out, int frames);
  size_t liveVoices() const { return m_voices.size(); }

  static constexpr size_t kMaxVoices = 24;

private:
  struct Voice {
    ferrum::EffectKind kind;
    int64_t age = 0;    ///< samples played
    int64_t length = 0; ///< samples in all
    float left = 0, right = 0;
    float loudness = 1;
    float phase = 0;
    float lowpass = 0;
  };
  float sample(Voice& v);
  float noise();

  int m_rate;
  uint32_t m_noise = 0x9E3779B9u;
  std::vector<Voice> m_voices;
};

} // namespace viewer
