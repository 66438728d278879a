#!/usr/bin/env bash
# Builds kiln's libFuzzer targets in build-fuzz/ (clang-19, ASan + UBSan,
# ccache) and runs each for SECONDS (default 30) on its seed corpus.
#   fuzz/run.sh [SECONDS [TARGET...]]
# SECONDS 0 runs each seed corpus once, without mutating (a regression
# check); the default targets are all of them: npy safetensors mlir.
# New inputs go to build-fuzz/corpus/<name>/ (the seeds in fuzz/corpus/ stay
# untouched), crashes to build-fuzz/artifacts/<name>/; the script fails on
# the first target that finds one. Safe to rerun: the build is incremental.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(npy safetensors mlir)
dir=build-fuzz

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/kiln-ccache}
# Builds share the machine with others through this lock, when flock exists.
lock=()
command -v flock >/dev/null && lock=(flock "${KILN_BUILD_LOCK:-/tmp/kiln-build.lock}")

# Configured every time (cheap when cached): the compiler fuzzer needs
# KILN_BUILD_COMPILER, which older build-fuzz/ folders did not set.
"${lock[@]}" cmake -S . -B "$dir" -G Ninja \
  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DKILN_SANITIZE=ON -DKILN_BUILD_FUZZERS=ON -DKILN_BUILD_COMPILER=ON \
  -DKILN_BUILD_TESTS=OFF -DKILN_BUILD_EXAMPLES=OFF >/dev/null
"${lock[@]}" cmake --build "$dir" -j "$(nproc)" --target kiln-fuzzers

# name: seed corpus under fuzz/corpus/.
for name in "${targets[@]}"; do
  mkdir -p "$dir/corpus/$name" "$dir/artifacts/$name"
  if [ "$seconds" = 0 ]; then
    echo "== $name-fuzzer over its seed corpus"
    "$dir/fuzz/$name-fuzzer" -runs=0 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$dir/artifacts/$name/" "fuzz/corpus/$name"
    continue
  fi
  echo "== $name-fuzzer for ${seconds}s"
  "$dir/fuzz/$name-fuzzer" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/$name/" \
    "$dir/corpus/$name" "fuzz/corpus/$name"
done
