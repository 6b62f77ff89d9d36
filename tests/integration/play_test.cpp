// The playable side, as real processes on 127.0.0.1: a viewer client's screenshot of a
// match with bots (offscreen rendering), and a listen server whose host player and a
// remote client's player each see the other move.

#include <gtest/gtest.h>
#include <stb_image.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"

namespace fs = std::filesystem;
using testing_support::ChildProcess;

namespace {

const fs::path kApps = FERRUM_APPS_DIR;

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;
  const uint8_t* at(int x, int y) const { return &rgb[(static_cast<size_t>(y) * width + x) * 3]; }
};

Image loadPng(const fs::path& path) {
  Image img;
  int channels = 0;
  unsigned char* data = stbi_load(path.c_str(), &img.width, &img.height, &channels, 3);
  if (!data) return img;
  img.rgb.assign(data, data + static_cast<size_t>(img.width) * img.height * 3);
  stbi_image_free(data);
  return img;
}

/// Fraction of pixels in [x0,x1) x [y0,y1) for which `match(r, g, b)` holds.
template <class F>
double fraction(const Image& img, int x0, int y0, int x1, int y1, F match) {
  size_t hits = 0, total = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x, ++total) {
      const uint8_t* p = img.at(x, y);
      hits += match(int{p[0]}, int{p[1]}, int{p[2]}) ? 1 : 0;
    }
  return total ? static_cast<double>(hits) / static_cast<double>(total) : 0;
}

nlohmann::json readJson(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in, nullptr, false);
}

/// The furthest any player with (`hostOwned`: server) authority moved, as seen here.
double furthest(const nlohmann::json& doc, bool hostOwned) {
  double best = 0;
  for (const auto& p : doc["players"])
    if ((p["authority"].get<int>() == 0) == hostOwned) best = std::max(best, p["travelled"].get<double>());
  return best;
}

} // namespace

TEST(Play, ViewerScreenshotShowsTheArenaEntitiesAndOverlay) {
  const fs::path dir = testing_support::scratchDir("shot");
  ChildProcess server({(kApps / "ferrum-server").string(), "--bind", "127.0.0.1", "--port", "0", "--port-file",
                       (dir / "port").string(), "--discovery-port", "0", "--crates", "60", "--duration", "60",
                       "--log-level", "warn"});
  const std::string port = testing_support::waitForWord(dir / "port", 20);
  ASSERT_FALSE(port.empty()) << "server never listened";
  ChildProcess bot({(kApps / "ferrum-client").string(), "--connect", "127.0.0.1:" + port, "--duration", "50",
                    "--bot-seed", "2", "--log-level", "warn"});
  setenv("SDL_VIDEODRIVER", "offscreen", 1); // no display needed: Mesa renders off screen
  // Under `make test-asan`: Mesa's GL driver leaks a few strdup'd strings from a module
  // it unloads (no symbols, so no suppression can name it); our own code is leak-checked
  // by every other test.
  setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
  ChildProcess view({(kApps / "ferrum-client").string(), "--view", "--bot", "--connect", "127.0.0.1:" + port,
                     "--screenshot", (dir / "shot.png").string(), "--frames", "60", "--width", "800", "--height",
                     "450", "--log-level", "warn"},
                    {}, dir / "view.err");
  const int code = view.wait(90);
  const std::string err = testing_support::readText(dir / "view.err");
  if (code != 0 && (err.find("SDL_") != std::string::npos || err.find("OpenGL") != std::string::npos))
    GTEST_SKIP() << "no usable OpenGL 3.3 here (SDL offscreen driver): " << err;
  ASSERT_EQ(code, 0) << err;

  const Image img = loadPng(dir / "shot.png");
  ASSERT_EQ(img.width, 800);
  ASSERT_EQ(img.height, 450);
  // Crates: orange-brown (red well above blue). The overlay covers the left; look right of
  // it. How many are in view depends on where the bot has wandered and the crates have
  // been pushed when the frame is taken (wall-clock, so load moves it): 60 crates and
  // a bar of ~1000 pixels (a few crates; an arena without them has none) keep it stable.
  const double crates = fraction(img, 340, 0, 800, 450, [](int r, int g, int b) { return r > g && g > b && r - b > 70; });
  EXPECT_GT(crates, 0.005) << "crate-coloured pixels";
  // The floor: light grey, nearly equal channels.
  const double floor = fraction(img, 340, 225, 800, 450,
                                [](int r, int g, int b) { return r > 130 && std::abs(r - g) < 12 && std::abs(g - b) < 16; });
  EXPECT_GT(floor, 0.1) << "floor pixels";
  // The overlay: a dark translucent panel at the top left, with light text on it.
  const double dark = fraction(img, 12, 30, 300, 200, [](int r, int g, int b) { return r + g + b < 210; });
  const double text = fraction(img, 12, 30, 300, 200, [](int r, int g, int b) { return r + g + b > 540; });
  EXPECT_GT(dark, 0.5) << "overlay panel";
  EXPECT_GT(text, 0.01) << "overlay text";
  fs::remove_all(dir);
}

TEST(Play, ListenServerHostAndRemoteClientSeeEachOtherMove) {
  const fs::path dir = testing_support::scratchDir("listen");
  ChildProcess host({(kApps / "ferrum-client").string(), "--host", "--bind", "127.0.0.1", "--port", "0", "--port-file",
                     (dir / "port").string(), "--discovery-port", "0", "--crates", "10", "--duration", "9",
                     "--bot-seed", "3", "--players-json", (dir / "host.json").string(), "--stats-json",
                     (dir / "host-stats.json").string(), "--log-level", "warn"},
                    {}, dir / "host.err");
  const std::string port = testing_support::waitForWord(dir / "port", 20);
  ASSERT_FALSE(port.empty()) << "listen server never listened: " << testing_support::readText(dir / "host.err");
  ChildProcess remote({(kApps / "ferrum-client").string(), "--connect", "127.0.0.1:" + port, "--duration", "5",
                       "--bot-seed", "4", "--players-json", (dir / "remote.json").string(), "--log-level", "warn"});
  EXPECT_EQ(remote.wait(60), 0);
  ASSERT_EQ(host.wait(60), 0) << testing_support::readText(dir / "host.err");

  const auto h = readJson(dir / "host.json");
  const auto r = readJson(dir / "remote.json");
  ASSERT_FALSE(h.is_discarded() || r.is_discarded());
  EXPECT_GT(furthest(h, true), 1.0) << "the host's own player moved (loopback path): " << h.dump();
  EXPECT_GT(furthest(h, false), 1.0) << "the host saw the remote client's player move: " << h.dump();
  EXPECT_GT(furthest(r, true), 1.0) << "the remote client saw the host's player move: " << r.dump();
  EXPECT_GT(furthest(r, false), 1.0) << "the remote client's own player moved: " << r.dump();
  const auto stats = readJson(dir / "host-stats.json");
  EXPECT_EQ(stats["role"], "server");
  EXPECT_EQ(stats["counters"]["clientsJoined"], 1) << "the host's player needs no connection";
  fs::remove_all(dir);
}
