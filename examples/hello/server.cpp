// hello-server: drops a ball every 2 s and reports each peer's first ball.
//   hello-server [--port N] [--port-file FILE] [--seconds S]
#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include "ball.h"

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0); // a line at a time, even into a file
  ferrum::HostDef def = hello::gameDef(ferrum::Role::Server); // listens on 127.0.0.1
  std::string portFile;
  double seconds = 30;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    if (option == "--port") def.enet.port = static_cast<uint16_t>(std::stoi(argv[i + 1])); // 0: any free port
    if (option == "--port-file") portFile = argv[i + 1];
    if (option == "--seconds") seconds = std::stod(argv[i + 1]);
  }
  if (argc % 2 == 0) { // an option without its value, or --help
    std::printf("usage: hello-server [--port N] [--port-file FILE] [--seconds S]\n");
    return std::string(argv[argc - 1]) == "--help" ? 0 : 2;
  }
  std::string error;
  auto host = ferrum::Host::create(def, error);
  if (!host) return std::fprintf(stderr, "hello-server: %s\n", error.c_str()), 1;
  std::printf("hello-server: listening on 127.0.0.1:%u\n", host->port());
  if (!portFile.empty()) std::ofstream(portFile) << host->port() << '\n';

  std::set<ferrum::PeerId> owners;
  auto joined = host->net().onPeerJoined.listen([](ferrum::PeerId p) { std::printf("hello-server: client %u joined\n", p); });
  auto spawned = host->group().onSpawned.listen([&](ferrum::Entity& ball) {
    if (owners.insert(ball.authority()).second) std::printf("hello-server: first ball of peer %u\n", ball.authority());
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
