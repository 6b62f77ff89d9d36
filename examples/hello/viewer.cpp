// hello-viewer: joins a hello-server and opens ferrum's viewer onto it (the level,
// every ball, the network overlay). Built in this repository only, where the viewer
// lives: a game links the ferrum_viewer target and fills a few hooks.
//   hello-viewer HOST:PORT [--screenshot FILE]
#include <cstdio>
#include <string>

#include "ball.h"
#include "viewer/viewer.h"

int main(int argc, char** argv) {
  const std::string address = argc > 1 ? argv[1] : "--help";
  const size_t colon = address.rfind(':');
  if (address == "--help" || colon == std::string::npos) {
    std::printf("usage: hello-viewer HOST:PORT [--screenshot FILE]\n");
    return address == "--help" ? 0 : 2;
  }
  std::string error;
  auto host = ferrum::Host::create(hello::gameDef(ferrum::Role::Client), error);
  if (!host || !host->connect(address.substr(0, colon), static_cast<uint16_t>(std::stoi(address.substr(colon + 1)))))
    return std::fprintf(stderr, "hello-viewer: cannot start: %s\n", error.c_str()), 1;
  viewer::ViewerOptions options;
  options.title = "hello: balls of " + address;
  if (argc > 3 && std::string(argv[2]) == "--screenshot") options.screenshotPath = argv[3];
  viewer::ViewerHooks hooks;
  hooks.host = host.get();
  hooks.label = [](const ferrum::Entity& ball) { return "ball of peer " + std::to_string(ball.authority()); };
  hooks.stop = [&] { return host->disconnected(); };
  const bool ok = viewer::runViewer(options, hooks, error);
  if (!ok) std::fprintf(stderr, "hello-viewer: %s\n", error.c_str());
  return ok ? 0 : 1;
}
