#pragma once
// One server tick's paced spawns (NetManager::chooseSpawns, sendChosenSpawns): chosen
// and coded before physics steps, because coding reads the bodies, and put on the wire
// while it steps (NetConfig::physicsThread), because sending reads none. A join then
// costs the tick little more than the step it hides behind: 64 clients joining a
// 2,000-body world are 128,000 spawns, and the tick that paced them after the step
// paid for each one on top of it.
//
// Joiners mostly wait for the same entities in the same order (nearest their player
// first, and the same order when they have none yet), so an entity is coded once per
// tick for every client that gets it then, and its spawn baseline (spawn_baseline.h)
// is read out of those bytes once, not once per client. The spawn carries the tick's
// state before the step, as the tick's state blocks do (NetManager::buildLocalBlocks).

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "ferrum/ids.h"
#include "ferrum/net_manager.h"
#include "net/spawn_baseline.h"

namespace ferrum {

struct NetManager::SpawnPass {
  /// An entity's Spawn message as this tick codes it.
  struct Coded {
    EntityId id;
    PeerId authority = kNoPeer;
    std::vector<uint8_t> bytes; ///< empty: it could not be coded (counted when sent)
    bool hasBaseline = false;   ///< `baseline` is what `bytes` stand for
    SpawnBaseline baseline;
  };
  struct Chosen {
    Remote* to = nullptr;
    uint32_t coded = 0; ///< index into `coded`
  };
  std::vector<Coded> coded;
  std::unordered_map<EntityId, uint32_t> codedIndex;
  std::vector<Chosen> chosen;
  std::vector<Remote*> ready; ///< the clients this tick's pass served (for their queues' end)

  void clear() {
    coded.clear();
    codedIndex.clear();
    chosen.clear();
    ready.clear();
  }
};

} // namespace ferrum
