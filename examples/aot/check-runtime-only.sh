#!/bin/sh
# Checks that the AOT-compiled program needs nothing of LLVM or MLIR: its
# link command names neither, it loads no such library, and it holds no
# symbol of their C++ namespaces.
#   check-runtime-only.sh BINARY READELF NM [LINK_COMMAND...]
set -eu
bin=$1 readelf=$2 nm=$3
shift 3
if [ $# -gt 0 ] && "$@" | tail -n 1 | grep -Eio '[^ ]*(llvm|mlir)[^ ]*'; then
  echo "the link command of $bin names LLVM/MLIR (above)" >&2
  exit 1
fi
if "$readelf" -d "$bin" | grep -Ei 'NEEDED.*(llvm|mlir)'; then
  echo "$bin loads LLVM/MLIR (above)" >&2
  exit 1
fi
if "$nm" -C "$bin" | grep -E '(mlir|llvm)::' | head -5 | grep .; then
  echo "$bin holds LLVM/MLIR code (above)" >&2
  exit 1
fi
echo "$bin: runtime only ($("$readelf" -d "$bin" | grep -c NEEDED) libraries:" \
  "$("$readelf" -d "$bin" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | tr '\n' ' '))"
