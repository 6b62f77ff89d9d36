#include "viewer/viewer.h"

#include <SDL.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "ferrum/host.h"
#include "viewer/camera.h"
#include "viewer/audio_output.h"
#include "viewer/effects_view.h"
#include "viewer/net_history.h"
#include "viewer/net_thread.h"
#include "viewer/overlay.h"
#include "viewer/scene_renderer.h"
#include "viewer/screenshot.h"
#include "viewer/server_list.h"

namespace viewer {

namespace {

/// A client's link as the window says it: connecting, refused or lost (with the
/// server's reason); empty once joined, and always on a server.
std::string connectionState(const ferrum::Host& host) {
  if (host.role() == ferrum::Role::Server) return {};
  const ferrum::NetManager& net = host.net();
  if (net.disconnected()) {
    const std::string reason = net.disconnectReason().empty() ? "no reason given" : net.disconnectReason();
    return (net.localPeer() != ferrum::kNoPeer ? "server lost: " : "could not join: ") + reason;
  }
  if (!net.joined()) return "connecting...";
  return {};
}

constexpr double kFrameSeconds = 1.0 / 60;

/// The camera hears: from its eye, its right hand to the right of where it looks.
Listener listenerAt(const Camera& camera) {
  const ferrum::Vec3 look = camera.centre() - camera.eye();
  const float flat = std::sqrt(look.x * look.x + look.z * look.z);
  Listener listener;
  listener.position = camera.eye();
  if (flat > 1e-4f) listener.right = {-look.z / flat, 0, look.x / flat};
  return listener;
}

/// SDL, window, GL context and ImGui, torn down in reverse order whatever happens.
class Window {
public:
  bool open(const ViewerOptions& options, std::string& error) {
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
      error = std::string("SDL_Init: ") + SDL_GetError();
      return false;
    }
    m_sdl = true;
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 24);
    m_window = SDL_CreateWindow(options.title.c_str(), SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, options.width,
                                options.height, SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (!m_window) {
      error = std::string("SDL_CreateWindow: ") + SDL_GetError();
      return false;
    }
    m_context = SDL_GL_CreateContext(m_window);
    if (!m_context) {
      error = std::string("OpenGL 3.3 core context: ") + SDL_GetError();
      return false;
    }
    SDL_GL_MakeCurrent(m_window, m_context);
    // A screenshot run must not wait for a display's refresh; the loop paces itself.
    SDL_GL_SetSwapInterval(options.screenshotPath.empty() ? 1 : 0);
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    m_imgui = true;
    ImGui::GetIO().IniFilename = nullptr; // never litter the working directory
    ImGui::StyleColorsDark();
    ImGui::GetStyle().WindowRounding = 6;
    ImGui::GetStyle().FrameRounding = 3;
    ImGui_ImplSDL2_InitForOpenGL(m_window, m_context);
    ImGui_ImplOpenGL3_Init("#version 330 core");
    ImGui_ImplOpenGL3_CreateDeviceObjects(); // now, not in the first frame's locked part
    spdlog::info("viewer: {} on {}", reinterpret_cast<const char*>(glGetString(GL_VERSION)),
                 reinterpret_cast<const char*>(glGetString(GL_RENDERER)));
    return true;
  }
  ~Window() {
    if (m_imgui) {
      ImGui_ImplOpenGL3_Shutdown();
      ImGui_ImplSDL2_Shutdown();
      ImGui::DestroyContext();
    }
    if (m_context) SDL_GL_DeleteContext(m_context);
    if (m_window) SDL_DestroyWindow(m_window);
    if (m_sdl) SDL_Quit();
  }
  SDL_Window* window() const { return m_window; }

private:
  bool m_sdl = false, m_imgui = false;
  SDL_Window* m_window = nullptr;
  SDL_GLContext m_context = nullptr;
};

/// Keyboard and mouse to move input, camera turns and the game's click action.
class Controls {
public:
  explicit Controls(bool capture) { setCaptured(capture); }

  /// Returns false when the user asked to quit.
  bool handle(const SDL_Event& e, Camera& camera, OverlayState& overlay, const ViewerHooks& hooks) {
    ImGui_ImplSDL2_ProcessEvent(&e);
    switch (e.type) {
    case SDL_QUIT:
      return false;
    case SDL_KEYDOWN:
      if (e.key.keysym.sym == SDLK_ESCAPE) setCaptured(!m_captured);
      if (e.key.keysym.sym == SDLK_F1) overlay.showStats = !overlay.showStats;
      if (e.key.keysym.sym == SDLK_F2) overlay.showServerList = !overlay.showServerList;
      break;
    case SDL_MOUSEMOTION:
      if (m_captured || (e.motion.state & SDL_BUTTON_RMASK))
        camera.turn(static_cast<float>(e.motion.xrel), static_cast<float>(e.motion.yrel));
      break;
    case SDL_MOUSEBUTTONDOWN:
      if (e.button.button == SDL_BUTTON_LEFT && (m_captured || !ImGui::GetIO().WantCaptureMouse)) {
        if (!m_captured) setCaptured(true); // first click into the window only grabs the mouse
        else if (hooks.primaryAction) hooks.primaryAction(normalized(camera.centre() - camera.eye()));
      }
      break;
    default:
      break;
    }
    return true;
  }

  MoveInput input(const Camera& camera) const {
    MoveInput in;
    if (ImGui::GetIO().WantCaptureKeyboard) return in;
    const Uint8* keys = SDL_GetKeyboardState(nullptr);
    const float forward = static_cast<float>(keys[SDL_SCANCODE_W] - keys[SDL_SCANCODE_S]);
    const float right = static_cast<float>(keys[SDL_SCANCODE_D] - keys[SDL_SCANCODE_A]);
    camera.toWorld(forward, right, in.moveX, in.moveZ);
    in.jump = keys[SDL_SCANCODE_SPACE] != 0;
    return in;
  }

private:
  void setCaptured(bool captured) {
    // Relative mode can fail without a real display (offscreen driver): then stay free.
    m_captured = captured && SDL_SetRelativeMouseMode(SDL_TRUE) == 0;
    if (!m_captured) SDL_SetRelativeMouseMode(SDL_FALSE);
    ImGuiIO& io = ImGui::GetIO();
    if (m_captured) io.ConfigFlags |= ImGuiConfigFlags_NoMouse;
    else io.ConfigFlags &= ~ImGuiConfigFlags_NoMouse;
  }
  bool m_captured = false;
};

} // namespace

bool runViewer(const ViewerOptions& options, const ViewerHooks& hooks, std::string& error) {
  Window window;
  if (!window.open(options, error)) return false;
  SceneRenderer renderer;
  if (!renderer.init(error)) return false;
  ferrum::Host& host = *hooks.host;
  ferrum::NetManager& net = host.net();
  ferrum::Effects& peerEffects = host.effects();
  const bool screenshot = !options.screenshotPath.empty();
  Controls controls(!screenshot);
  Camera camera;
  EffectsView effects;
  NetHistory history;
  Overlay overlay;
  OverlayState overlayState;
  overlayState.showGhosts = options.ghosts;
  overlayState.sound = options.sound;
  AudioOutput audio;
  if (std::string why; options.sound && !audio.open(why)) spdlog::warn("viewer: silent ({})", why);
  ServerList servers(options.discoveryTarget, options.discoveryPort);

  // From here on the host runs on its own thread (viewer/net_thread.h says why);
  // every touch of it below holds its lock. Declared last: stopped first on return.
  NetThread network(host);

  const double start = ferrum::steadySeconds();
  double shotDue = start; // when the screenshot's frame count was reached
  double lastFrame = start;
  float fps = 0;
  int framesThisSecond = 0;
  double secondStart = start;
  for (int frame = 1;; ++frame) {
    const double now = ferrum::steadySeconds();
    if (options.durationSeconds > 0 && now - start >= options.durationSeconds) break;
    const float dt = static_cast<float>(std::min(0.1, now - lastFrame));
    if (++framesThisSecond, now - secondStart >= 1.0) {
      fps = static_cast<float>(framesThisSecond / (now - secondStart));
      framesThisSecond = 0;
      secondStart = now;
    }
    lastFrame = now;

    int width = 0, height = 0;
    SDL_GL_GetDrawableSize(window.window(), &width, &height);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    SceneFrame scene;
    {
      // Building the frame: brief, and the only part of it that reads the host.
      std::lock_guard<std::mutex> hostLock(network.mutex());
      if (hooks.stop && hooks.stop()) break;
      SDL_Event event;
      bool quit = false;
      while (SDL_PollEvent(&event))
        if (!controls.handle(event, camera, overlayState, hooks)) quit = true;
      if (quit) break;
      const ferrum::EntityId self = hooks.localPlayer ? hooks.localPlayer() : ferrum::kNullEntity;
      if (hooks.setInput) hooks.setInput(controls.input(camera));

      audio.setMuted(!overlayState.sound);
      audio.play(peerEffects.pending(), listenerAt(camera));
      effects.absorb(peerEffects.pending());
      peerEffects.clearPending();
      effects.advance(dt);
      if (hooks.everyFrame) hooks.everyFrame();
      const ferrum::NetStats stats = net.stats();
      history.update(stats, now);
      servers.poll();

      if (const ferrum::Entity* me = self.isNull() ? nullptr : net.group().find(self)) {
        camera.setDistance(9);
        camera.follow(me->displayTransform().position, dt);
      } else {
        camera.setDistance(34); // nobody to follow: look over the whole level
        camera.follow({0, 0, 0}, dt);
      }
      scene = captureScene(net.group(), overlayState.showGhosts);
      renderer.setView(camera, width, height);

      ImGui::NewFrame();
      overlay.drawWorldLabels(net.group(), effects, renderer.viewProj(), hooks.label, overlayState);
      overlay.draw({stats, history, hooks.lossRatio ? hooks.lossRatio() : -1.0f, options.title, self, fps,
                    &net.group(), &hooks.controlsLegend, connectionState(host)},
                   overlayState);
      servers.draw(overlayState.showServerList);
      ImGui::Render(); // the draw data is ImGui's own copy
    }

    // Drawing, unlocked: the network thread keeps ticking and acknowledging meanwhile.
    renderer.draw(scene, effects, camera, width, height);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (options.slowFrameMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(options.slowFrameMs));

    const bool waitedEnough = options.explosionWaitSeconds <= 0 || effects.explosionShowing() ||
                              now - shotDue >= options.explosionWaitSeconds;
    if (screenshot && frame < options.frames) shotDue = now;
    if (screenshot && frame >= options.frames && waitedEnough) {
      if (!writeScreenshot(options.screenshotPath, width, height, error)) return false;
      spdlog::info("viewer: wrote {} ({}x{}, frame {})", options.screenshotPath, width, height, frame);
      return true;
    }
    SDL_GL_SwapWindow(window.window());
    // Without vsync (screenshots, some drivers) the swap returns at once: hold to the
    // frame rate rather than spin, the network being another thread's business.
    const double due = lastFrame + kFrameSeconds;
    if (const double left = due - ferrum::steadySeconds(); left > 0)
      std::this_thread::sleep_for(std::chrono::duration<double>(left));
  }
  // Stopped (window closed, signal, server lost) before a requested screenshot: that
  // run did not do what it was asked.
  if (screenshot) {
    error = "stopped before the screenshot was taken (" + std::to_string(options.frames) + " frames asked)";
    return false;
  }
  return true;
}

} // namespace viewer
