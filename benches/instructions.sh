#!/usr/bin/env bash
# Per-call CPU in instructions (callgrind), the client process alone: the
# server runs in a process of its own. For each client (the wrapper add_user,
# operations().update_multi_party_call, the raw reqwest loop that sends the
# same JSON body and decodes the same answer over the same keep-alive), the
# whole process is counted at N and 2N sequential calls; (I(2N) - I(N)) / N
# is the cost of one call, start-up and client construction cancelled out.
#
#   bash benches/instructions.sh        # N=4000 by default (at 1000 the fixed part moves the figure by ~2 %)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${N:-4000}"
work="$(mktemp -d)"
server=""
trap '[ -z "$server" ] || kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
bin=$(cargo bench --bench overhead --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "overhead" and m.get("executable"):
        print(m["executable"])')
mkfifo "$work/base"
BENCH_SERVE=1 "$bin" > "$work/base" &
server=$!
read -r -t 30 base < "$work/base"
count() {
  local way="$1" calls="$2" out="$work/cg.$1.$2"
  BENCH_SERVER="$base" BENCH_PROFILE="$way" BENCH_CALLS="$calls" \
    valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" > /dev/null 2>&1
  grep -E '^(summary|totals):' "$out" | head -n 1 | awk '{print $2}'
}
: > "$work/per-call"
for way in raw wrapper operations; do
  one=$(count "$way" "$n"); two=$(count "$way" $((2 * n)))
  per=$(( (two - one) / n ))
  echo "$way $per" >> "$work/per-call"
  echo "$way: I($n) = $one, I($((2 * n))) = $two, per call $per instructions"
done
python3 - "$work/per-call" <<'PY'
import sys
per = dict(line.split() for line in open(sys.argv[1]))
raw = int(per["raw"])
for way in ("wrapper", "operations"):
    print(f"{way}: {int(per[way])} instructions per call, {int(per[way]) / raw:.3f}x the raw reqwest loop "
          f"({int(per[way]) - raw:+d}; goal <= 1.02x)")
PY
