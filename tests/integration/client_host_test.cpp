// EnetConfig::clientHost (a client sends from the local address it is given, so a
// load generator's bots on one machine reach the server as from machines of their
// own) and socketReceiveBytes.

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>

#include <sys/socket.h>
#include <unistd.h>

#include "ferrum/enet_transport.h"

using namespace ferrum;

TEST(ClientHost, AClientSendsFromTheLoopbackAddressItIsGiven) {
  std::string error;
  EnetConfig serverConfig; // 127.0.0.1, a free port
  auto server = EnetTransport::listen(serverConfig, error);
  ASSERT_TRUE(server) << error;
  EnetConfig clientConfig;
  clientConfig.clientHost = "127.0.1.7";
  clientConfig.maxLinks = 1;
  auto client = EnetTransport::client(clientConfig, error);
  ASSERT_TRUE(client) << error;
  ASSERT_NE(client->connect("127.0.0.1", server->boundPort(), 0), kNoLink);

  LinkId atServer = kNoLink;
  bool clientConnected = false;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  TransportEvent event;
  while ((atServer == kNoLink || !clientConnected) && std::chrono::steady_clock::now() < until) {
    if (server->service(event, 5) && event.type == TransportEvent::Type::Connected) atServer = event.link;
    if (client->service(event, 5) && event.type == TransportEvent::Type::Connected) clientConnected = true;
  }
  ASSERT_NE(atServer, kNoLink) << "the server never saw the client connect";
  EXPECT_TRUE(clientConnected);
  EXPECT_EQ(server->remoteAddress(atServer).host, "127.0.1.7");
}

TEST(ClientHost, AnAddressThatIsNotOneIsRefusedWithItsName) {
  std::string error;
  EnetConfig config;
  config.clientHost = "not-an-address";
  EXPECT_FALSE(EnetTransport::client(config, error));
  EXPECT_NE(error.find("not-an-address"), std::string::npos) << error;
}

// Whether this process may have a receive buffer of `bytes`: under the system's cap,
// or allowed past it (SO_RCVBUFFORCE, CAP_NET_ADMIN), tried on a scratch socket.
bool mayAskFor(size_t bytes) {
  std::ifstream capFile("/proc/sys/net/core/rmem_max");
  size_t cap = 0;
  if (capFile >> cap && cap >= bytes) return true;
  const int scratch = socket(AF_INET, SOCK_DGRAM, 0);
  if (scratch < 0) return false;
  const int asked = static_cast<int>(bytes);
  const bool forced = setsockopt(scratch, SOL_SOCKET, SO_RCVBUFFORCE, &asked, sizeof asked) == 0;
  close(scratch);
  return forced;
}

// EnetConfig::socketReceiveBytes: the kernel grants a listening host the receive
// buffer asked for (Linux reports about twice the bytes, its bookkeeping included).
TEST(SocketBuffer, AListeningHostGetsTheReceiveBufferItAsksFor) {
  std::string error;
  EnetConfig ours;
  ours.socketReceiveBytes = 3 * 1024 * 1024;
  auto big = EnetTransport::listen(ours, error);
  ASSERT_TRUE(big) << error;
  EnetConfig enetsOwn;
  enetsOwn.socketReceiveBytes = 0;
  auto small = EnetTransport::listen(enetsOwn, error);
  ASSERT_TRUE(small) << error;
  EXPECT_LT(small->socketReceiveBytes(), ours.socketReceiveBytes) << "ENet's own is 256 KiB";
  if (!mayAskFor(ours.socketReceiveBytes))
    GTEST_SKIP() << "past net.core.rmem_max only a process with CAP_NET_ADMIN may ask";
  EXPECT_GE(big->socketReceiveBytes(), ours.socketReceiveBytes);
}
