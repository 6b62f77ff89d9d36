#!/usr/bin/env bash
# ferrum as a user gets it: `cmake --install` into a temporary prefix, then the
# hello-world game built outside this tree twice, with find_package(ferrum) and with
# pkg-config, and each pair of processes run against each other over loopback.
#   consume_installed.sh SOURCE_DIR BUILD_DIR
set -eu
src=$1 build=$2
work=$(mktemp -d /tmp/ferrum-consume.XXXXXX)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

echo "== install into $prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
for f in include/ferrum/host.h lib/libferrum.a lib/cmake/ferrum/ferrumConfig.cmake \
         lib/cmake/ferrum/ferrumConfigVersion.cmake lib/pkgconfig/ferrum.pc share/doc/ferrum/LICENSE; do
  [ -e "$prefix/$f" ] || { echo "not installed: $f"; ls -R "$prefix"; exit 1; }
done

echo "== find_package(ferrum): examples/ as a project of its own"
cmake -S "$src/examples" -B "$work/cmake-build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" > "$work/configure.log"
cmake --build "$work/cmake-build" > "$work/build.log" || { cat "$work/build.log"; exit 1; }
bash "$src/tests/examples/hello_over_loopback.sh" "$work/cmake-build/hello-server" "$work/cmake-build/hello-client"

echo "== pkg-config ferrum"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
for part in server client; do
  # shellcheck disable=SC2046 # pkg-config's output is meant to split into arguments
  c++ "$src/examples/hello/$part.cpp" -o "$work/pc-$part" $(pkg-config --cflags --libs ferrum)
done
bash "$src/tests/examples/hello_over_loopback.sh" "$work/pc-server" "$work/pc-client"
echo "consumers: ok"
