#!/usr/bin/env bash
# Installs the Debian packages ferrum needs to build, test and demo, only when missing.
# Idempotent: a second run installs nothing and exits quickly.
set -euo pipefail

packages=(
  # toolchain
  g++ clang cmake ninja-build pkg-config make
  # libFuzzer and the sanitizer runtimes for clang 14 (`make fuzz`, tests/fuzz)
  libclang-rt-14-dev
  # libraries (see README.md and DESIGN: ENet, Bullet, SDL2, ImGui, CLI11, spdlog, fmt, tests)
  libenet-dev libbullet-dev libsdl2-dev libimgui-dev libstb-dev libgl-dev
  libcli11-dev libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
  libzstd-dev zlib1g-dev nlohmann-json3-dev
  # ferrum-server's HTTP side door (/healthz, /readyz, /metrics) and its tests
  libcpp-httplib-dev
  # reports and headless rendering
  gnuplot-nox zstd xvfb xauth
  # Mesa software rendering for the viewer screenshot test (SDL_VIDEODRIVER=offscreen)
  libgl1-mesa-dri libegl1
  # the LAN discovery test builds two network namespaces with `ip netns`
  iproute2
)

# `setup.sh docs` (make docs) also installs Doxygen for the API reference.
if [ "${1:-}" = docs ]; then
  packages+=(doxygen)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages: ${missing[*]}" >&2
  echo "setup: run as root (or install them with sudo apt-get install) and try again" >&2
  exit 1
fi

echo "setup: installing ${#missing[@]} missing Debian package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
