#include "apps/common/discovery_service.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "ferrum/net_config.h"

namespace app {

void addDiscoveryOptions(CLI::App& cli, DiscoveryOptions& options) {
  cli.add_option("--discovery-port", options.port,
                 "UDP port answering LAN discovery (ferrum-client --find); 0: off, -1: any free port")
      ->capture_default_str()
      ->check(CLI::Range(-1, 65535));
  cli.add_option("--discovery-port-file", options.portFile, "write the bound discovery port to this file");
  cli.add_option("--name", options.name, "server name shown by LAN discovery (default: host name)");
}

std::unique_ptr<DiscoveryService> DiscoveryService::start(const DiscoveryOptions& options, ferrum::Host& peer,
                                                          int hostPlayers) {
  if (options.port == 0) return nullptr;
  std::string error;
  auto responder = ferrum::DiscoveryResponder::open(static_cast<uint16_t>(std::max(options.port, 0)), error);
  if (!responder) {
    spdlog::warn("LAN discovery off: {}", error);
    return nullptr;
  }
  std::string name = options.name;
  if (name.empty()) {
    char host[256] = {};
    name = gethostname(host, sizeof(host) - 1) == 0 ? host : "ferrum";
  }
  spdlog::info("answering LAN discovery on UDP port {} as '{}'", responder->boundPort(), name);
  if (!options.portFile.empty()) {
    std::ofstream(options.portFile + ".tmp") << responder->boundPort() << '\n';
    std::rename((options.portFile + ".tmp").c_str(), options.portFile.c_str());
  }
  return std::unique_ptr<DiscoveryService>(new DiscoveryService(std::move(responder), peer, name, hostPlayers));
}

void DiscoveryService::poll() {
  m_responder->poll([this] {
    const ferrum::NetStats stats = m_peer.net().stats();
    ferrum::ServerInfo info;
    info.name = m_name;
    info.map = "arena";
    info.players = m_hostPlayers + static_cast<int>(std::count_if(stats.peers.begin(), stats.peers.end(),
                                                                  [](const auto& p) { return p.connected; }));
    info.maxPlayers = m_peer.net().config().maxClients + m_hostPlayers;
    info.protocol = ferrum::protocolVersion();
    info.gamePort = m_peer.port();
    return info;
  });
}

} // namespace app
