// Writes the fuzz targets' seed corpora from real packets: an in-memory match (server,
// crates, two bot clients throwing grenades) is recorded at every peer's transport.
// Run at build/run time; nothing is committed.
//
// Usage: ferrum-fuzz-seeds <out-dir>  (creates state/ reliable/ connect/ field_delta/)

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <spdlog/spdlog.h>

#include "ferrum/entity.h"
#include "ferrum/log.h"
#include "ferrum/memory_transport.h"
#include "game/demo_game.h"
#include "tests/fuzz/fuzz_world.h"
#include "wire/field_delta.h"
#include "wire/messages.h"

namespace {

using namespace ferrum;
namespace fs = std::filesystem;

/// Passes everything to a MemoryTransport and keeps a copy of what is sent.
class RecordingTransport final : public Transport {
public:
  struct Sent {
    LinkId link;
    Channel channel;
    std::vector<uint8_t> bytes;
  };
  explicit RecordingTransport(MemoryTransport& inner) : m_inner(inner) {}

  bool service(TransportEvent& event, uint32_t timeoutMs) override { return m_inner.service(event, timeoutMs); }
  void send(LinkId link, Channel channel, std::span<const uint8_t> bytes) override {
    sent.push_back({link, channel, {bytes.begin(), bytes.end()}});
    m_inner.send(link, channel, bytes);
  }
  LinkId connect(const std::string& host, uint16_t port, uint32_t connectData) override {
    connects.push_back(connectData);
    return m_inner.connect(host, port, connectData);
  }
  void disconnect(LinkId link, uint32_t reason) override { m_inner.disconnect(link, reason); }
  void flush() override {}
  LinkStats stats(LinkId link) const override { return m_inner.stats(link); }

  std::vector<Sent> sent;
  std::vector<uint32_t> connects;

private:
  MemoryTransport& m_inner;
};

class CorpusWriter {
public:
  explicit CorpusWriter(fs::path dir) : m_dir(std::move(dir)) { fs::create_directories(m_dir); }
  void add(uint8_t mode, std::span<const uint8_t> bytes) {
    std::vector<uint8_t> file{mode};
    file.insert(file.end(), bytes.begin(), bytes.end());
    write(file);
  }
  void write(const std::vector<uint8_t>& file) {
    char name[32];
    std::snprintf(name, sizeof name, "seed-%05d", m_count++);
    std::ofstream out(m_dir / name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(file.data()), static_cast<std::streamsize>(file.size()));
  }
  int count() const { return m_count; }

private:
  fs::path m_dir;
  int m_count = 0;
};

/// A demo-game Host whose every sent packet is recorded.
struct RecordedPeer {
  RecordingTransport transport;
  std::unique_ptr<ferrum::Host> host;
  std::unique_ptr<game::LocalPlayer> player;
  RecordedPeer(MemoryTransport& end, Role role, std::optional<uint32_t> bot) : transport(end) {
    ferrum::HostDef def = game::demoHostDef();
    def.net.role = role;
    def.transport = &transport;
    std::string error;
    host = ferrum::Host::create(std::move(def), error);
    if (!host) std::fprintf(stderr, "seed corpus: %s\n", error.c_str()), std::exit(1);
    if (role == Role::Client) player = std::make_unique<game::LocalPlayer>(host->net(), bot);
  }
  ferrum::NetManager& net() { return host->net(); }
};

/// Field-delta seeds (fuzz_field_delta's input): the state blocks one entity's
/// authority wrote a third of a second apart, as baseline and current payload, and
/// the delta between them; and with the block before those as the older block of a
/// prediction (span 1), the current payload and the predicted delta. Layout byte
/// 0x80 | index picks the target's real layouts (0 crate, 1 player).
class FieldDeltaSamples {
public:
  void sample(EntityGroup& group) {
    for (EntityId id : group.ids()) {
      Entity* e = group.find(id);
      const FieldLayout* layout = e->controller().fieldLayout();
      if (!layout || (e->type() != game::kCrateType && e->type() != game::kPlayerType)) continue;
      WriteStream block(wire::kMaxBlockBits / 8);
      e->controller().serverUpdate(block);
      Payload now{e->type() == game::kCrateType ? uint8_t{0x80} : uint8_t{0x81}, block.buffer(), block.bits()};
      now.bytes.resize((now.bits + 7) / 8);
      auto previous = m_last.find(id);
      WriteStream delta;
      if (previous != m_last.end() && m_files.size() < 240 &&
          wire::writeFieldDelta(delta, *layout, previous->second.bytes.data(), previous->second.bits,
                                now.bytes.data(), now.bits)) {
        m_files.push_back(file(previous->second, now.bytes, now.bits));
        m_files.push_back(file(previous->second, delta.buffer(), delta.bits()));
      }
      auto older = m_older.find(id);
      if (previous != m_last.end() && older != m_older.end() && m_predicted.size() < 120) {
        wire::FieldPrediction prediction{older->second.bytes.data(), older->second.bits, 1, 1};
        WriteStream predicted;
        if (wire::writeFieldDelta(predicted, *layout, previous->second.bytes.data(), previous->second.bits,
                                  now.bytes.data(), now.bits, &prediction)) {
          m_predicted.push_back(file(previous->second, now.bytes, now.bits, &older->second));
          m_predicted.push_back(file(previous->second, predicted.buffer(), predicted.bits(), &older->second));
        }
      }
      if (previous != m_last.end()) m_older.insert_or_assign(id, previous->second);
      m_last.insert_or_assign(id, std::move(now));
    }
  }
  void write(const fs::path& dir) const {
    CorpusWriter out(dir);
    for (const auto& f : m_files) out.write(f);
    for (const auto& f : m_predicted) out.write(f);
    std::printf("field_delta: %d seeds\n", out.count());
  }

private:
  struct Payload {
    uint8_t layout;
    std::vector<uint8_t> bytes;
    size_t bits;
  };
  // With `older`: trim bit 3 says a prediction follows (span byte 0 and ahead 0 mean
  // span 1 and ahead 1: the blocks are one sample apart), then the older block.
  static std::vector<uint8_t> file(const Payload& base, std::vector<uint8_t> rest, size_t restBits,
                                   const Payload* older = nullptr) {
    std::vector<uint8_t> f{base.layout, static_cast<uint8_t>(base.bits), static_cast<uint8_t>(base.bits >> 8)};
    f.insert(f.end(), base.bytes.begin(), base.bytes.end());
    rest.resize((restBits + 7) / 8);
    f.push_back(static_cast<uint8_t>((8 * rest.size() - restBits) | (older ? 0x08 : 0)));
    if (older) {
      f.insert(f.end(), {0, 0, 0, static_cast<uint8_t>(older->bits), static_cast<uint8_t>(older->bits >> 8)});
      f.insert(f.end(), older->bytes.begin(), older->bytes.end());
    }
    f.insert(f.end(), rest.begin(), rest.end());
    return f;
  }
  std::map<EntityId, Payload> m_last;
  std::map<EntityId, Payload> m_older; ///< the block before m_last's, for predicted seeds
  std::vector<std::vector<uint8_t>> m_files;
  std::vector<std::vector<uint8_t>> m_predicted;
};

void recordMatch(const fs::path& out) {
  MemoryNetwork network;
  RecordedPeer server(network.endpoint(1), Role::Server, std::nullopt);
  game::spawnCrates(server.net(), 10, 7);
  RecordedPeer a(network.endpoint(2), Role::Client, 11);
  RecordedPeer b(network.endpoint(3), Role::Client, 12);
  a.host->connect("127.0.0.1", 1);
  b.host->connect("127.0.0.1", 1);
  RecordedPeer* peers[] = {&server, &a, &b};
  FieldDeltaSamples fieldDeltas;
  for (int tick = 1; tick <= 900; ++tick) {
    if (tick % 20 == 0) fieldDeltas.sample(server.host->group());
    for (RecordedPeer* p : peers) p->net().frame(tick / 60.0);
    for (RecordedPeer* p : peers) p->net().service(0);
    if (tick % 90 == 0) a.player->throwGrenade({1, 0, 0});
    if (tick % 120 == 0) b.player->throwGrenade({0, 0, 1});
  }
  // b leaves with a grenade in the air: the server takes it over (SetAuthority).
  b.player->throwGrenade({-1, 0, 0});
  for (int tick = 901; tick <= 905; ++tick)
    for (RecordedPeer* p : peers) p->net().frame(tick / 60.0), p->net().service(0);
  b.net().shutdown();
  for (int tick = 906; tick <= 960; ++tick)
    for (RecordedPeer* p : {&server, &a}) p->net().frame(tick / 60.0), p->net().service(0);

  CorpusWriter state(out / "state"), reliable(out / "reliable");
  for (RecordedPeer* p : peers) {
    const bool fromServer = p == &server;
    std::map<LinkId, std::vector<uint8_t>> streams; // a receiver's first messages, in order
    int statePackets = 0;
    for (const auto& sent : p->transport.sent) {
      if (sent.channel == Channel::State) {
        if (statePackets++ % 15 == 0) state.add(static_cast<uint8_t>(statePackets % 4), sent.bytes);
        continue;
      }
      if (sent.bytes.size() > 255) continue;
      const uint8_t mode = fromServer ? 0 : 1; // the receiver's role
      std::vector<uint8_t> one{static_cast<uint8_t>(sent.bytes.size())};
      one.insert(one.end(), sent.bytes.begin(), sent.bytes.end());
      reliable.add(mode, one);
      auto& stream = streams[sent.link];
      if (stream.size() < 512) {
        if (stream.empty()) stream.push_back(mode);
        stream.insert(stream.end(), one.begin(), one.end());
      }
    }
    for (auto& [link, stream] : streams) reliable.write(stream);
  }
  std::printf("state: %d seeds, reliable: %d seeds\n", state.count(), reliable.count());

  CorpusWriter connect(out / "connect");
  auto op = [](std::vector<uint8_t>& file, uint8_t code, uint32_t value) {
    file.push_back(code);
    for (int i = 0; i < 4; ++i) file.push_back(static_cast<uint8_t>(value >> (8 * i)));
  };
  const uint32_t good = a.transport.connects.at(0);
  const uint32_t wrongProtocol = wire::packConnectData(wire::kProtocolVersion + 1, NetConfig{}.gameId);
  const uint32_t wrongGame = wire::packConnectData(wire::kProtocolVersion, 0x1234);
  for (uint32_t data : {good, wrongProtocol, wrongGame}) {
    std::vector<uint8_t> file{1};
    op(file, 0, data);
    op(file, 4, 0);
    connect.write(file);
  }
  std::vector<uint8_t> crowd{1}; // past maxClients, leaves, a storm, early bytes
  for (int i = 0; i < 5; ++i) op(crowd, 0, good);
  op(crowd, 2, 0x00000012);
  op(crowd, 1, wire::packDisconnect(wire::DisconnectReason::Leaving));
  op(crowd, 0, good);
  op(crowd, 4, 0);
  connect.write(crowd);
  for (uint8_t reason = 0; reason <= 7; ++reason) {
    std::vector<uint8_t> file{0};
    op(file, 2, 0);
    op(file, 0, wire::packDisconnect(static_cast<wire::DisconnectReason>(reason), 7));
    connect.write(file);
  }
  std::printf("connect: %d seeds\n", connect.count());
  fieldDeltas.write(out / "field_delta");
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <out-dir>\n", argv[0]);
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  ferrum::setLogLevel(ferrum::LogLevel::Warn);
  recordMatch(argv[1]);
  return 0;
}
