#!/usr/bin/env bash
# Debian packages the course needs: bubblewrap, the namespace sandbox every student
# kernel runs in (grading refuses to run without it); Chromium for the browser tests;
# PostgreSQL for the tests of a PostgreSQL gradebook (they start their own server on
# 127.0.0.1).
# Installs them when missing and running as root; otherwise says what to install.
set -euo pipefail
need=()
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
[ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
else
  echo "missing Debian packages: ${need[*]} (run: sudo apt-get install ${need[*]})" >&2
  exit 1
fi
