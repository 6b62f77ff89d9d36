#include "apps/ferrum-demo/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>

namespace demo {

namespace {

struct Spread {
  double median = 0, max = 0;
  size_t n = 0;
};

template <typename Get>
Spread spread(const ClientSeries& c, Get get) {
  std::vector<double> v;
  for (const SeriesPoint& p : c.points)
    if (auto x = get(p)) v.push_back(*x);
  Spread s;
  s.n = v.size();
  if (v.empty()) return s;
  s.max = *std::max_element(v.begin(), v.end());
  s.median = median(std::move(v));
  return s;
}

std::string figures(const std::vector<ClientSeries>& series) {
  std::string s = "| client | samples | kbit/s received, median / max | kbit/s sent, median / max | RTT ms, median / max "
                  "| crate RMS error mm, median / max | samples compared | max tick gap | view age ticks, median |\n"
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const ClientSeries& c : series) {
    const Spread in = spread(c, [](const SeriesPoint& p) { return std::optional<double>(p.kbitIn); });
    const Spread out = spread(c, [](const SeriesPoint& p) { return std::optional<double>(p.kbitOut); });
    const Spread rtt = spread(c, [](const SeriesPoint& p) { return std::optional<double>(p.rttMs); });
    const Spread err = spread(c, [](const SeriesPoint& p) { return p.hasError ? std::optional<double>(p.errorMm) : std::nullopt; });
    const Spread age = spread(c, [](const SeriesPoint& p) { return std::optional<double>(p.viewAgeTicks); });
    const Spread gap = spread(c, [](const SeriesPoint& p) {
      return p.hasError ? std::optional<double>(std::abs(p.tickGap)) : std::nullopt;
    });
    s += fmt::format("| {} | {} | {:.1f} / {:.1f} | {:.1f} / {:.1f} | {:.2f} / {:.2f} | {} | {} of {} | {:.0f} | {:.0f} |\n",
                     c.name, c.points.size(), in.median, in.max, out.median, out.max, rtt.median, rtt.max,
                     err.n ? fmt::format("{:.1f} / {:.1f}", err.median, err.max) : std::string("-"), err.n,
                     c.points.size(), gap.max, age.median);
  }
  return s;
}

std::string method(int tickHz) {
  return fmt::format(R"(## How the position error is measured

Every peer samples itself once per second of simulation ticks, when `tick / {0}`
changes (`timeline` in each `--stats-json` file, `apps/common/timeline.h`): traffic
totals, RTT, and the position of every crate. A client's tick counter is re-based
to the server's when the server's welcome arrives, so the server and the clients
sample at nearly the same tick numbers. For each client sample, ferrum-demo takes the
server sample with the nearest tick; if they are more than {1} ticks apart the sample is
not compared (the gap is shown as a hole in the plot). The error is the root mean
square, over the crates both have, of the distance between the client's crate and the
server's.

What this measures is how far the world a client has *at its present tick* is from the
server's at the same tick number: it includes the state's age on the way (the
client applies the newest state it has and lets physics carry the crates on from
there, or whatever the crates' remote-view mode does) and quantization (1/512 m).

Limits, and how to read it:

- The tick numbers line up only as well as the re-basing: the client's counter
  starts from the server's tick *when the welcome was sent*, so it runs behind the
  server's by the welcome's one-way delay (well under a tick on loopback), and
  the two counters drift apart if one process falls behind and catches up in bursts.
  Over a LAN with more latency, the same tick number on the client is a later wall
  moment than on the server, and the error includes that shift.
- A sample is taken at the first loop turn after the tick crossed the second; when a
  frame runs several ticks at once the sample lands a tick or two late. The gap
  actually matched is column 6 of `plot-data/client-N.dat` ("max tick gap" above).
- It is the physics body's position, not the drawn one (a display offset that hides
  corrections is not included).
- Resting crates agree to the quantization step; the error rises when grenades throw
  crates around, because a flying crate moves several centimetres per tick and the
  client shows a state at least one send interval old. "view age" in the table is the
  client's tick minus the server tick of the newest state packet it had received.
- One sample per second: short spikes between samples are not seen.
- RTT is ENet's own estimate in whole milliseconds; on loopback it sits at its
  floor of 1-2 ms, so the RTT plot only shows something on a real or simulated
  link (`--sim-*` options of the server and client).
)",
                     tickHz, kMaxTickGap);
}

} // namespace

std::filesystem::path writeReport(const std::filesystem::path& dir, const ReportInput& in, std::string& error) {
  const std::filesystem::path path = dir / "report.md";
  std::ofstream out(path);
  if (!out) {
    error = "cannot write " + path.string();
    return {};
  }
  out << "# ferrum demo report\n\n"
      << fmt::format("One `ferrum-server` and {} bot `ferrum-client` processes on 127.0.0.1; the clients played for "
                     "{:.0f} s (their bots idle for the last 3 s so the crates settle), at {} ticks per second. "
                     "Raw figures: `server.json` and `client-N.json` in this folder (fields: "
                     "`docs/architecture.md`); plot data: `plot-data/`.\n\n",
                     in.clients, in.duration, in.tickHz)
      << "## Summary (as printed by ferrum-demo)\n\n```text\n"
      << in.summary << "```\n\n"
      << "## Per client, from the per-second samples\n\n"
      << figures(in.series)
      << "\nBandwidth is application payload (no UDP/ENet headers) between two samples; the first one after "
         "the join carries the initial spawns and full states.\n\n## Plots\n\n";
  if (!in.plots.error.empty()) out << "> **" << in.plots.error << "**\n\n";
  for (const Plot& p : in.plots.drawn) out << "### " << p.title << "\n\n![" << p.title << "](" << p.file << ")\n\n";
  out << method(in.tickHz);
  if (!out) {
    error = "write failed: " + path.string();
    return {};
  }
  return path;
}

} // namespace demo
