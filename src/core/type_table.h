#pragma once
// The registered type table as the handshake carries it: what every peer of a game
// must agree on, and how to say where two tables differ.

#include <string>
#include <vector>

#include "ferrum/entity_group.h"
#include "wire/messages.h"

namespace ferrum {

/// The registry's types in ascending id order: id, name, clientMaySpawn, onOwnerLeave.
std::vector<wire::TypeEntry> typeTableOf(const ControllerRegistry& registry);

/// Where `ours` differs from the server's table, one phrase per difference (at most a
/// few, then how many more), followed by the server's whole table: "type 3 is
/// 'grenade' on the server, 'rocket' here; ... (the server has 1 crate, 2 player,
/// 3 grenade)". Names from the network are shown with unprintable bytes replaced.
std::string describeTypeTableDifference(const std::vector<wire::TypeEntry>& server,
                                        const std::vector<wire::TypeEntry>& ours);

} // namespace ferrum
