#!/usr/bin/env bash
# Teams across hosts, for real: three network namespaces joined by veth links to a bridge in the root namespace —
# redis-server on one, a `teamchat bridge` with its own fleet on each of the two others — and the client in the
# root namespace. Discovery, a round, and a bridge killed mid-session, across them.
#
# Needs root (CI has it). If the kernel refuses namespaces, this says so and fails: it never passes untested.
# Usage: Tests/Across/bus-across-namespaces.sh [path/to/teamchat]
set -euo pipefail

TEAMCHAT=$(readlink -f "${1:-.build/debug/teamchat}")
REDIS_SERVER=$(command -v redis-server || echo /usr/bin/redis-server)
ID=$$
NETWORK=10.77.$((ID % 200 + 20))
NS_REDIS=tc-redis-$ID NS_ONE=tc-one-$ID NS_TWO=tc-two-$ID BR=tcbr$((ID % 100000))
WORK=$(mktemp -d)
PIDS=()

say() { echo "bus-across-namespaces: $*"; }
fail() { echo "bus-across-namespaces: FAILED: $*" >&2; exit 1; }

cleanup() {
    for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    for ns in "$NS_REDIS" "$NS_ONE" "$NS_TWO"; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
    done
    ip link del "$BR" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
# Every bridge and the client share a team secret: the messages that cross the hosts are signed and checked.
export TEAMCHAT_BUS_SECRET="across-$$-$RANDOM"
# The rounds of this script are no one's to keep: nothing goes to the round log of whoever runs it.
export TEAMCHAT_NO_LOG=1

[ "$(id -u)" = 0 ] || fail "needs root to make network namespaces (CI runs as root)"
ip netns add "$NS_REDIS" 2>"$WORK/err" || fail "the kernel refuses network namespaces: $(cat "$WORK/err")"
ip netns add "$NS_ONE" && ip netns add "$NS_TWO"
ip link add "$BR" type bridge 2>"$WORK/err" || fail "the kernel refuses a bridge device: $(cat "$WORK/err")"
ip addr add "$NETWORK.1/24" dev "$BR" && ip link set "$BR" up
n=2
for ns in "$NS_REDIS" "$NS_ONE" "$NS_TWO"; do
    ip link add "v$n-$ID" type veth peer name eth0 netns "$ns"
    ip link set "v$n-$ID" master "$BR" up
    ip netns exec "$ns" ip addr add "$NETWORK.$n/24" dev eth0
    ip netns exec "$ns" ip link set eth0 up
    ip netns exec "$ns" ip link set lo up
    n=$((n + 1))
done
REDIS_ADDRESS=$NETWORK.2
BUS="redis://$REDIS_ADDRESS:6390/across"
say "namespaces up: redis on $REDIS_ADDRESS, bridges on $NETWORK.3 and $NETWORK.4, client in the root namespace"

ip netns exec "$NS_REDIS" "$REDIS_SERVER" --bind "$REDIS_ADDRESS" --port 6390 --protected-mode no --save "" \
    --appendonly no --dir "$WORK" --loglevel warning >"$WORK/redis.log" 2>&1 &
PIDS+=($!); disown $!

# A fleet and a bridge in each host namespace; the fleets' ids told apart (one-…, two-…).
start_host() {
    local ns=$1 name=$2 latency=$3
    ip netns exec "$ns" "$TEAMCHAT" fleet --count 3 --base-port 47100 --latency "$latency" --write-roster "$WORK/$name.json" \
        >"$WORK/$name-fleet.log" 2>&1 &
    PIDS+=($!); disown $!
    for _ in $(seq 100); do [ -s "$WORK/$name.json" ] && break; sleep 0.1; done
    [ -s "$WORK/$name.json" ] || fail "the fleet in $ns did not start: $(cat "$WORK/$name-fleet.log")"
    python3 - "$WORK/$name.json" "$name" <<'PY'
import json, sys
path, prefix = sys.argv[1], sys.argv[2]
roster = json.load(open(path))
for entry in roster:
    entry["id"] = prefix + "-" + entry["id"]
json.dump(roster, open(path, "w"))
PY
    ip netns exec "$ns" env TEAMCHAT_CACHE="$WORK/$name-cache.json" "$TEAMCHAT" bridge --bus "$BUS" \
        --roster "$WORK/$name.json" --no-cache >"$WORK/$name-bridge.log" 2>&1 &
    BRIDGE_PID=$!
    PIDS+=($BRIDGE_PID); disown $BRIDGE_PID
}
# Host one's specialists think for 400 ms, so that the bridge can be killed while a round is in flight there.
start_host "$NS_ONE" one 400ms; ONE_BRIDGE=$BRIDGE_PID
start_host "$NS_TWO" two 0ms

client() { TEAMCHAT_CACHE="$WORK/client-cache.json" XDG_RUNTIME_DIR="$WORK" "$TEAMCHAT" "$@"; }

# Discovery across the namespaces: both bridges' specialists, through the registry (bounded wait for them to start).
found=0
for _ in $(seq 100); do
    found=$(client discover --bus "$BUS" --json 2>/dev/null | grep -c '"type":"specialist"' || true)
    [ "$found" = 6 ] && break
    sleep 0.1
done
[ "$found" = 6 ] || fail "discovery found $found of 6 specialists: $(client discover --bus "$BUS" 2>&1)"
say "discovery: 6 specialists behind 2 bridges"

# A round across them.
replies=$(client send --bus "$BUS" --json "hello across hosts" | grep '"type":"reply"')
answered=$(echo "$replies" | grep -c '"success":true' || true)
[ "$answered" = 6 ] || fail "a round got $answered of 6 answers: $replies"
own=$(echo "$replies" | grep -c '"content":"[a-z_]*-ai: hello across hosts"' || true)
[ "$own" = 6 ] || fail "an answer is not to this round's message: $replies"
say "a round: 6 of 6 answered"

# A bridge killed mid-round (no clean stop): the other bridge's answers arrive; the dead one's specialists fail by
# the round's deadline at the latest — and, once its presence has expired, at once.
start=$(date +%s%N)
client send --bus "$BUS" --json --timeout 2s --connect-timeout 500ms "mid-round" >"$WORK/mid-round.out" 2>&1 &
SEND=$!
sleep 0.15  # inside host one's 400 ms of thinking (the checks below hold whenever the kill lands)
kill -9 "$ONE_BRIDGE"
set +e
wait "$SEND"
status=$?
set -e
after=$(cat "$WORK/mid-round.out")
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
ok=$(echo "$after" | grep '"type":"reply"' | grep -c '"success":true' || true)
bad=$(echo "$after" | grep '"type":"reply"' | grep -c '"success":false' || true)
[ "$ok" = 3 ] && [ "$bad" = 3 ] || fail "bridge killed mid-round: $ok answered, $bad failed (want 3 and 3): $after"
[ "$status" = 75 ] || fail "bridge killed mid-round: exit $status, want 75 (quorum not met)"
[ "$elapsed" -lt 4000 ] || fail "bridge killed mid-round: the round took $elapsed ms, more than its deadline"
say "bridge killed mid-round: the other bridge's 3 answered, the dead one's 3 failed, in $elapsed ms"
expired=no
for _ in $(seq 100); do  # the presence TTL (3 s) runs out; --no-cache keeps the client's remembered team of 6
    listed=$(client discover --bus "$BUS" --json --no-cache 2>&1 || true)
    if echo "$listed" | grep -q '"specialist_id":"two-' && ! echo "$listed" | grep -q '"specialist_id":"one-'; then
        expired=yes
        break
    fi
    sleep 0.1
done
[ "$expired" = yes ] || fail "the killed bridge's presence never expired: $listed"
start=$(date +%s%N)
# (no_responders; or breaker_open, when the failures of the round before opened their breakers: at once either way)
gone=$(client send --bus "$BUS" --json --timeout 2s "once it expired" | grep '"specialist_id":"one-' \
    | grep -cE '"error_kind":"(no_responders|breaker_open)"' || true)
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$gone" = 3 ] || fail "once its presence expired, $gone of the dead bridge's 3 specialists failed at once"
[ "$elapsed" -lt 1500 ] || fail "no_responders took $elapsed ms: it must not wait for the deadline"
say "presence expired: the dead bridge's specialists fail at once ($elapsed ms)"
say "passed"
