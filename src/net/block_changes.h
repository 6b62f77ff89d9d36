#pragma once
// Which of this send's blocks of our own entities differ from the previous send's
// (other bits or other bytes) or are new. Worked out once per send for everyone: a
// receiver's delta sender then looks only at these, plus what it watches itself
// (net/send_watch.h), instead of comparing every entity for every client.

#include <cstdint>
#include <vector>

#include "wire/messages.h"

namespace ferrum {

/// A 64-bit hash of a block's bits and bytes. Equal blocks hash alike, so a different
/// hash proves a block changed without reading the old bytes; an equal one is checked
/// byte by byte. Worked out once per send per block, for every receiver.
uint64_t blockHash(uint32_t bits, const std::vector<uint8_t>& payload);

class BlockChanges {
public:
  /// `blocks`: this send's blocks, sorted by id (unsorted ones all count as changed).
  /// Returns the indices into `blocks` of the changed and new ones, in order.
  const std::vector<uint32_t>& update(const std::vector<wire::StateBlock>& blocks);
  const std::vector<uint32_t>& changed() const { return m_changed; }

private:
  std::vector<wire::StateBlock> m_previous; ///< the previous send's blocks, sorted by id
  std::vector<uint32_t> m_changed;
};

} // namespace ferrum
