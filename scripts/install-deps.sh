#!/usr/bin/env bash
# Installs the Debian 12 packages nzeza builds and tests with (DESIGN.md §3), and chromium for
# the `browser` tests (driven by playwright-core from the build's npm ci; no browser download), and
# prometheus for its `promtool`, which checks the /metrics exposition (tests/integration/api).
# Idempotent: when every package is present it returns at once without touching apt.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache git lld
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libssl-dev
  libsimdjson-dev libspdlog-dev libfmt-dev libtomlplusplus-dev libcli11-dev
  libsqlite3-dev libsqlitecpp-dev libsecp256k1-dev libcrypto++-dev prometheus-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev
  libprotobuf-dev protobuf-compiler zlib1g-dev libzstd-dev
  libcaf-dev clang-14 libclang-rt-14-dev clang-format clang-tidy
  openssl ca-certificates
  chromium
  prometheus
)
# The web assets' npm ci (cmake/NzezaWeb.cmake) needs node and npm. Machines of this project's kind
# come with Node.js 20 and its npm; Debian's own (18) is the fallback where there is none.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
