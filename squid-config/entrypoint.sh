#!/bin/sh
# Container entrypoint: the policy agent (supervised) next to Squid in the foreground, Squid's access
# log relayed to stdout. `entrypoint.sh parse` only checks the config (squid -k parse), as the image
# build and the pipeline do.
#
# Squid runs as a non-root user, and a non-root process cannot reopen /dev/stdout when the
# container runtime's pipe belongs to root. So Squid writes its access log into a FIFO and `cat`,
# which inherited the container's stdout, copies it there. The FIFO path, like the TLS certificate
# paths, comes from squid.conf so the two cannot drift apart.
set -eu

SQUID_CONF="${SQUID_CONF:-/etc/squid/squid.conf}"
NODE_BINARY="${EGRESS_NODE_BINARY:-/usr/local/bin/node}"
POLICY_AGENT="${EGRESS_POLICY_AGENT:-/usr/local/lib/egress-proxy/policy-agent.js}"

conf_value() {
  sed -n "$1" "$SQUID_CONF" | head -n 1
}

# The ssl-bump port needs a certificate although it never completes a TLS handshake (squid.conf says
# why). A fresh throw-away key per container: no private key ships in the image.
ensure_tls_certificate() {
  tls_cert="$(conf_value 's/^http_port .* tls-cert=\([^ ]*\).*/\1/p')"
  tls_key="$(conf_value 's/^http_port .* tls-key=\([^ ]*\).*/\1/p')"
  if [ -z "$tls_cert" ] || [ -s "$tls_cert" ]; then return 0; fi
  mkdir -p "$(dirname "$tls_cert")" "$(dirname "$tls_key")"
  (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -subj "/CN=egress-proxy never used" -keyout "$tls_key" -out "$tls_cert" 2>/dev/null) || {
    echo "entrypoint: could not generate the ssl-bump port's certificate $tls_cert" >&2
    exit 1
  }
}

ensure_tls_certificate
if [ "${1:-}" = parse ]; then
  exec squid -k parse -f "$SQUID_CONF"
fi

fifo="$(conf_value 's/^access_log stdio:\([^ ]*\) .*/\1/p')"
if [ -z "$fifo" ]; then
  echo "entrypoint: no 'access_log stdio:<path> <format>' line in $SQUID_CONF" >&2
  exit 1
fi

rm -f "$fifo"
mkfifo -m 600 "$fifo"
# Opened read-write, the relay never sees end-of-file when Squid closes and reopens its log
# (squid -k reconfigure), and Squid's own open for writing never blocks.
cat <>"$fifo" &

# The policy agent keeps the helpers' policy snapshot current. If it dies it is restarted (1 s, then
# doubling up to 30 s while it keeps failing), with a JSON line on stdout each time: a restart costs
# well under a second and the snapshot on disk stays in force meanwhile (fail static), whereas failing
# the container would make ECS replace the task, which then starts from the baseline only. Exit 0 means
# there is nothing to do (per-spoke policy is off) and is not restarted.
supervise_policy_agent() {
  delay=1
  while :; do
    started="$(date +%s)"
    if "$NODE_BINARY" "$POLICY_AGENT"; then
      return 0
    else
      code=$?
    fi
    if [ $(($(date +%s) - started)) -ge 60 ]; then delay=1; fi
    printf '{"policy_agent":"exited","time":"%s","code":%s,"restart_in_seconds":%s}\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$code" "$delay"
    sleep "$delay"
    delay=$((delay * 2))
    if [ "$delay" -gt 30 ]; then delay=30; fi
  done
}
supervise_policy_agent &

# -N: stay in the foreground as the container's main process; -d 1: important messages to stderr
# (cache_log is /dev/null for the same /dev/stdout reason as above).
exec squid -N -d 1 -f "$SQUID_CONF"
