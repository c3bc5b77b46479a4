#!/usr/bin/env bash
# Debian's Chromium (+ chromedriver) and a CJK font for the browser tests; does nothing when present.
# Never `playwright install`: it downloads a browser build of its own, which fails here.
set -euo pipefail

has_cjk_font() {
  command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh family 2>/dev/null)" ]
}

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && has_cjk_font; then
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# without --no-install-recommends apt pulls in about 130 packages
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-noto-cjk
