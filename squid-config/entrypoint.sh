#!/bin/sh
# Container entrypoint: Squid in the foreground, its access log relayed to stdout.
#
# Squid runs as a non-root user, and a non-root process cannot reopen /dev/stdout when the
# container runtime's pipe belongs to root. So Squid writes its access log into a FIFO and `cat`,
# which inherited the container's stdout, copies it there. The FIFO path comes from squid.conf's
# access_log line so the two cannot drift apart.
set -eu

SQUID_CONF="${SQUID_CONF:-/etc/squid/squid.conf}"
fifo="$(sed -n 's/^access_log stdio:\([^ ]*\) .*/\1/p' "$SQUID_CONF")"
if [ -z "$fifo" ]; then
  echo "entrypoint: no 'access_log stdio:<path> <format>' line in $SQUID_CONF" >&2
  exit 1
fi

rm -f "$fifo"
mkfifo -m 600 "$fifo"
# Opened read-write, the relay never sees end-of-file when Squid closes and reopens its log
# (squid -k reconfigure), and Squid's own open for writing never blocks.
cat <>"$fifo" &

# -N: stay in the foreground as the container's main process; -d 1: important messages to stderr
# (cache_log is /dev/null for the same /dev/stdout reason as above).
exec squid -N -d 1 -f "$SQUID_CONF"
