#!/usr/bin/env bash
# The include rule of DESIGN.md: layers only depend downward. Every source file under
# the directories below is given a layer; every #include it makes must land in its own
# layer or in one its layer may use. Anything else (an include pointing up, or
# sideways between siblings such as net and sim) fails the check with file:line.
#
#   scripts/check_layers.sh [ROOT]           check; exit 1 on a forbidden include
#   scripts/check_layers.sh --list [ROOT]    files and lines per layer (no check)
#   scripts/check_layers.sh --files [ROOT]   every file with its layer and lines
#
# A new file that lands in the wrong layer by the globs below: add a line to FILES.
set -euo pipefail

# --------------------------------------------------------------------- the layers
# Lowest first. "may use": the other layers its files may include. "library": how
# files of this layer may reach the library: "any" header, or "public" (include/ferrum
# only: code built against the library's API, as a game of a user's would be).
LAYERS=(
  # name     library  may use
  "base      any      -"
  "wire      any      base"
  "net       any      base wire"
  "sim       any      base wire"
  "core      any      base wire net sim"
  "game      public   base wire net sim core"
  "viewer    public   base wire net sim core game"
  "examples  public   base wire net sim core viewer"
  "bench     any      base wire net sim core game"
  "apps      any      base wire net sim core game viewer"
  "tests     any      base wire net sim core game examples viewer bench apps"
)
# Library layers: the ones whose files are include/ferrum and src/.
LIBRARY_LAYERS="base wire net sim core"

# Which layer a file is in: the first glob (from the root) that matches.
FILES=(
  # base: vocabulary every layer shares, and the library's logging and version
  "include/ferrum/math.h            base"
  "include/ferrum/ids.h             base"
  "include/ferrum/spawn_state.h     base"
  "include/ferrum/clock.h           base"
  "include/ferrum/log.h             base"
  "include/ferrum/version.h         base"
  "src/base/*                       base"
  # wire: bits, quantization, the messages
  "include/ferrum/bit_stream.h      wire"
  "include/ferrum/quantize.h        wire"
  "include/ferrum/field_layout.h    wire"
  "include/ferrum/rigid_quantization.h wire"
  "src/wire/*                       wire"
  # sim: Bullet, rigid states, remote views
  "include/ferrum/physics_world.h   sim"
  "include/ferrum/rigid_state.h     sim"
  "include/ferrum/remote_view.h     sim"
  "include/ferrum/visual.h          sim"
  "src/sim/*                        sim"
  # core: entities, controllers, the group, NetManager (in src/net/, one class for
  # both roles) and its referee
  "src/net/net_manager*             core"
  "src/net/referee*                 core"
  "src/core/*                       core"
  # net: transports, link simulation, config and counters, send-side helpers, discovery
  "include/ferrum/transport.h       net"
  "include/ferrum/enet_transport.h  net"
  "include/ferrum/memory_transport.h net"
  "include/ferrum/link_simulator.h  net"
  "include/ferrum/net_config.h      net"
  "include/ferrum/net_stats.h       net"
  "include/ferrum/discovery.h       net"
  "src/net/*                        net"
  # every other public header: the library's top (Entity, Controller, NetManager...)
  "include/ferrum/*                 core"
  "game/*                           game"
  "viewer/*                         viewer"
  "apps/*                           apps"
  "bench/*                          bench"
  "examples/*                       examples"
  "tests/*                          tests"
)
SCAN_DIRS=(include src game viewer apps bench tests examples)
# ------------------------------------------------------------------------------

mode=check
case "${1:-}" in
--list) mode=list; shift ;;
--files) mode=files; shift ;;
-h | --help) sed -n 2,12p "$0"; exit 0 ;;
esac
ROOT="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$ROOT"

declare -A ALLOWED PUBLIC_ONLY
LAYER_ORDER=()
for row in "${LAYERS[@]}"; do
  read -r name library uses <<<"$row"
  LAYER_ORDER+=("$name")
  PUBLIC_ONLY[$name]=$([[ $library == public ]] && echo 1 || echo 0)
  ALLOWED[$name]=" $name ${uses//-/} "
done

# Prints the layer of a root-relative path, or nothing.
layer_of() {
  local row glob layer
  for row in "${FILES[@]}"; do
    read -r glob layer <<<"$row"
    # shellcheck disable=SC2053 # the glob is meant to match
    if [[ $1 == $glob ]]; then
      echo "$layer"
      return
    fi
  done
}

# Where an include lands, as the compiler's include paths see it: next to the file,
# then from the root (game/, apps/, tests/...), include/, src/. Prints nothing if none.
resolve() {
  local from_dir=$1 target=$2 candidate
  for candidate in "$from_dir/$target" "$target" "include/$target" "src/$target"; do
    if [[ -f $candidate ]]; then
      realpath --relative-to=. "$candidate"
      return
    fi
  done
}

mapfile -t SOURCES < <(find "${SCAN_DIRS[@]}" -type f \( -name '*.h' -o -name '*.hpp' -o -name '*.cpp' -o -name '*.cc' \) 2>/dev/null | sort)

declare -A LAYER_FILES LAYER_LINES
failures=0
fail() {
  echo "$1" >&2
  failures=$((failures + 1))
}

for file in "${SOURCES[@]}"; do
  layer=$(layer_of "$file")
  if [[ -z $layer ]]; then
    fail "$file: no layer (add it to FILES in scripts/check_layers.sh)"
    continue
  fi
  lines=$(wc -l <"$file")
  LAYER_FILES[$layer]=$((${LAYER_FILES[$layer]:-0} + 1))
  LAYER_LINES[$layer]=$((${LAYER_LINES[$layer]:-0} + lines))
  if [[ $mode == files ]]; then
    printf '%-9s %6d  %s\n' "$layer" "$lines" "$file"
    continue
  fi
  [[ $mode == check ]] || continue

  while IFS=: read -r line text; do
    [[ -n $line ]] || continue
    # "quoted" includes are the project's own; <ferrum/...> is the public API too.
    if [[ $text =~ \#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]]; then
      target=${BASH_REMATCH[1]}
    elif [[ $text =~ \#[[:space:]]*include[[:space:]]*\<(ferrum/[^\>]+)\> ]]; then
      target=${BASH_REMATCH[1]}
    else
      continue
    fi
    resolved=$(resolve "$(dirname "$file")" "$target")
    if [[ -z $resolved ]]; then
      fail "$file:$line: includes \"$target\", which is no file of this project"
      continue
    fi
    to=$(layer_of "$resolved")
    if [[ -z $to ]]; then
      fail "$file:$line: includes $resolved, which has no layer"
      continue
    fi
    if [[ ${ALLOWED[$layer]} != *" $to "* ]]; then
      fail "$file:$line: $layer includes $to: $text"
    elif [[ $file == include/* && $resolved != include/* ]]; then
      fail "$file:$line: a public header includes a private one: $text"
    elif [[ ${PUBLIC_ONLY[$layer]} == 1 && " $LIBRARY_LAYERS " == *" $to "* && $resolved != include/* ]]; then
      fail "$file:$line: $layer may use the library's public headers only: $text"
    fi
  done < <(grep -n -E '^[[:space:]]*#[[:space:]]*include' "$file" || true)
done

if [[ $mode == list ]]; then
  printf '%-9s %6s %7s\n' layer files lines
  total_files=0 total_lines=0
  for name in "${LAYER_ORDER[@]}"; do
    printf '%-9s %6d %7d\n' "$name" "${LAYER_FILES[$name]:-0}" "${LAYER_LINES[$name]:-0}"
    total_files=$((total_files + ${LAYER_FILES[$name]:-0}))
    total_lines=$((total_lines + ${LAYER_LINES[$name]:-0}))
  done
  printf '%-9s %6d %7d\n' total "$total_files" "$total_lines"
fi
if ((failures > 0)); then
  echo "check_layers: $failures problem(s); the layer table is at the top of scripts/check_layers.sh" >&2
  exit 1
fi
[[ $mode == check ]] && echo "check_layers: ${#SOURCES[@]} files, every include points down"
exit 0
