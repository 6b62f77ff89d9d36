#pragma once
// --sim-latency-ms --sim-jitter-ms --sim-loss --sim-dup --sim-seed: every executable
// can run its link through ferrum::LinkSimulator (applied to both directions).

#include <CLI/CLI.hpp>

#include "apps/common/cli.h"
#include "ferrum/link_simulator.h"

namespace app {

struct SimOptions {
  ferrum::LinkConditions conditions; ///< applied to outgoing and to incoming packets alike
  uint64_t seed = 1;
};

inline void addSimOptions(CLI::App& cli, SimOptions& sim) {
  cli.add_option("--sim-latency-ms", sim.conditions.latencyMs, "simulated one-way latency added in each direction")
      ->capture_default_str()
      ->check(finiteRange(0, 10000));
  cli.add_option("--sim-jitter-ms", sim.conditions.jitterMs, "simulated extra delay, uniform 0..N ms (reorders state)")
      ->capture_default_str()
      ->check(finiteRange(0, 10000));
  cli.add_option("--sim-loss", sim.conditions.loss, "probability a state packet is lost, each direction (0..1)")
      ->capture_default_str()
      ->check(finiteRange(0, 1));
  cli.add_option("--sim-dup", sim.conditions.duplicate, "probability a state packet is duplicated (0..1)")
      ->capture_default_str()
      ->check(finiteRange(0, 1));
  cli.add_option("--sim-seed", sim.seed, "seed of the link simulator")->capture_default_str();
}

} // namespace app
