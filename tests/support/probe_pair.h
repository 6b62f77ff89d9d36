#pragma once
// A server and a client Host carrying the probe type (probe_controller.h) over one
// in-memory network, on a virtual clock: what the wire tests that run two real
// NetManagers end to end share. The same link conditions apply both ways.

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ferrum/host.h"
#include "ferrum/memory_transport.h"
#include "tests/support/probe_controller.h"

namespace testing_support {

struct ProbePair {
  /// `serverNet` and `clientNet`: the NetConfig each starts from (the role is set here).
  explicit ProbePair(ferrum::LinkConditions link = {}, ferrum::NetConfig serverNet = {},
                     ferrum::NetConfig clientNet = {}) {
    server = make(network.endpoint(1), ferrum::Role::Server, serverNet, link);
    client = make(network.endpoint(2), ferrum::Role::Client, clientNet, link);
  }

  ProbePair(const ProbePair&) = delete; // the hosts' clock points at this one
  ProbePair& operator=(const ProbePair&) = delete;

  /// Connects the client and runs ticks until it joined (at most `maxTicks`).
  bool join(int maxTicks = 600) {
    if (!server || !client || !client->net().connect("mem", 1)) return false;
    for (int i = 0; i < maxTicks && !client->net().joined(); ++i) tick(1);
    return client->net().joined();
  }

  /// `n` ticks of 1/60 s, server first.
  void tick(int n) {
    for (int i = 0; i < n; ++i) {
      now += 1.0 / 60;
      server->net().frame(now);
      client->net().frame(now);
    }
  }

  std::vector<ferrum::EntityId> spawnProbes(int n) {
    std::vector<ferrum::EntityId> ids;
    for (int i = 0; i < n; ++i) ids.push_back(server->net().spawn(kProbeType, {}));
    return ids;
  }

  static ProbeController* probe(ferrum::Host& host, ferrum::EntityId id) {
    ferrum::Entity* e = host.group().find(id);
    return e ? &static_cast<ProbeController&>(e->controller()) : nullptr;
  }

  /// How many of `ids` the client does not hold at the server's value.
  size_t differing(const std::vector<ferrum::EntityId>& ids) {
    size_t wrong = 0;
    for (ferrum::EntityId id : ids) {
      const ProbeController* c = probe(*client, id);
      const ProbeController* s = probe(*server, id);
      if (!c || !s || c->received != s->value) ++wrong;
    }
    return wrong;
  }

  ferrum::MemoryNetwork network;
  double now = 0;
  std::unique_ptr<ferrum::Host> server, client;

private:
  std::unique_ptr<ferrum::Host> make(ferrum::MemoryTransport& t, ferrum::Role role, ferrum::NetConfig net,
                                     ferrum::LinkConditions link) {
    ferrum::HostDef def;
    def.clock = [this] { return now; };
    def.types.add(kProbeType, probeType());
    def.net = net;
    def.net.role = role;
    def.transport = &t;
    def.outgoing = link;
    def.incoming = link;
    std::string error;
    auto host = ferrum::Host::create(std::move(def), error);
    EXPECT_TRUE(host) << error;
    return host;
  }
};

} // namespace testing_support
