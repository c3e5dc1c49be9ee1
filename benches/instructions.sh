#!/usr/bin/env bash
# Per-call CPU in instructions (callgrind), the client process alone, against
# a server that is not the crate's: nginx on loopback answering every request
# with Plivo's update_multi_party_call answer (the spec's example body, 201,
# Content-Type: application/json, Content-Length, HTTP/1.1 keep-alive).
#
# Four clients (benches/overhead.rs, BENCH_PROFILE): the floor `raw-plain`, a
# raw reqwest loop sending the same JSON body with the same headers over the
# same keep-alive and decoding into a plain #[derive(Deserialize)] struct;
# `raw-crate-type`, the same loop decoding into the crate's ActionResponse;
# `wrapper`, mpc.add_user(..); `operations`, operations().update_multi_party_call(..).
# Each whole client process is counted at N and 2N sequential calls;
# (I(2N) - I(N)) / N is the cost of one call, start-up and client
# construction cancelled out.
#
# The client runs on a current-thread Tokio runtime (BENCH_RUNTIME): its
# connection task beside it, no wake-ups across threads, so a count repeats
# to within a few hundred instructions in the whole run, however busy the
# machine. On the bench's multi-thread runtime (RUNTIME=multi-thread) the
# worker's spinning and parking add ~2.5 k instructions per call to every
# way and, while other work runs on the machine, move one call's figure by
# up to +-4 k from run to run: use REPEAT=5 or more there.
#
# Needs: valgrind (apt-get install valgrind), nginx (apt-get install nginx;
# only its binary is used: it runs from a config in a temporary directory and
# is stopped on exit), python3 with PyYAML (the answer body is read from
# spec/phlo.yaml).
#
#   bash benches/instructions.sh        # N=4000 by default (current-thread: N=50 gives the same figures within 5)
#   N=2000 bash benches/instructions.sh
#   RUNTIME=multi-thread REPEAT=5 bash benches/instructions.sh   # medians of 5 runs each
#   KEEP=dir bash benches/instructions.sh   # also keep the callgrind files in dir (for callgrind_annotate)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${N:-4000}"
runtime="${RUNTIME:-current-thread}"
repeat="${REPEAT:-1}"
work="$(mktemp -d)"
server=""
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
nginx="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$nginx" ] || { echo "nginx is needed (apt-get install nginx)" >&2; exit 1; }

bin=$(cargo bench --bench overhead --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "overhead" and m.get("executable"):
        print(m["executable"])')

# The answer body: the spec's example for update_multi_party_call's 201.
body=$(python3 - <<'PY'
import json, yaml
spec = yaml.safe_load(open("spec/phlo.yaml"))
post = spec["paths"]["/phlo/{phlo_id}/multi_party_call/{node_id}"]["post"]
ref = post["responses"]["201"]["$ref"].rsplit("/", 1)[1]
example = spec["components"]["responses"][ref]["content"]["application/json"]["example"]
print(json.dumps(example, separators=(",", ":")))
PY
)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  # One connection for the whole run (nginx closes one after 1000 requests by default).
  keepalive_requests 10000000;
  keepalive_timeout 600s;
  server {
    listen 127.0.0.1:$port;
    default_type application/json;
    location / { return 201 '$body'; }
  }
}
CONF
"$nginx" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
server=$!
base="http://127.0.0.1:$port/v1"
python3 - "$port" <<'PY'
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("nginx did not start")
PY
echo "server: nginx $("$nginx" -v 2>&1 | sed 's/.*\///') at $base, answering 201 $body"

echo "client: $runtime runtime, N = $n, $repeat run(s) of each count"

count() {
  local way="$1" calls="$2" run="$3" out="$work/cg.$1.$2.$3"
  BENCH_SERVER="$base" BENCH_PROFILE="$way" BENCH_CALLS="$calls" BENCH_RUNTIME="$runtime" \
    valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" > /dev/null 2>&1
  [ -z "${KEEP:-}" ] || { mkdir -p "$KEEP"; cp "$out" "$KEEP/"; }
  grep -E '^(summary|totals):' "$out" | head -n 1 | awk '{print $2}'
}
: > "$work/counts"
# Round by round, every way in each, so a drift of the machine is shared.
for run in $(seq "$repeat"); do
  for way in raw-plain raw-crate-type wrapper operations; do
    echo "$way $n $(count "$way" "$n" "$run")" >> "$work/counts"
    echo "$way $((2 * n)) $(count "$way" $((2 * n)) "$run")" >> "$work/counts"
  done
done
python3 - "$work/counts" "$n" <<'PY'
import collections, statistics, sys
n = int(sys.argv[2])
counts = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(sys.argv[1]):
    way, calls, total = line.split()
    counts[way][int(calls)].append(int(total))
per = {}
for way, by in counts.items():
    one, two = statistics.median(by[n]), statistics.median(by[2 * n])
    per[way] = round((two - one) / n)
    spread = ""
    if len(by[n]) > 1:
        pairs = [(b - a) / n for a, b in zip(by[n], by[2 * n])]
        spread = f" (run by run {min(pairs):.0f}..{max(pairs):.0f})"
    print(f"{way}: I({n}) = {one:.0f}, I({2 * n}) = {two:.0f}, per call {per[way]} instructions{spread}")
plain, crate = per["raw-plain"], per["raw-crate-type"]
print(f"raw-crate-type: {crate / plain:.3f}x raw-plain ({crate - plain:+d})")
for way in ("wrapper", "operations"):
    print(f"{way}: {per[way]} instructions per call, {per[way] / plain:.3f}x raw-plain ({per[way] - plain:+d}; goal <= 1.02x), "
          f"{per[way] / crate:.3f}x raw-crate-type ({per[way] - crate:+d})")
PY
