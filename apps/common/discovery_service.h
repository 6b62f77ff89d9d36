#pragma once
// A server's discovery answering machine: the command-line options, the responder,
// and the ServerInfo it answers with (players counted from the live NetManager).

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "ferrum/discovery.h"
#include "ferrum/host.h"

namespace app {

struct DiscoveryOptions {
  int port = ferrum::kDefaultDiscoveryPort; ///< 0: off; -1: any free port (tests; see portFile)
  std::string portFile;             ///< write the bound discovery port here
  std::string name;                 ///< empty: this machine's host name
};

void addDiscoveryOptions(CLI::App& cli, DiscoveryOptions& options);

class DiscoveryService {
public:
  /// nullptr when discovery is off or its port cannot be bound (logged: the game
  /// itself still runs). `hostPlayers`: players living in this process (listen server).
  static std::unique_ptr<DiscoveryService> start(const DiscoveryOptions& options, ferrum::Host& peer, int hostPlayers);
  /// Answers waiting requests; never blocks. Call from the game loop.
  void poll();

private:
  DiscoveryService(std::unique_ptr<ferrum::DiscoveryResponder> responder, ferrum::Host& peer, std::string name,
                   int hostPlayers)
      : m_responder(std::move(responder)), m_peer(peer), m_name(std::move(name)), m_hostPlayers(hostPlayers) {}
  std::unique_ptr<ferrum::DiscoveryResponder> m_responder;
  ferrum::Host& m_peer;
  std::string m_name;
  int m_hostPlayers;
};

} // namespace app
