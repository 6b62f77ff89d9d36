#include "viewer/sound_synth.h"

#include <algorithm>
#include <cmath>

namespace viewer {

namespace {
constexpr float kTwoPi = 6.2831853f;
/// Distance (m) at which a sound is heard at half its loudness.
constexpr float kHalfLoudnessDistance = 8.0f;

float seconds(ferrum::EffectKind kind) {
  switch (kind) {
  case ferrum::EffectKind::Explosion: return 1.4f;
  case ferrum::EffectKind::Spark: return 0.08f;
  case ferrum::EffectKind::Sound: return 0.16f;
  case ferrum::EffectKind::Light: return 0.0f;
  }
  return 0.0f;
}
} // namespace

float SoundSynth::noise() {
  // xorshift32: cheap white noise, the same every run.
  m_noise ^= m_noise << 13;
  m_noise ^= m_noise >> 17;
  m_noise ^= m_noise << 5;
  return static_cast<float>(m_noise) / 2147483648.0f - 1.0f;
}

void SoundSynth::trigger(const ferrum::Effect& effect, const Listener& listener) {
  const float length = seconds(effect.kind);
  if (length <= 0) return;
  Voice v;
  v.kind = effect.kind;
  v.length = static_cast<int64_t>(length * static_cast<float>(m_rate));
  switch (effect.kind) {
  case ferrum::EffectKind::Explosion: v.loudness = 0.9f; break;
  case ferrum::EffectKind::Spark: v.loudness = std::clamp(effect.strength / 10.0f, 0.1f, 0.5f); break;
  default: v.loudness = std::clamp(effect.strength, 0.0f, 1.0f) * 0.5f; break;
  }
  const ferrum::Vec3 away = effect.position - listener.position;
  const float distance = away.length();
  const float gain = v.loudness / (1.0f + distance / kHalfLoudnessDistance);
  // Equal-power pan: -1 fully left, +1 fully right.
  const float pan = distance > 1e-3f ? std::clamp(ferrum::dot(away, listener.right) / distance, -1.0f, 1.0f) : 0.0f;
  v.left = gain * std::sqrt(0.5f * (1.0f - pan));
  v.right = gain * std::sqrt(0.5f * (1.0f + pan));
  if (m_voices.size() >= kMaxVoices) m_voices.erase(m_voices.begin());
  m_voices.push_back(v);
}

float SoundSynth::sample(Voice& v) {
  const float t = static_cast<float>(v.age) / static_cast<float>(m_rate);
  const float rate = static_cast<float>(m_rate);
  switch (v.kind) {
  case ferrum::EffectKind::Explosion: {
    // Noise through a one-pole low-pass that closes as the blast dies, over a tone
    // falling from 70 to 35 Hz; 5 ms attack, then an exponential decay.
    const float cutoff = 1800.0f * std::exp(-t / 0.25f) + 120.0f;
    v.lowpass += (1.0f - std::exp(-kTwoPi * cutoff / rate)) * (noise() - v.lowpass);
    v.phase += kTwoPi * (35.0f + 35.0f * std::exp(-t / 0.3f)) / rate;
    const float envelope = std::min(1.0f, t / 0.005f) * std::exp(-t / 0.35f);
    return envelope * (0.8f * v.lowpass * 2.5f + 0.5f * std::sin(v.phase));
  }
  case ferrum::EffectKind::Spark: {
    // High-passed noise: white noise minus its low-passed self.
    const float n = noise();
    v.lowpass += 0.2f * (n - v.lowpass);
    return std::exp(-t / 0.015f) * (n - v.lowpass);
  }
  case ferrum::EffectKind::Sound: {
    v.phase += kTwoPi * (220.0f + 220.0f * std::exp(-t / 0.04f)) / rate;
    return std::min(1.0f, t / 0.002f) * std::exp(-t / 0.05f) * std::sin(v.phase);
  }
  case ferrum::EffectKind::Light: break;
  }
  return 0.0f;
}

void SoundSynth::render(float* out, int frames) {
  std::fill(out, out + 2 * static_cast<size_t>(std::max(frames, 0)), 0.0f);
  for (Voice& v : m_voices) {
    const int64_t n = std::min<int64_t>(frames, v.length - v.age);
    for (int64_t i = 0; i < n; ++i) {
      const float s = sample(v);
      out[2 * i] += v.left * s;
      out[2 * i + 1] += v.right * s;
      ++v.age;
    }
  }
  std::erase_if(m_voices, [](const Voice& v) { return v.age >= v.length; });
  // Soft clip, so several blasts at once saturate instead of wrapping or clicking.
  for (int i = 0; i < 2 * frames; ++i) out[i] = std::tanh(out[i]);
}

} // namespace viewer
