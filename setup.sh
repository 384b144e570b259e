#!/usr/bin/env bash
# One-step set-up on a fresh Debian 12 machine (run as root or with sudo available):
#   - Debian packages the project needs: libtorch-dev (the deep-learning engine), chromium (browser tests and
#     figure rendering), build tools for the native addon;
#   - npm packages (npm ci), the TypeScript build and the native addon build.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(libtorch-dev python3-torch python3-onnx chromium python3 make g++)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "setup: npm ci"
# onnxruntime-node's postinstall would fetch CUDA binaries from NuGet on linux/x64: skip it (.npmrc says so too).
ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
echo "setup: build"
npm run --silent build
echo "setup: done"
