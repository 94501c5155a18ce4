#!/usr/bin/env bash
# Installs the Debian packages scuff needs to build and test: the compiler and CMake,
# Python's headers and venv, libseccomp (the sandbox's system-call filter), the plugin
# SDK headers (CLAP from dpf-source, VST3 from juce-modules-source-data) and real plugins
# to test with (zam-plugins), Xlib for the editors' windows (libx11-dev), an X server with
# software OpenGL and X clients for the editor tests (xvfb, libgl1-mesa-dri, xdotool, x11-utils),
# the nested X server editors get by default, SandboxLimits(x11="auto") (xserver-xephyr), and JACK: the server
# the live tests and benchmark start (jackd2, dummy driver), which brings the libjack scuff
# loads at run time (no headers: the build needs none), and PipeWire's JACK (pipewire,
# pipewire-jack) for the test that plays through a PipeWire daemon of its own, and the
# browser the studio's tests drive with Playwright (chromium).
set -euo pipefail

packages=(g++ cmake ninja-build python3-dev python3-venv libseccomp-dev libx11-dev zam-plugins dpf-source
          juce-modules-source-data xvfb libgl1-mesa-dri xdotool x11-utils xserver-xephyr jackd2 pipewire pipewire-jack chromium)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "scuff needs these Debian packages; install them as root: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
