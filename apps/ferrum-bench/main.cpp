// ferrum-bench: measures state encoders side by side on the same world states.
//   ferrum-bench bandwidth --input bench/data/gdc2015-cubes-60hz.bin.zst --baseline-age 6
//   ferrum-bench bandwidth --scenario cubes --frames 1800 --json out/bench/cubes.json
//   ferrum-bench view-error --json out/bench/view_error.json --plots out/bench/view_error
//   ferrum-bench scale --clients 4,16 --bodies 50,500 --seconds 20 --json out/bench/scale.json
//   ferrum-bench scale --arena large --clients 4,64 --bodies 500,2000 --json out/bench/scale_large.json
//   ferrum-bench client-cost --crates 50,500,2000 --json out/bench/client_cost.json
// Rows: the seed's format, full quantized, "ferrum fields" (the live codec alone:
// DeltaSender, framing and field deltas, simulated acks) and "ferrum live": two real
// NetManagers over the in-memory transport (live_pipeline.h), at 30 packets/s.
// Exit status: 0 when every packet of every encoder decoded exactly, 1 otherwise, 2 on usage errors.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <utility>
#include <vector>

#include "apps/common/cli.h"
#include "apps/common/stats_json.h"
#include "frame_source.h"
#include "live_pipeline.h"
#include "pipelines.h"
#include "scale_command.h"
#include "client_cost_command.h"
#include "view_error_command.h"

using namespace ferrum;
using namespace ferrum::bench;

namespace {

struct Options {
  std::string input;
  std::string scenario;
  int baselineAge = 6;
  double loss = 0;
  long frames = 0;
  std::string json;
  size_t maxPacketBytes = 1200;
  double budgetKbps = 0;
  bool optimistic = false;
  bool quiet = false;
  bool fieldsOnly = false;
};

/// The demo's own delta encoder on the recorded stream (data/README.md), kbit/s at 60 Hz.
const std::map<int, double> kReferenceKbps = {{1, 120.8}, {3, 148.1}, {6, 172.5}, {12, 201.1}};

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5)];
}
double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

nlohmann::json summarize(const PipelineStats& s) {
  const double k = s.packetsPerSecond / 1000.0;
  std::vector<double> kbps(s.bits.size());
  for (size_t i = 0; i < s.bits.size(); ++i) kbps[i] = s.bits[i] * k;
  nlohmann::json j;
  j["encoder"] = s.encoder;
  j["packets_per_second"] = s.packetsPerSecond;
  j["packets"] = s.bits.size();
  j["kbps_mean"] = mean(kbps);
  j["kbps_p50"] = percentile(kbps, 0.5);
  j["kbps_p95"] = percentile(kbps, 0.95);
  j["kbps_max"] = percentile(kbps, 1.0);
  j["bits_per_packet_mean"] = mean(s.bits);
  j["bits_per_cube_mean"] = s.objects ? mean(s.bits) / static_cast<double>(s.objects) : 0.0;
  j["encode_us_median"] = percentile(s.encodeUs, 0.5);
  j["decode_us_median"] = percentile(s.decodeUs, 0.5);
  j["max_position_error_m"] = s.maxPositionError;
  j["max_orientation_error_rad"] = s.maxOrientationError;
  j["max_fresh_position_error_m"] = s.maxFreshPositionError;
  j["max_fresh_orientation_error_rad"] = s.maxFreshOrientationError;
  j["mismatched_packets"] = s.mismatches;
  j["exact"] = s.mismatches == 0;
  j["max_packet_bytes"] = s.maxBytes;
  j["packets_over_cap"] = s.overCap;
  j["missing_baselines"] = s.missingBaselines;
  j["stale_objects_per_packet"] = s.bits.empty() ? 0.0 : s.staleObjectsSum / static_cast<double>(s.bits.size());
  return j;
}

int runBandwidth(const Options& o) {
  std::unique_ptr<FrameSource> source;
  if (!o.input.empty()) {
    std::string why;
    source = openRecording(o.input, why);
    if (!source) {
      std::fprintf(stderr, "ferrum-bench: %s\n", why.c_str());
      return 2;
    }
  } else {
    source = makeCubeScenario(CubeScenarioParams{});
  }
  const long frameLimit = o.frames > 0 ? o.frames : (o.input.empty() ? 1800 : 0);

  AckModel acks;
  acks.baselineAgeFrames = o.baselineAge;
  acks.ackLoss = o.loss;
  std::vector<std::unique_ptr<Pipeline>> pipelines;
  for (int pps : {60, 30}) {
    if (o.fieldsOnly) { // a quick look at the codec alone: no other row to compare with
      if (pps == 60) pipelines.push_back(makeFieldsPipeline(pps, acks, o.maxPacketBytes));
      continue;
    }
    pipelines.push_back(makeSeedPipeline(pps, SeedVariant::EveryObject));
    pipelines.push_back(makeSeedPipeline(pps, SeedVariant::ChangedOnly));
    pipelines.push_back(makeFullPipeline(pps));
    pipelines.push_back(makeFieldsPipeline(pps, acks, o.maxPacketBytes));
    // The product sends at most 30 state packets/s (NetConfig::sendHz, the seed's rule).
    if (pps <= 30) pipelines.push_back(makeLivePipeline(pps, acks, o.maxPacketBytes, o.budgetKbps, o.optimistic));
  }

  Frame frame, previous;
  long index = 0;
  double movingSum = 0;
  const bool progress = !o.quiet && isatty(fileno(stderr));
  while ((frameLimit == 0 || index < frameLimit) && source->next(frame)) {
    if (index > 0) {
      size_t moving = 0;
      for (size_t i = 0; i < frame.states.size(); ++i) moving += !(frame.states[i] == previous.states[i]);
      movingSum += static_cast<double>(moving) / static_cast<double>(frame.states.size());
    }
    for (auto& p : pipelines) p->frame(frame, index);
    std::swap(frame, previous);
    ++index;
    if (progress && index % 100 == 0) std::fprintf(stderr, "\rferrum-bench: frame %ld", index);
  }
  for (auto& p : pipelines) p->finish();
  if (progress) std::fprintf(stderr, "\r%40s\r", "");
  if (!source->error().empty()) {
    std::fprintf(stderr, "ferrum-bench: %s\n", source->error().c_str());
    return 2;
  }
  if (index < 2) {
    std::fprintf(stderr, "ferrum-bench: need at least 2 frames, got %ld\n", index);
    return 2;
  }

  nlohmann::json report;
  report["source"] = source->describe();
  report["frames"] = index;
  report["baseline_age_frames"] = o.baselineAge;
  report["ack_loss"] = o.loss;
  report["max_packet_bytes"] = o.maxPacketBytes;
  report["budget_kbps"] = o.budgetKbps;
  report["optimistic_baselines"] = o.optimistic;
  report["moving_share_mean"] = movingSum / static_cast<double>(index - 1);
  report["objects"] = previous.states.size();
  bool exact = true;
  std::printf("source: %s, %ld frames, %zu objects, baseline age %d frames, ack loss %.2f\n",
              source->describe().c_str(), index, previous.states.size(), o.baselineAge, o.loss);
  std::printf("moving per frame: %.2f%% of objects\n\n", 100.0 * report["moving_share_mean"].get<double>());
  std::printf("%-17s %4s %9s %9s %9s %9s %8s %8s %8s %9s %9s %6s %6s\n", "encoder", "pps", "kbps mean", "p50", "p95",
              "max", "bit/cube", "enc us", "dec us", "pos err m", "ori rad", "exact", "maxB");
  for (const auto& p : pipelines) {
    nlohmann::json j = summarize(p->stats());
    p->report(j);
    exact = exact && j["exact"].get<bool>();
    std::printf("%-17s %4d %9.1f %9.1f %9.1f %9.1f %8.3f %8.1f %8.1f %9.6f %9.6f %6s %6zu\n",
                j["encoder"].get<std::string>().c_str(), j["packets_per_second"].get<int>(), j["kbps_mean"].get<double>(),
                j["kbps_p50"].get<double>(), j["kbps_p95"].get<double>(), j["kbps_max"].get<double>(),
                j["bits_per_cube_mean"].get<double>(), j["encode_us_median"].get<double>(),
                j["decode_us_median"].get<double>(), j["max_fresh_position_error_m"].get<double>(),
                j["max_fresh_orientation_error_rad"].get<double>(), j["exact"].get<bool>() ? "yes" : "NO",
                j["max_packet_bytes"].get<size_t>());
    report["encoders"].push_back(j);
  }
  std::printf("(errors: objects whose receiver copy is this frame's state; with stale ones see the JSON)\n");
  for (const auto& e : report["encoders"])
    if (e.contains("blocks_checked"))
      std::printf("%s, %d pps: every applied block checked against the authority's state at its tick: %llu blocks "
                  "over %llu frames after start-up, %llu mismatched, %llu unrecorded; %llu of %llu applied were "
                  "deltas (%llu against the spawn)\n",
                  e["encoder"].get<std::string>().c_str(), e["packets_per_second"].get<int>(),
                  static_cast<unsigned long long>(e["blocks_checked"].get<uint64_t>()),
                  static_cast<unsigned long long>(e["frames_checked"].get<uint64_t>()),
                  static_cast<unsigned long long>(e["block_mismatches"].get<uint64_t>()),
                  static_cast<unsigned long long>(e["blocks_unrecorded"].get<uint64_t>()),
                  static_cast<unsigned long long>(e["delta_blocks"].get<uint64_t>()),
                  static_cast<unsigned long long>(e["blocks_applied"].get<uint64_t>()),
                  static_cast<unsigned long long>(e["spawn_delta_blocks"].get<uint64_t>()));
  // Ratios against the baselines measured in this same run, and the published reference.
  for (int pps : {60, 30}) {
    double seed = 0, seedChanged = 0, ours = 0, live = 0;
    for (const auto& e : report["encoders"]) {
      if (e["packets_per_second"] != pps) continue;
      if (e["encoder"] == "seed (zlib)") seed = e["kbps_mean"];
      if (e["encoder"] == "seed changed-only") seedChanged = e["kbps_mean"];
      if (e["encoder"] == "ferrum fields") ours = e["kbps_mean"];
      if (e["encoder"] == "ferrum live") live = e["kbps_mean"];
    }
    if (live > 0) report["live_over_seed"][std::to_string(pps)] = seed > 0 ? live / seed : 0.0;
    const double overSeed = seed > 0 ? ours / seed : 0.0;
    const double overChanged = seedChanged > 0 ? ours / seedChanged : 0.0;
    report["ferrum_over_seed"][std::to_string(pps)] = overSeed;
    report["ferrum_over_seed_changed_only"][std::to_string(pps)] = overChanged;
    std::printf("\n%d pps: ferrum / seed = %.4f, ferrum / seed changed-only = %.4f", pps, overSeed, overChanged);
    if (live > 0) std::printf(", live / seed = %.4f", seed > 0 ? live / seed : 0.0);
    else std::printf(", live: none (NetConfig::sendHz is at most 30)");
    if (pps == 60 && !o.input.empty() && o.loss == 0 && kReferenceKbps.count(o.baselineAge)) {
      const double ref = kReferenceKbps.at(o.baselineAge);
      report["reference_kbps"] = ref;
      report["ferrum_over_reference"] = ours / ref;
      std::printf(", ferrum / reference (%.1f kbit/s) = %.4f", ref, ours / ref);
      if (live > 0) {
        report["live_over_reference"] = live / ref;
        std::printf(", live / reference = %.4f", live / ref);
      }
    }
  }
  std::printf("\n");
  if (std::string error; !o.json.empty() && !app::writeJson(o.json, report, error)) {
    std::fprintf(stderr, "ferrum-bench bandwidth: %s\n", error.c_str());
    return 1; // the run happened, its report did not get written (README, exit codes)
  }
  return exact ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"ferrum-bench: state encoders compared on the same world states"};
  app.require_subcommand(1);
  Options o;
  CLI::App* bw = app.add_subcommand("bandwidth", "seed format (and changed-only) vs full quantized vs the live codec alone vs two live NetManagers");
  auto* input = bw->add_option("--input", o.input, "recorded stream, challenge layout (zstd or raw)")->check(CLI::ExistingFile);
  bw->add_option("--scenario", o.scenario, "built-in scenario")->check(CLI::IsMember({"cubes"}))->excludes(input);
  bw->add_option("--baseline-age", o.baselineAge, "frames between a packet and its ack (baseline age)")
      ->check(CLI::Range(1, 120));
  bw->add_option("--loss", o.loss, "probability that an ack is lost (stale baselines)")->check(app::finiteRange(0.0, 0.99));
  bw->add_option("--frames", o.frames, "stop after N frames (scenario default 1800; recording: all)")
      ->check(CLI::Range(2L, 10000000L));
  bw->add_option("--json", o.json, "write the full report as JSON here");
  bw->add_option("--max-packet-bytes", o.maxPacketBytes, "payload cap of the ferrum rows (NetConfig::maxPacketBytes)")->check(CLI::Range(16, 65000));
  bw->add_option("--budget-kbps", o.budgetKbps, "the live row's per-receiver budget, NetConfig::budgetKbps (0: cap only)")->check(app::finiteRange(0.0, 1e6));
  bw->add_flag("--optimistic-baselines", o.optimistic,
               "the live row's server codes against the newest block sent, NetConfig::optimisticBaselines");
  bw->add_flag("--quiet", o.quiet, "no progress line");
  bw->add_flag("--fields-only", o.fieldsOnly, "only the ferrum fields row at 60 packets/s (a quick look at the codec)");
  ViewErrorCommand ve;
  CLI::App* veApp = app.add_subcommand("view-error", "remote views against the server's truth, per link condition and mode");
  veApp->add_option("--seconds", ve.run.seconds, "measured seconds per run")->capture_default_str()->check(app::finiteRange(1.0, 3600.0));
  veApp->add_option("--json", ve.json, "write every run's figures as JSON here");
  veApp->add_option("--plots", ve.plotsDir, "write gnuplot PNGs of error over time (one run per mode) here");
  veApp->add_option("--rtt-ms", ve.rttMs, "RTT conditions")->capture_default_str()->check(app::finiteRange(0.0, 2000.0));
  veApp->add_option("--loss", ve.lossPercent, "loss conditions, percent")->capture_default_str()->check(app::finiteRange(0.0, 90.0));
  veApp->add_option("--modes", ve.modes, "view modes (default: each entity type's own)")->capture_default_str()
      ->check(CLI::IsMember({"default", "raw", "interpolate", "extrapolate", "predict"}));
  veApp->add_option("--seed", ve.run.seed, "link simulator and bot seed")->capture_default_str();
  veApp->add_option("--threads", ve.threads, "runs in parallel")->capture_default_str()->check(CLI::Range(1u, 64u));
  veApp->add_flag("--quiet", ve.quiet, "no progress line");
  ScaleCommand sc;
  CLI::App* scApp = app.add_subcommand(
      "scale", "a real server (demo or large arena, loopback ENet) and N light bot clients: tick rate, server CPU per tick, "
               "join time, per-client traffic, forwarding delay, per cell of clients x bodies");
  scApp->add_option("--clients", sc.clients, "bot clients per cell (list)")->capture_default_str()
      ->check(CLI::Range(1, 254))->delimiter(',');
  scApp->add_option("--bodies", sc.bodies, "crates per cell (list)")->capture_default_str()
      ->check(CLI::Range(0, 5000))->delimiter(',');
  scApp->add_option("--seconds", sc.cell.seconds, "measured seconds per cell")->capture_default_str()
      ->check(app::finiteRange(1.0, 3600.0));
  scApp->add_option("--join-spread-seconds", sc.cell.joinSpreadSeconds,
                    "bots connect evenly over this long (0: all at once)")->capture_default_str()
      ->check(app::finiteRange(0.0, 600.0));
  scApp->add_option("--settle-seconds", sc.cell.settleSeconds, "crates settle this long before the first join")
      ->capture_default_str()->check(app::finiteRange(0.0, 600.0));
  scApp->add_option("--seed", sc.cell.seed, "crate layout seed")->capture_default_str();
  scApp->add_option("--forward-window-ms", sc.cell.forwardWindowMs,
                    "the server's forward window (NetConfig::forwardWindowMs; default: its own default)")
      ->check(app::finiteRange(0.0, 1000.0));
  scApp->add_flag("--physics-thread,!--no-physics-thread", sc.cell.physicsThread,
                  "the server steps physics on a thread of its own while it writes a tick's packets "
                  "(NetConfig::physicsThread, on by default; --no-physics-thread: one thread does both in turn)");
  scApp->add_flag("--stagger-sends,!--no-stagger-sends", sc.cell.staggerSends,
                  "clients take turns across the ticks of a send period, so each tick writes its share of the "
                  "packets beside its physics step (NetConfig::staggerSends, off by default: every client on the "
                  "same ticks)");
  scApp->add_option("--join-tick-share", sc.cell.joinTickShare,
                    "the server's NetConfig::joinTickShare: the share of a tick (receiving, simulation, sending and "
                    "spawns) under which the join budget grows (default: its own default)")
      ->check(app::finiteRange(0.01, 1.0));
  scApp->add_option("--join-share-when-behind", sc.cell.joinShareWhenBehind,
                    "the server's NetConfig::joinShareWhenBehind: the share of a tick its spawns alone may take "
                    "while it is behind without its joins (0: joins held at the floor; default: its own default)")
      ->check(app::finiteRange(0.0, 1.0));
  scApp->add_option("--send-hz", sc.cell.sendHz,
                    "state packets per second from the server to each client and from each bot to the server (NetConfig::sendHz); "
                    "below 30 shows what the rest of the tick costs")
      ->capture_default_str()->check(CLI::Range(1, 30));
  scApp->add_option("--bot-nice", sc.cell.botNiceness,
                    "nice value of the bot threads (they yield the CPU to the server thread; 0: same priority)")
      ->capture_default_str()->check(CLI::Range(0, 19));
  scApp->add_flag("--bots-share-an-address", sc.cell.botsShareAnAddress,
                  "every bot connects from 127.0.0.1, as from one machine (default: each from its own loopback "
                  "address, 127.0.1.x, as players from their own machines; from one, the server's guard against "
                  "half-open handshakes delays some of a burst of joins)");
  std::string arena = "demo";
  scApp->add_option("--arena", arena,
                    "demo: the 40 x 40 m demo arena, crates in a pile, bots on circles near the centre; large: the "
                    "120 x 120 m large arena, crates scattered all over, each bot walking random waypoints in a "
                    "region of its own, interest management on")
      ->capture_default_str()->check(CLI::IsMember({"demo", "large"}));
  scApp->add_option("--relevance-radius", sc.cell.relevanceRadius,
                    "the server's interest radius in metres (0: off; default: 20 in the large arena, off in the demo)")
      ->check(app::finiteRange(0.0, 1000.0));
  scApp->add_option("--forward-full-rate-m", sc.cell.forwardFullRateMeters,
                    "the server's NetConfig::forwardFullRateMeters: other players within this are forwarded every "
                    "update (default: its own default)")
      ->check(app::finiteRange(0.0, 1000.0));
  scApp->add_option("--forward-falloff-m", sc.cell.forwardFalloffMeters,
                    "the server's NetConfig::forwardFalloffMeters: the distance scale of the forwarding fall-off "
                    "(0: none; default: its own default)")
      ->check(app::finiteRange(0.0, 1000.0));
  scApp->add_option("--walk-region", sc.cell.walkRegionHalfSize,
                    "large arena: each bot walks within this many metres of its region's centre")
      ->capture_default_str()->check(app::finiteRange(1.0, 60.0));
  scApp->add_option("--json", sc.json, "write every cell's figures as JSON here");
  scApp->add_option("--from-json", sc.fromJson, "run nothing: print the table (and --plots) of an earlier --json")
      ->check(CLI::ExistingFile);
  scApp->add_option("--plots", sc.plotsDir, "write gnuplot PNGs against the client count (one curve per body count) here");
  ClientCostCommand cc;
  CLI::App* ccApp = app.add_subcommand(
      "client-cost", "one real ferrum-client process (--no-player) against ferrum-server --crates N: its CPU per "
                     "remote entity and ticks/s (runs the executables beside ferrum-bench)");
  ccApp->add_option("--crates", cc.crates, "crate counts (list)")->capture_default_str()->check(CLI::Range(0, 2000))
      ->delimiter(',');
  ccApp->add_option("--seconds", cc.seconds, "measured seconds per count")->capture_default_str()
      ->check(app::finiteRange(1.0, 3600.0));
  ccApp->add_option("--settle-seconds", cc.settleSeconds, "seconds after the client starts before measuring")
      ->capture_default_str()->check(app::finiteRange(1.0, 600.0));
  ccApp->add_option("--json", cc.json, "write the figures as JSON here");
  ccApp->add_option("--scenario", cc.scenario,
                    "both processes' --scenario: arena (crates in rows, beyond 50 most fall off the floor) or large "
                    "(scattered over 120 x 120 m, all settle)")
      ->capture_default_str()->check(CLI::IsMember({"arena", "large"}));
  std::string& logLevel = app::addStandardOptions(app, "ferrum-bench", "warn");
  if (int code = 0; !app::parseCommandLine(app, argc, argv, code)) return code;
  if (std::string error; !app::applyLogLevel(logLevel, error)) {
    std::fprintf(stderr, "ferrum-bench: %s\n", error.c_str());
    return 2;
  }
  // Where the results go is checked now, not after a run of minutes: a directory that
  // cannot be created is bad usage (exit 2), like a number out of range.
  const std::vector<std::pair<std::string, bool>> outputs =
      veApp->parsed()   ? std::vector<std::pair<std::string, bool>>{{ve.json, false}, {ve.plotsDir, true}}
      : scApp->parsed() ? std::vector<std::pair<std::string, bool>>{{sc.json, false}, {sc.plotsDir, true}}
      : ccApp->parsed() ? std::vector<std::pair<std::string, bool>>{{cc.json, false}}
                        : std::vector<std::pair<std::string, bool>>{{o.json, false}};
  for (const auto& [path, isDirectory] : outputs) {
    std::string error;
    if (!path.empty() && !(isDirectory ? app::makeDirectories(path, error) : app::makeParentDirectory(path, error))) {
      std::fprintf(stderr, "ferrum-bench: %s %s: %s\n", isDirectory ? "--plots" : "--json", path.c_str(), error.c_str());
      return 2;
    }
  }
  if (veApp->parsed()) return runViewErrorCommand(ve);
  if (scApp->parsed()) {
    sc.cell.largeArena = arena == "large";
    return runScaleCommand(sc);
  }
  if (ccApp->parsed()) return runClientCostCommand(cc);
  if (o.input.empty() && o.scenario.empty()) {
    std::fprintf(stderr, "ferrum-bench bandwidth: give --input PATH or --scenario cubes\n");
    return 2;
  }
  return runBandwidth(o);
}
