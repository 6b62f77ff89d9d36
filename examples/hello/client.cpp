// hello-client: joins a hello-server, throws its own ball, and exits 0 once it has
// seen a server ball move through the network and heard a bounce.
//   hello-client HOST:PORT
#include <cstdio>
#include <string>

#include "ball.h"

int main(int argc, char** argv) {
  const std::string address = argc > 1 ? argv[1] : "--help";
  const size_t colon = address.rfind(':');
  if (address == "--help" || colon == std::string::npos) {
    std::printf("usage: hello-client HOST:PORT   (e.g. 127.0.0.1:27960)\n");
    return address == "--help" ? 0 : 2;
  }
  std::string error;
  auto host = ferrum::Host::create(hello::gameDef(ferrum::Role::Client), error);
  if (!host || !host->connect(address.substr(0, colon), static_cast<uint16_t>(std::stoi(address.substr(colon + 1)))))
    return std::fprintf(stderr, "hello-client: cannot start: %s\n", error.c_str()), 1;
  ferrum::Subscription joined = host->net().onJoined.listen([&](ferrum::PeerId self) {
    std::printf("hello-client: joined as peer %u\n", self);
    ferrum::SpawnState toss;
    toss.transform.position = {1, 2, 0};
    toss.linearVelocity = {0, 4, 0};
    host->net().spawn(hello::kBallType, toss);
  });
  float firstY = -1, lastY = -1;
  auto sawEnough = [&] {
    host->group().forEach([&](const ferrum::Entity& e) {
      if (e.authority() != ferrum::kServerPeer) return;
      lastY = e.body().position().y;
      if (firstY < 0) firstY = lastY;
    });
    return firstY >= 0 && lastY != firstY && host->effects().count(ferrum::EffectKind::Sound) > 0;
  };
  host->run(15, sawEnough);
  const bool ok = sawEnough();
  std::printf("hello-client: server ball moved %.2f m -> %.2f m, bounces heard %llu: %s\n", firstY, lastY,
              static_cast<unsigned long long>(host->effects().count(ferrum::EffectKind::Sound)), ok ? "ok" : "FAILED");
  host->shutdown();
  return ok ? 0 : 1;
}
