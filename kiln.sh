#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for kiln, builds, and runs the demo or
# the tests.
#   ./kiln.sh demo   install dependencies, build, train the seed model
#   ./kiln.sh test   install dependencies, build, run every test suite
#   ./kiln.sh bench  install dependencies (with libtorch), build, benchmark
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-demo}

packages=(cmake ninja-build clang-19 lld-19 libopenblas-dev libgtest-dev
  libgmock-dev libbenchmark-dev ccache python3 pkg-config libclang-rt-19-dev
  llvm-19-dev libmlir-19-dev mlir-19-tools llvm-19-tools)
[ "$mode" = bench ] && packages+=(libtorch-dev)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/kiln-ccache}
# One BLAS thread: at these sizes a second thread costs more than it gives,
# and tests run two at a time.
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
jobs=$(nproc)
configure() { # dir extra-args...
  local dir=$1
  shift
  cmake -S . -B "$dir" -G Ninja \
    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
    -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld \
    "$@" >/dev/null
}

configure build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$jobs"

case "$mode" in
demo)
  ./build/demo/kiln-demo
  ;;
test)
  echo "== unit tests (Release)"
  ctest --test-dir build --output-on-failure -j "$jobs"
  echo "== runtime and frontend tests under AddressSanitizer + UBSan"
  configure build-asan -DCMAKE_BUILD_TYPE=Debug -DKILN_SANITIZE=ON \
    -DKILN_BUILD_EXAMPLES=OFF -DKILN_BUILD_COMPILER=OFF
  cmake --build build-asan -j "$jobs" --target kiln_unit_tests
  ctest --test-dir build-asan --output-on-failure -j "$jobs"
  echo "== out-of-tree program against the installed package"
  rm -rf build/install build/consumer build/consumer-aot
  cmake --install build --prefix build/install >/dev/null
  # The installed kiln-compile makes the seed step's object for the AOT
  # consumer (a C program on kiln::kiln_runtime alone).
  mkdir -p build/consumer-aot
  cp build/examples/aot/sgd/{mlp_step.mlir,mlp_step.json,mlp_step.safetensors,data.safetensors} \
    build/consumer-aot/
  ./build/install/bin/kiln-compile build/consumer-aot/mlp_step.mlir \
    -o build/consumer-aot/mlp_step.o --header build/consumer-aot/mlp_step.h
  cmake -S test/install -B build/consumer -G Ninja \
    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
    -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld \
    -DCMAKE_PREFIX_PATH="$PWD/build/install" \
    -DKILN_AOT_STEP_DIR="$PWD/build/consumer-aot" >/dev/null
  cmake --build build/consumer
  ./build/consumer/kiln-consumer
  ./build/consumer/kiln-consumer-compiled
  ./build/consumer/kiln-consumer-aot build/consumer-aot >/dev/null
  # The eager program holds nothing of LLVM/MLIR.
  if readelf -d build/consumer/kiln-consumer | grep -Ei 'NEEDED.*(llvm|mlir)' ||
    nm -C build/consumer/kiln-consumer | grep -qi 'mlir::'; then
    echo "the eager-only program links LLVM/MLIR" >&2
    exit 1
  fi
  test -x build/install/bin/kiln-opt && test -x build/install/bin/kiln-run
  ./build/install/bin/kiln-opt test/ir/ops.mlir >/dev/null
  echo "== fuzz targets, a short run each (fuzz/run.sh SECONDS for longer)"
  # kiln's own readers are fuzzed; kiln IR text goes through MLIR 19's
  # parser, whose own crashes a mutating run can find (docs/ARCHITECTURE.md),
  # so CI replays that target's seed corpus only.
  KILN_BUILD_LOCK=/tmp/kiln-fuzz-ci.lock fuzz/run.sh 20 npy safetensors
  KILN_BUILD_LOCK=/tmp/kiln-fuzz-ci.lock fuzz/run.sh 0 mlir
  ;;
bench)
  configure build -DCMAKE_BUILD_TYPE=Release -DKILN_BUILD_BENCH=ON
  cmake --build build -j "$jobs"
  # An empty object cache: compile_ms counts compiling, not loading.
  cache=$(mktemp -d)
  KILN_CACHE_DIR=$cache OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
    ./build/bench/kiln-bench
  rm -rf "$cache"
  ;;
*)
  echo "usage: $0 demo|test|bench" >&2
  exit 2
  ;;
esac
