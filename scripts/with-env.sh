#!/usr/bin/env bash
# Runs a command with the project's pinned toolchain on PATH.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
exec "$@"
