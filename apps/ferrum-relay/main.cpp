// ferrum-relay: a UDP relay on loopback between clients and a server that makes the
// link worse on purpose (latency, jitter, loss, duplication, reordering), below ENet:
// unlike the in-process LinkSimulator, reliable packets are really lost here and ENet
// has to resend them. The kernel's netem is not available on these machines.

#include <enet/enet.h>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <queue>
#include <random>
#include <vector>

#include <CLI/CLI.hpp>

#include "apps/common/cli.h"
#include "apps/common/host_options.h"
#include "ferrum/host.h"
#include "apps/common/sim_options.h"

namespace {

struct Datagram {
  double due;
  uint64_t order;
  ENetSocket from; ///< socket to send it out of
  ENetAddress to;
  std::vector<uint8_t> bytes;
  bool operator>(const Datagram& o) const { return due > o.due || (due == o.due && order > o.order); }
};

struct ClientLink {
  ENetAddress client;
  ENetSocket upstream; ///< one socket per client, so the server sees distinct peers
};

uint64_t addressKey(const ENetAddress& a) { return (uint64_t{a.host} << 16) | a.port; }

bool parseAddress(const std::string& text, ENetAddress& out, std::string& error, bool allowAnyPort) {
  std::string host;
  uint16_t port = 0;
  const bool anyPort = allowAnyPort && text.size() > 2 && text.ends_with(":0");
  if (anyPort)
    host = text.substr(0, text.size() - 2);
  else if (!app::parseHostPort(text, host, port, error))
    return false;
  if (enet_address_set_host_ip(&out, host.c_str()) != 0) {
    error = "bad IPv4 address '" + host + "'";
    return false;
  }
  out.port = port;
  return true;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App cli{"ferrum-relay: relays UDP between ferrum clients and a server on loopback, adding latency, jitter,\n"
               "loss and duplication in each direction (below ENet).\n"
               "Example: ferrum-relay --listen 127.0.0.1:27970 --to 127.0.0.1:27960 --sim-latency-ms 50 --sim-loss 0.05\n"
               "then: ferrum-client --connect 127.0.0.1:27970"};
  std::string listenText = "127.0.0.1:27970", toText = "127.0.0.1:27960", portFile;
  double duration = 0;
  app::SimOptions sim;
  cli.add_option("--listen", listenText, "where clients connect, HOST:PORT (port 0: pick one, see --port-file)")
      ->capture_default_str();
  cli.add_option("--to", toText, "the server, HOST:PORT")->capture_default_str();
  cli.add_option("--duration", duration, "seconds to run (0: until Ctrl-C)")
      ->capture_default_str()
      ->check(app::finiteRange(0, 1e7));
  cli.add_option("--port-file", portFile, "write the listening port here once bound");
  app::addSimOptions(cli, sim);
  std::string& logLevel = app::addStandardOptions(cli, "ferrum-relay", "info");
  if (int code = 0; !app::parseCommandLine(cli, argc, argv, code)) return code;

  std::string error;
  if (!app::applyLogLevel(logLevel, error)) {
    std::fprintf(stderr, "ferrum-relay: %s\n", error.c_str());
    return 2;
  }
  ENetAddress listenAddr{}, serverAddr{};
  if (!parseAddress(listenText, listenAddr, error, true) || !parseAddress(toText, serverAddr, error, false) ||
      !(error = sim.conditions.validate()).empty()) {
    std::fprintf(stderr, "ferrum-relay: %s\n", error.c_str());
    return 2;
  }
  if (enet_initialize() != 0) return 1;
  ENetSocket listener = enet_socket_create(ENET_SOCKET_TYPE_DATAGRAM);
  if (listener == ENET_SOCKET_NULL || enet_socket_bind(listener, &listenAddr) != 0) {
    std::fprintf(stderr, "ferrum-relay: cannot bind %s\n", listenText.c_str());
    return 1;
  }
  enet_socket_set_option(listener, ENET_SOCKOPT_NONBLOCK, 1);
  ENetAddress bound{};
  enet_socket_get_address(listener, &bound);
  if (!portFile.empty()) {
    std::ofstream(portFile + ".tmp") << bound.port << '\n';
    std::rename((portFile + ".tmp").c_str(), portFile.c_str());
  }
  std::fprintf(stderr, "ferrum-relay: %s -> %s (latency %.0f ms, jitter %.0f ms, loss %.2f, dup %.2f)\n",
               fmt::format("127.0.0.1:{}", bound.port).c_str(), toText.c_str(), sim.conditions.latencyMs,
               sim.conditions.jitterMs, sim.conditions.loss, sim.conditions.duplicate);

  std::mt19937_64 rng(sim.seed);
  std::uniform_real_distribution<double> unit(0, 1);
  std::priority_queue<Datagram, std::vector<Datagram>, std::greater<>> pending;
  std::map<uint64_t, ClientLink> clients;      // by client address
  std::map<ENetSocket, ENetAddress> upstreamOf; // upstream socket -> its client
  uint64_t order = 0, relayed = 0, dropped = 0, duplicated = 0;
  const size_t kMaxClients = 64, kMaxPending = 100000; // bounded whatever the traffic

  auto schedule = [&](ENetSocket from, const ENetAddress& to, const uint8_t* data, size_t size) {
    if (unit(rng) < sim.conditions.loss) {
      ++dropped;
      return;
    }
    const int copies = unit(rng) < sim.conditions.duplicate ? 2 : 1;
    duplicated += static_cast<uint64_t>(copies - 1);
    for (int i = 0; i < copies && pending.size() < kMaxPending; ++i) {
      const double delay = (sim.conditions.latencyMs + unit(rng) * sim.conditions.jitterMs) / 1000.0;
      pending.push({ferrum::steadySeconds() + delay, order++, from, to, std::vector<uint8_t>(data, data + size)});
    }
  };

  const volatile bool& stop = app::installStopSignals();
  const double start = ferrum::steadySeconds();
  uint8_t buffer[4096];
  while (!stop && (duration <= 0 || ferrum::steadySeconds() - start < duration)) {
    ENetSocketSet readable;
    ENET_SOCKETSET_EMPTY(readable);
    ENET_SOCKETSET_ADD(readable, listener);
    ENetSocket highest = listener;
    for (auto& [key, link] : clients) {
      ENET_SOCKETSET_ADD(readable, link.upstream);
      highest = std::max(highest, link.upstream);
    }
    double wait = 0.05;
    if (!pending.empty()) wait = std::clamp(pending.top().due - ferrum::steadySeconds(), 0.0, 0.05);
    enet_socketset_select(highest, &readable, nullptr, static_cast<enet_uint32>(std::ceil(wait * 1000)));

    ENetAddress sender{};
    ENetBuffer buf{buffer, sizeof(buffer)};
    int n = 0;
    while ((n = enet_socket_receive(listener, &sender, &buf, 1)) > 0) {
      auto it = clients.find(addressKey(sender));
      if (it == clients.end()) {
        if (clients.size() >= kMaxClients) continue;
        ENetSocket up = enet_socket_create(ENET_SOCKET_TYPE_DATAGRAM);
        ENetAddress any{};
        enet_address_set_host_ip(&any, "127.0.0.1");
        enet_socket_bind(up, &any);
        enet_socket_set_option(up, ENET_SOCKOPT_NONBLOCK, 1);
        it = clients.emplace(addressKey(sender), ClientLink{sender, up}).first;
        upstreamOf[up] = sender;
      }
      schedule(it->second.upstream, serverAddr, buffer, static_cast<size_t>(n));
    }
    for (auto& [up, client] : upstreamOf)
      while ((n = enet_socket_receive(up, &sender, &buf, 1)) > 0) schedule(listener, client, buffer, static_cast<size_t>(n));

    const double now = ferrum::steadySeconds();
    while (!pending.empty() && pending.top().due <= now) {
      const Datagram& d = pending.top();
      ENetBuffer out{const_cast<uint8_t*>(d.bytes.data()), d.bytes.size()};
      enet_socket_send(d.from, &d.to, &out, 1);
      ++relayed;
      pending.pop();
    }
  }
  std::fprintf(stderr, "ferrum-relay: %lu datagrams relayed, %lu dropped, %lu duplicated, %zu clients\n", relayed,
               dropped, duplicated, clients.size());
  for (auto& [key, link] : clients) enet_socket_destroy(link.upstream);
  enet_socket_destroy(listener);
  enet_deinitialize();
  return 0;
}
