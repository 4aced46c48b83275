#!/bin/bash
# Container HEALTHCHECK: asks Squid's health port for a Squid-internal object and succeeds only on
# "200". A stopped Squid refuses the connection; a wedged one accepts it (the kernel does that) but
# never answers, and the read times out. Needs only bash (/dev/tcp), no curl in the image.
set -euo pipefail

port="${HEALTH_PORT:-3129}"
timeout_seconds="${HEALTH_TIMEOUT_SECONDS:-5}"

exec 3<>"/dev/tcp/127.0.0.1/${port}"
printf 'GET /squid-internal-static/icons/SN.png HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t "$timeout_seconds" status_line <&3
case "$status_line" in
  "HTTP/1.1 200 "*) exit 0 ;;
  *) echo "healthcheck: unexpected answer: ${status_line}" >&2; exit 1 ;;
esac
