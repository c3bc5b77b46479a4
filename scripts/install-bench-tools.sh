#!/usr/bin/env bash
# wrk (the load generator of bench/webhook_load.py and bench/helpdesk_compare.py) from Debian's
# packages; does nothing when present. Not needed by `make run` or `make test`.
set -euo pipefail

if command -v wrk >/dev/null; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends wrk
