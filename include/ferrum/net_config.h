#pragma once
/// NetManager's settings. Plain fields with units in their names; `validate()` once.

#include <cstddef>
#include <cstdint>
#include <string>

namespace ferrum {

enum class Role : uint8_t { Server, Client };
const char* roleName(Role role);

/// Version of ferrum's wire format; peers with different versions refuse each other.
uint16_t protocolVersion();

struct NetConfig {
  Role role = Role::Server;
  int tickHz = 60;            ///< fixed simulation rate
  int sendHz = 30;            ///< state packets per second; at most 30 and at most tickHz
  uint16_t gameId = 0xFE01;   ///< games with different ids refuse each other
  uint16_t protocolOverride = 0; ///< tests only: pretend to speak another protocol version
  size_t maxPacketBytes = 1200; ///< state packet payload cap (under ENet's MTU)
  float budgetKbps = 0;         ///< per-receiver state bandwidth cap, kbit/s of payload (0: none)
  /// An entity whose acknowledged state has not changed is not resent, except this
  /// many seconds after it was last sent, then after twice as long, up to 32 × this
  /// (0: never): pulls back a receiver copy that is not what it acknowledged (a block
  /// that beat its spawn, a replica pushed locally) while a resting scene costs ~nothing.
  float refreshSeconds = 2.0f;
  /// Code each block against the newest block sent to that receiver, not only the
  /// newest it acknowledged: a delta then spans one send however long acks take (with
  /// 100 ms each way, the acknowledged block is 6-7 sends old). The cost is on loss: a
  /// block whose baseline was lost cannot be rebuilt, so the receiver drops it
  /// (counted in baselineMismatches), holds the entity's last state and asks for it
  /// whole, about a round trip; the sender then codes against acknowledged blocks only
  /// for a while. For links that rarely lose packets (a LAN).
  bool optimisticBaselines = false;
  /// Step physics on a thread of its own while a tick's state packets are written
  /// (they carry state packed before the step and read no body): a sending tick then
  /// costs about the longer of the two instead of their sum, where a second core is
  /// free. The packets and the world are bit for bit those of one thread. On a 2-core
  /// machine a server of 64 clients and 2,000 bodies kept 86-100 % of its ticks with
  /// it and 81-86 % without (docs/benchmarks.md, "Physics beside the send, measured
  /// alone"). Costs one thread per peer, idle between sends; if it cannot be started,
  /// physics steps on the caller's thread. While it steps, nothing the send reaches
  /// touches an entity or calls game code (a log sink aside: warnings may be logged).
  bool physicsThread = true;
  /// Server: clients take turns across the ticks of a send period, by slot (at 60 /
  /// 30 Hz odd slots on one tick, even on the next), so each tick writes its share of
  /// the packets beside its physics step instead of one tick writing them all while
  /// the next has nothing to set beside its step. Each client still gets sendHz
  /// packets a second, evenly spaced. Only where tickHz is a multiple of sendHz
  /// (otherwise every client is served on the same ticks). Off by default: on a
  /// 2-core machine, 64 clients and 2,000 bodies, alternated runs showed no gain
  /// (physics then takes the second core every tick, beside the bots and the
  /// kernel's loopback work; docs/benchmarks.md, "Joins behind the step").
  bool staggerSends = false;
  int maxClients = 32;        ///< server: further connections are refused ("server full")
  int maxCatchUpTicks = 5;    ///< a frame that falls further behind drops the excess time
  int maxViolations = 100;    ///< server: kick a client whose violations (each decaying after 1 s) exceed this
  uint32_t shutdownWaitMs = 500; ///< how long shutdown() waits for goodbyes to be delivered
  // Server-side limits on what one client may do (the referee).
  float maxSpawnsPerSecond = 4.0f; ///< sustained client spawn rate; more are rejected
  int spawnBurst = 8;              ///< spawns a client may make at once before the rate applies
  int maxEntitiesPerClient = 32;   ///< live entities one client may own
  /// Bounds every client spawn meets before its type's own validateSpawn (floats are
  /// already finite: decoding refuses the others). Past them physics could turn a body,
  /// and what it touches, into NaN (a spin of 1e37 rad/s did).
  float maxSpawnDistance = 10000.0f; ///< m from the world's origin
  float maxSpawnSpeed = 200.0f;      ///< m/s
  float maxSpawnSpin = 100.0f;       ///< rad/s
  /// What to do with a client update its controller finds implausible (too fast, a
  /// teleport): false = forward a clamped version, true = drop it. Counted either way.
  bool rejectImplausible = false;
  /// Packets a client may send per second (1 s burst); beyond it they are dropped and
  /// count as violations. Honest clients send sendHz state packets plus a few events
  /// (and, while spawns arrive, a SpawnAck per state packet at most).
  int maxPacketsPerSecond = 240;
  /// Bytes queued to one client and not yet acknowledged; past this the client is too
  /// slow to keep up (or has stalled) and is disconnected rather than buffered forever.
  size_t maxQueuedBytes = 1 << 20;
  /// Server: spawns of entities that already exist, sent per tick to every joining
  /// client (and for every entity entering a client's interest) together. A join is
  /// paced by it instead of sending the whole world at once; new entities are
  /// announced at once and do not count. 128 costs a few ms per tick at most. It is
  /// the floor of an adaptive budget: see maxSpawnsPerTick.
  int spawnsPerTick = 128;
  /// Server: the adaptive join budget's ceiling. While spawns wait and the ticks of a
  /// send period (receiving, simulation, sending and the spawns) take less than
  /// joinTickShare of their time on average, the per-tick budget grows from
  /// spawnsPerTick towards this; a period that takes longer shrinks it at once; with
  /// no join under way it is back at spawnsPerTick. With physicsThread, a tick's time
  /// spent waiting for its step does not count while the ticks keep their rate (the
  /// spawns are sent during the step); when the step alone makes the ticks late, the
  /// budget is held, not cut, while the spawns take at most joinShareWhenBehind of a
  /// tick. The ticks are timed on NetManager's work clock (setWorkClock: real time
  /// unless a test gives another). At or below spawnsPerTick: a fixed budget of
  /// spawnsPerTick.
  int maxSpawnsPerTick = 2048;
  /// Server: the share of a tick's time (1 / tickHz) the adaptive join budget may fill.
  /// What the tick leaves below it goes to joiners: at 0.5 a server whose ticks take
  /// 10-12 ms of 16.7 kept its joins near the floor (64 joiners x 2,000 entities: the
  /// slowest held the world after 5.6-11 s); at 0.85 after 1.9-7.8 s across runs on
  /// a shared machine, with as many ticks kept (docs/benchmarks.md).
  float joinTickShare = 0.85f;
  /// Server: when the server is behind without its spawn pass (the rest of a tick,
  /// the spawns excluded, takes longer than a tick), starving the joins gains it
  /// little; there the budget grows while sending the spawns alone takes at most
  /// this share of a tick. 0: held at spawnsPerTick while behind.
  float joinShareWhenBehind = 0.25f;
  /// Server: interest management. A client is sent only entities within this many
  /// metres of one of its own entities (its player); 0: every client gets everything.
  /// A client with no entity of its own sees everything. NetManager::setRelevance
  /// replaces this rule with the game's own.
  float relevanceRadius = 0;
  /// An entity a client holds leaves it only past relevanceRadius + this (m), so one
  /// at the edge does not come and go.
  float relevanceHysteresis = 5.0f;
  /// Server: a client whose hello has not arrived this long after its connection is
  /// closed and counted (helloTimeouts); until then it holds a client slot.
  float helloTimeoutSeconds = 5.0f;
  /// Server: a kicked client's address is refused (counted in refusedCoolingOff) for
  /// this long; 0: off. Keyed on the IP address alone by default, because a kicked
  /// program that restarts comes back from a new port (see coolOffIncludesPort).
  float kickCoolOffSeconds = 10.0f;
  /// true: the cooling-off covers only the kicked client's address and port, so other
  /// programs on the same machine or behind the same NAT may still join.
  bool coolOffIncludesPort = false;
  /// Server: each client gets at most one packet of forwarded (client-owned) state per
  /// this many ms. An update for a client sent nothing within the last window goes at
  /// once; sooner ones wait for the window's end and go together, several owners'
  /// blocks in one packet, instead of one packet per owner's update (with 64 clients:
  /// ~63 x 30 packets/s into each). 0: forward each update the moment it arrives.
  float forwardWindowMs = 4.0f;
  /// Server, with the built-in interest rule (relevanceRadius > 0): how often another
  /// client's player is forwarded to a client, by its distance d from the client's
  /// nearest own entity. Within forwardFullRateMeters, every update (its owner's full
  /// rate). Farther, on every k-th send period only, k = (d / forwardFalloffMeters)²
  /// rounded down to a power of two, at most the one nearest to sendHz (32 at 30
  /// sends/s: about once a second); on its turn the newest update held of it goes,
  /// never an older one. The defaults: every update within 5 m; farther, every 4th
  /// (7.5/s at 30 sends/s) to 7.1 m, every 8th to 10 m, every 16th to 14.1 m, and
  /// every 32nd (1.07 s) beyond: with these, per-client downstream at 64 players in
  /// the large arena is within 2x that at 4 (docs/benchmarks.md). Because every k is
  /// a power of two, the far players of one client take their turns together and
  /// share a packet. forwardFalloffMeters = 0: no fall-off, every update to everyone
  /// it is relevant to. Counted in NetCounters::forwardsDeferred / forwardsReleased.
  float forwardFullRateMeters = 5.0f;
  float forwardFalloffMeters = 2.5f;

  /// Empty if the config is usable, else a message naming the bad field.
  std::string validate() const;
  double tickSeconds() const { return 1.0 / tickHz; }
};

} // namespace ferrum
