#include "frame_source.h"

#include <zstd.h>

#include <cstring>

#include "ferrum/physics_world.h"

namespace ferrum::bench {

namespace {

constexpr size_t kCubesPerFrame = 901;
constexpr size_t kIntsPerCube = 8;
constexpr size_t kFrameBytes = kCubesPerFrame * kIntsPerCube * 4;

int32_t readInt32Le(const uint8_t* p) {
  return static_cast<int32_t>(uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24));
}

/// Streams frames from a file, through ZSTD's streaming decoder when compressed,
/// so the 86 MB raw stream never has to sit in memory.
class RecordingSource final : public FrameSource {
public:
  RecordingSource(std::FILE* file, bool compressed, std::string path)
      : m_file(file), m_path(std::move(path)), m_inBuf(ZSTD_DStreamInSize()) {
    if (compressed) m_zstd = ZSTD_createDStream();
  }
  ~RecordingSource() override {
    if (m_zstd) ZSTD_freeDStream(m_zstd);
    std::fclose(m_file);
  }

  bool next(Frame& frame) override {
    while (m_pending.size() < kFrameBytes)
      if (!fill()) {
        if (!m_pending.empty() && m_error.empty()) m_error = "truncated frame at the end of " + m_path;
        return false;
      }
    frame.states.resize(kCubesPerFrame);
    frame.poses.resize(kCubesPerFrame);
    for (size_t i = 0; i < kCubesPerFrame; ++i) {
      const uint8_t* p = m_pending.data() + i * kIntsPerCube * 4;
      int32_t v[kIntsPerCube];
      for (size_t k = 0; k < kIntsPerCube; ++k) v[k] = readInt32Le(p + 4 * k);
      CubeState s;
      s.largest = static_cast<uint32_t>(v[0]);
      s.a = static_cast<uint32_t>(v[1]);
      s.b = static_cast<uint32_t>(v[2]);
      s.c = static_cast<uint32_t>(v[3]);
      s.x = v[4];
      s.y = v[5];
      s.z = v[6];
      s.interacting = v[7] != 0;
      if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0 || v[7] < 0 || v[7] > 1 || !isValid(s)) {
        m_error = "value out of the challenge layout's range in " + m_path;
        return false;
      }
      frame.states[i] = s;
      // The recording is already on the grid: its exact pose is the grid pose.
      frame.poses[i] = dequantizeCube(s);
    }
    m_pending.erase(m_pending.begin(), m_pending.begin() + static_cast<std::ptrdiff_t>(kFrameBytes));
    return true;
  }
  std::string error() const override { return m_error; }
  std::string describe() const override { return m_path + (m_zstd ? " (zstd)" : " (raw)"); }

private:
  bool fill() {
    if (!m_error.empty()) return false;
    const size_t n = std::fread(m_inBuf.data(), 1, m_inBuf.size(), m_file);
    if (n == 0) return false;
    if (!m_zstd) {
      m_pending.insert(m_pending.end(), m_inBuf.begin(), m_inBuf.begin() + static_cast<std::ptrdiff_t>(n));
      return true;
    }
    ZSTD_inBuffer in{m_inBuf.data(), n, 0};
    std::vector<uint8_t> out(ZSTD_DStreamOutSize());
    while (in.pos < in.size) {
      ZSTD_outBuffer o{out.data(), out.size(), 0};
      const size_t rc = ZSTD_decompressStream(m_zstd, &o, &in);
      if (ZSTD_isError(rc)) {
        m_error = std::string("zstd: ") + ZSTD_getErrorName(rc) + " in " + m_path;
        return false;
      }
      m_pending.insert(m_pending.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(o.pos));
    }
    return true;
  }

  std::FILE* m_file;
  std::string m_path;
  ZSTD_DStream* m_zstd = nullptr;
  std::vector<uint8_t> m_inBuf;
  std::vector<uint8_t> m_pending;
  std::string m_error;
};

/// 900 small cubes on a floor and a big player cube pushed towards pseudo-random
/// waypoints, hopping now and then. Bullet is y-up; the wire is z-up, so y and z
/// swap (a reflection: the quaternion's vector part swaps and flips sign).
class CubeScenario final : public FrameSource {
public:
  explicit CubeScenario(const CubeScenarioParams& p) : m_p(p), m_script(p) {
    BodyDesc floor;
    floor.size = {100, 0.5f, 100};
    floor.transform.position = {0, -0.5f, 0};
    m_world.addStatic(floor);
    BodyDesc player;
    player.size = {p.playerSize / 2, p.playerSize / 2, p.playerSize / 2};
    player.mass = p.playerMass;
    player.transform.position = p.playerStart();
    m_bodies.push_back(m_world.createBody(player));
    for (int i = 0; i < p.gridSide; ++i)
      for (int j = 0; j < p.gridSide; ++j) {
        BodyDesc cube;
        cube.size = {p.cubeSize / 2, p.cubeSize / 2, p.cubeSize / 2};
        cube.mass = p.cubeMass;
        cube.transform.position = p.cubeStart(i, j);
        m_bodies.push_back(m_world.createBody(cube));
      }
  }
  ~CubeScenario() override { m_bodies.clear(); }

  bool next(Frame& frame) override {
    if (m_frame > 0) step();
    ++m_frame;
    frame.states.resize(m_bodies.size());
    frame.poses.resize(m_bodies.size());
    for (size_t i = 0; i < m_bodies.size(); ++i) {
      const Transform t = m_bodies[i].transform();
      Transform zUp;
      zUp.position = {t.position.x, t.position.z, t.position.y};
      zUp.orientation = {-t.orientation.x, -t.orientation.z, -t.orientation.y, t.orientation.w};
      frame.poses[i] = zUp;
      // "Interacting": awake in Bullet's island sense (touching something moving).
      frame.states[i] = quantizeCube(zUp, !m_bodies[i].atRest());
    }
    return true;
  }
  std::string describe() const override { return "scenario cubes (Bullet, 900 + 1 player)"; }

private:
  void step() {
    const float dt = static_cast<float>(1.0 / m_p.hz);
    Body& player = m_bodies[0];
    m_script.step(player.position(), player.linearVelocity(), dt, [&](Vec3 impulse) { player.applyImpulse(impulse); });
    m_world.step(dt);
  }

  CubeScenarioParams m_p;
  game::RollerScript m_script;
  PhysicsWorld m_world;
  std::vector<Body> m_bodies;
  long m_frame = 0;
};

} // namespace

std::unique_ptr<FrameSource> openRecording(const std::string& path, std::string& why) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    why = "cannot open " + path + ": " + std::strerror(errno);
    return nullptr;
  }
  uint8_t magic[4] = {0, 0, 0, 0};
  const size_t n = std::fread(magic, 1, 4, f);
  std::rewind(f);
  const bool compressed = n == 4 && readInt32Le(magic) == static_cast<int32_t>(ZSTD_MAGICNUMBER);
  return std::make_unique<RecordingSource>(f, compressed, path);
}

std::unique_ptr<FrameSource> makeCubeScenario(const CubeScenarioParams& params) {
  return std::make_unique<CubeScenario>(params);
}

} // namespace ferrum::bench
