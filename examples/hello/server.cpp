// hello-server: drops a ball every 2 s and reports every ball it hears of.
//   hello-server [--port N] [--port-file F] [--seconds S]
#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include "ball.h"

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0); // a line at a time, even into a file
  uint16_t port = 0;
  std::string portFile;
  double seconds = 30;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || i + 1 >= argc) {
      std::printf("usage: hello-server [--port N] [--port-file FILE] [--seconds S]\n");
      return arg == "--help" ? 0 : 2;
    }
    if (arg == "--port") port = static_cast<uint16_t>(std::stoi(argv[++i]));
    else if (arg == "--port-file") portFile = argv[++i];
    else if (arg == "--seconds") seconds = std::stod(argv[++i]);
  }
  ferrum::HostDef def = hello::gameDef(ferrum::Role::Server);
  def.enet.port = port; // 0: any free port
  std::string error;
  auto host = ferrum::Host::create(def, error);
  if (!host) return std::fprintf(stderr, "hello-server: %s\n", error.c_str()), 1;
  std::printf("hello-server: listening on 127.0.0.1:%u\n", host->port());
  if (!portFile.empty()) std::ofstream(portFile) << host->port() << '\n';

  std::set<ferrum::PeerId> ballOwners;
  ferrum::Subscription joined = host->net().onPeerJoined.listen(
      [](ferrum::PeerId peer) { std::printf("hello-server: client %u joined\n", peer); });
  ferrum::Subscription spawned = host->group().onSpawned.listen([&](ferrum::Entity& ball) {
    if (ballOwners.insert(ball.authority()).second)
      std::printf("hello-server: first ball of peer %u\n", ball.authority());
  });
  double nextDrop = 0;
  host->run(seconds, [&] {
    if (host->uptimeSeconds() >= nextDrop) {
      nextDrop += 2;
      ferrum::SpawnState drop;
      drop.transform.position = {0, 3, 0};
      host->net().spawn(hello::kBallType, drop);
    }
    return false;
  });
  host->shutdown();
  return 0;
}
