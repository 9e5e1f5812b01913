#!/bin/sh
# Demo traffic router: records the weight a rollgate hook asks for.
# Usage (as a rollgate `run` hook): set-weight.sh ROLLOUT [PERCENT]
#   PERCENT defaults to $ROLLGATE_TRAFFIC, the traffic of the phase rollgate just decided on.
# Writes one line to $ROLLGATE_WEIGHTS_LOG (default .rollgate/traffic.log under the working directory).
set -eu
rollout=${1:?usage: set-weight.sh ROLLOUT [PERCENT]}
percent=${2:-${ROLLGATE_TRAFFIC:-}}
[ -n "$percent" ] || { echo "set-weight.sh: no percent given and ROLLGATE_TRAFFIC is unset" >&2; exit 64; }
log=${ROLLGATE_WEIGHTS_LOG:-.rollgate/traffic.log}
mkdir -p "$(dirname "$log")"
printf '%s %s traffic=%s%% decision=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$rollout" "$percent" "${ROLLGATE_DECISION:-manual}" >> "$log"
echo "$rollout: traffic set to $percent%"
