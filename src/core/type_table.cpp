#include "core/type_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace ferrum {

std::vector<EntityTypeId> ControllerRegistry::ids() const {
  std::vector<EntityTypeId> out;
  out.reserve(m_types.size());
  for (const auto& [id, type] : m_types) out.push_back(id);
  return out;
}

uint64_t ControllerRegistry::fingerprint() const { return wire::typeTableFingerprint(typeTableOf(*this)); }

std::vector<wire::TypeEntry> typeTableOf(const ControllerRegistry& registry) {
  std::vector<wire::TypeEntry> table;
  table.reserve(std::min<size_t>(registry.size(), wire::kMaxTypeEntries)); // built per connection: one allocation
  for (EntityTypeId id : registry.ids()) {
    if (table.size() == wire::kMaxTypeEntries) break; // the message's limit; the fingerprint still differs
    const EntityType& type = *registry.find(id);
    wire::TypeEntry entry;
    entry.id = id;
    entry.name = type.name.substr(0, wire::kMaxTypeNameBytes);
    entry.clientMaySpawn = type.clientMaySpawn;
    entry.onOwnerLeave = static_cast<uint8_t>(type.onOwnerLeave);
    // The schema's digest extends the pose's with its gameplay fields (the pose's own
    // when it declares none), so peers that code a type's blocks differently never meet.
    entry.precision = type.stateSchema ? type.stateSchema->digest() : wire::precisionDigest(type.statePrecision);
    table.push_back(std::move(entry));
  }
  return table;
}

namespace {

std::string printable(const std::string& name) {
  std::string out;
  for (char c : name) out += (c >= 0x20 && c < 0x7F) ? c : '?';
  return out;
}

const char* leaveName(uint8_t policy) {
  switch (policy) {
  case static_cast<uint8_t>(OwnerLeavePolicy::Despawn): return "despawns it";
  case static_cast<uint8_t>(OwnerLeavePolicy::HandToServer): return "hands it to the server";
  }
  return "does something unknown";
}

} // namespace

std::string describeTypeTableDifference(const std::vector<wire::TypeEntry>& server,
                                        const std::vector<wire::TypeEntry>& ours) {
  constexpr size_t kMaxShown = 6;
  std::map<uint16_t, const wire::TypeEntry*> theirs, mine;
  for (const auto& e : server) theirs[e.id] = &e;
  for (const auto& e : ours) mine[e.id] = &e;
  std::vector<std::string> differences;
  auto note = [&](std::string text) { differences.push_back(std::move(text)); };
  for (const auto& [id, s] : theirs) {
    auto it = mine.find(id);
    if (it == mine.end()) {
      note(fmt::format("type {} '{}' only on the server", id, printable(s->name)));
      continue;
    }
    const wire::TypeEntry& m = *it->second;
    if (s->name != m.name) {
      note(fmt::format("type {} is '{}' on the server, '{}' here", id, printable(s->name), printable(m.name)));
      continue;
    }
    if (s->clientMaySpawn != m.clientMaySpawn)
      note(fmt::format("type {} '{}': clients {} spawn it on the server, {} here", id, printable(s->name),
                       s->clientMaySpawn ? "may" : "may not", m.clientMaySpawn ? "may" : "may not"));
    if (s->onOwnerLeave != m.onOwnerLeave)
      note(fmt::format("type {} '{}': when its owner leaves, the server {} and this peer {}", id,
                       printable(s->name), leaveName(s->onOwnerLeave), leaveName(m.onOwnerLeave)));
    if (s->precision != m.precision)
      note(fmt::format("type {} '{}': its state is coded by another schema ({})", id, printable(s->name),
                       !s->precision ? "raw floats on the server"
                       : !m.precision ? "raw floats here"
                                      : "another pose precision or other gameplay fields"));
  }
  for (const auto& [id, m] : mine)
    if (!theirs.contains(id)) note(fmt::format("type {} '{}' only here", id, printable(m->name)));

  std::string text;
  for (size_t i = 0; i < differences.size() && i < kMaxShown; ++i) text += (i ? "; " : "") + differences[i];
  if (differences.size() > kMaxShown) text += fmt::format("; and {} more", differences.size() - kMaxShown);
  if (differences.empty()) text = "the tables match in full, yet the fingerprints differ";
  std::string table;
  for (const auto& [id, s] : theirs) table += fmt::format("{}{} {}", table.empty() ? "" : ", ", id, printable(s->name));
  return fmt::format("{} (the server has {})", text, table.empty() ? "no types" : table);
}

} // namespace ferrum
