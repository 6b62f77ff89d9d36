#include "viewer/audio_output.h"

namespace viewer {

AudioOutput::~AudioOutput() {
  if (m_device != 0) SDL_CloseAudioDevice(m_device);
  if (m_synth) SDL_QuitSubSystem(SDL_INIT_AUDIO); // the synth is made once the subsystem is up
}

bool AudioOutput::open(std::string& why) {
  if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
    why = std::string("SDL audio: ") + SDL_GetError();
    return false;
  }
  SDL_AudioSpec want{}, have{};
  want.freq = 48000;
  want.format = AUDIO_F32SYS;
  want.channels = 2;
  want.samples = 1024; // ~21 ms: late enough never to starve, soon enough to match the picture
  want.callback = &AudioOutput::callback;
  want.userdata = this;
  m_synth = std::make_unique<SoundSynth>(want.freq);
  m_device = SDL_OpenAudioDevice(nullptr, 0, &want, &have, 0); // we get exactly what we asked for
  if (m_device == 0) {
    why = std::string("no audio device: ") + SDL_GetError();
    return false;
  }
  SDL_PauseAudioDevice(m_device, 0);
  return true;
}

void AudioOutput::play(const std::vector<ferrum::Effect>& effects, const Listener& listener) {
  if (m_device == 0 || m_muted || effects.empty()) return;
  SDL_LockAudioDevice(m_device); // the callback runs on SDL's audio thread
  for (const ferrum::Effect& e : effects) m_synth->trigger(e, listener);
  SDL_UnlockAudioDevice(m_device);
}

void AudioOutput::callback(void* self, Uint8* stream, int bytes) {
  auto* out = static_cast<AudioOutput*>(self);
  out->m_synth->render(reinterpret_cast<float*>(stream), bytes / static_cast<int>(2 * sizeof(float)));
}

} // namespace viewer
