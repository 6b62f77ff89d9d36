#pragma once
// The encoders ferrum-bench compares, each run as a sender + receiver pair over the
// same frames: (a) the seed's format (and a stronger changed-only variant of it), (b) full
// quantized states, (c) the live path's codec alone (DeltaSender, the state packet's
// framing and field deltas) with simulated acks. The product itself, two NetManagers,
// is live_pipeline.h.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "frame_source.h"

namespace ferrum::bench {

struct PipelineStats {
  std::string encoder;
  int packetsPerSecond = 60;
  std::vector<double> bits;       ///< payload bits per packet
  std::vector<double> encodeUs;   ///< per packet
  std::vector<double> decodeUs;
  double maxPositionError = 0;    ///< m, receiver's view vs exact pose, all objects it holds
  double maxOrientationError = 0; ///< rad
  /// The same, only over objects whose receiver copy is this frame's state: the
  /// quantization error alone, without staleness from the cap or the start-up.
  double maxFreshPositionError = 0;
  double maxFreshOrientationError = 0;
  size_t mismatches = 0;          ///< packets whose decode differed from what the sender meant
  size_t maxBytes = 0;
  size_t overCap = 0;             ///< packets above the configured byte cap
  size_t missingBaselines = 0;
  double staleObjectsSum = 0;     ///< objects whose receiver copy differs from this frame
  size_t objects = 0;
};

struct AckModel {
  int baselineAgeFrames = 6; ///< an ack reaches the sender this many frames after the packet
  double ackLoss = 0;        ///< probability that an ack never arrives
  unsigned seed = 7;
};

class Pipeline {
public:
  explicit Pipeline(std::string name, int packetsPerSecond) {
    m_stats.encoder = std::move(name);
    m_stats.packetsPerSecond = packetsPerSecond;
  }
  virtual ~Pipeline() = default;
  /// Called for every simulated frame; sends a packet on this pipeline's rate.
  virtual void frame(const Frame& f, long index);
  /// After the last frame (a pipeline that needs to drain or check does it here).
  virtual void finish() {}
  /// Adds this pipeline's own figures to its JSON row.
  virtual void report(nlohmann::json& j) const { (void)j; }
  const PipelineStats& stats() const { return m_stats; }

protected:
  virtual void packet(const Frame& f, long index) = 0;
  /// Folds the receiver's reconstructed poses into the error figures.
  void measureErrors(const Frame& f, const std::vector<Transform>& view, const std::vector<uint8_t>& held,
                     const std::vector<uint8_t>* fresh = nullptr);
  PipelineStats m_stats;
};

/// EveryObject: the seed as it was, every object in every packet. ChangedOnly: a
/// stronger baseline, only objects that changed since the previous packet.
enum class SeedVariant : uint8_t { EveryObject, ChangedOnly };
std::unique_ptr<Pipeline> makeSeedPipeline(int packetsPerSecond, SeedVariant variant);
std::unique_ptr<Pipeline> makeFullPipeline(int packetsPerSecond);
std::unique_ptr<Pipeline> makeFieldsPipeline(int packetsPerSecond, const AckModel& acks, size_t maxPacketBytes);

} // namespace ferrum::bench
