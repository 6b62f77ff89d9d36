#pragma once
// The sound card side of the viewer: an SDL audio device whose callback pulls from a
// SoundSynth. Without a usable device (a headless machine, no driver) the viewer
// runs silent and says why once.

#include <SDL.h>

#include <memory>
#include <string>
#include <vector>

#include "viewer/sound_synth.h"

namespace viewer {

class AudioOutput {
public:
  AudioOutput() = default;
  AudioOutput(const AudioOutput&) = delete;
  AudioOutput& operator=(const AudioOutput&) = delete;
  ~AudioOutput();

  /// Opens the default output device; false (with `why`) if there is none.
  bool open(std::string& why);
  /// Starts the sounds of `effects` as heard by `listener` (nothing while muted).
  void play(const std::vector<ferrum::Effect>& effects, const Listener& listener);
  void setMuted(bool muted) { m_muted = muted; }

private:
  static void callback(void* self, Uint8* stream, int bytes);

  SDL_AudioDeviceID m_device = 0;
  std::unique_ptr<SoundSynth> m_synth;
  bool m_muted = false;
};

} // namespace viewer
