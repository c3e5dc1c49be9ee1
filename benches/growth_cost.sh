#!/usr/bin/env bash
# The cost of growing the spec: copies of the crate, one with today's spec
# and two grown past 60 operations (the growth drill's Voice API graft,
# .ci/drill/, repeated under new names: enums that are not identifiers,
# clashing names, formats, patterns, rules, another server), measured in the
# same interleaved rounds, each figure wall and CPU (user + sys) seconds:
#  - the spec-edit rebuild of the library (a comment in the spec changes:
#    build.rs regenerates everything and the crate recompiles), default
#    features;
#  - a dependent crate rebuilt with only plivo-phlo cleaned (its other
#    dependencies already compiled; `cargo clean -p` cleans every plivo-phlo
#    in the target dir), with every tag on (`all-tags`, the default) and with
#    one tag (`multi-party-call`): `grown` adds its operations under another
#    tag (`voice_mpc`), `own` adds the same operations under the dependent's
#    tag (`multi_party_call`);
#  - the generated lines per operation.
# The per-operation slope is (grown - today) / (operations added).
#
#   bash benches/growth_cost.sh           # ROUNDS=3 by default
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rounds="${ROUNDS:-3}"
copies="${COPIES:-14}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

for name in today grown own; do
  mkdir -p "$work/$name"
  (cd "$root" && git ls-files -z | grep -zv '^tests/\|^fuzz/' | xargs -0 cp --parents -t "$work/$name")
  # Its own versions (the crate's and the generator's), so its build script
  # writes its own OUT_DIR and no copy's generator stands in for another's.
  python3 - "$work/$name" "$name" <<'PY'
import sys
d, name = sys.argv[1:]
edits = [
    ("Cargo.toml", '\nversion = "0.1.0"\n', f'\nversion = "0.1.0-{name}"\n'),
    ("Cargo.lock", 'name = "plivo-phlo"\nversion = "0.1.0"\n', f'name = "plivo-phlo"\nversion = "0.1.0-{name}"\n'),
    ("codegen/Cargo.toml", '\nversion = "0.1.0"\n', f'\nversion = "0.1.0-{name}"\n'),
    ("Cargo.lock", 'name = "plivo-phlo-codegen"\nversion = "0.1.0"\n', f'name = "plivo-phlo-codegen"\nversion = "0.1.0-{name}"\n'),
    ("Cargo.toml", 'plivo-phlo-codegen = { version = "0.1.0"', f'plivo-phlo-codegen = {{ version = "0.1.0-{name}"'),
    # The grown spec has patterns and uuids: every copy turns on the crates
    # they need, so all compile the same dependencies.
    ("Cargo.toml", 'default = ["codegen", "rustls", "tracing", "callback", "unguarded", "all-tags"]', 'default = ["codegen", "rustls", "tracing", "callback", "unguarded", "all-tags", "pattern", "uuid"]'),
]
if name == "grown":
    # Its new tag, a feature (CONTRIBUTING, growing the spec).
    edits.append(("Cargo.toml", 'all-tags = ["phlo", "multi-party-call", "conference-bridge"]\n',
                  'all-tags = ["phlo", "multi-party-call", "conference-bridge", "voice-mpc"]\nvoice-mpc = []\n'))
for path, old, new in edits:
    text = open(f"{d}/{path}").read()
    assert text.count(old) == 1, (path, old)
    open(f"{d}/{path}", "w").write(text.replace(old, new))
PY
done

for name in grown own; do
  python3 - "$work/$name/spec/phlo.yaml" "$root/.ci/drill/voice-ops.yaml" "$root/.ci/drill/voice-schemas.yaml" "$copies" "$name" <<'PY'
import re, sys
path, ops_path, schemas_path, copies, name = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
spec = open(path).read()
ops, schemas = open(ops_path).read(), open(schemas_path).read()
# Every added operation under one tag: another than the dependent's, or its own.
tag = "voice_mpc" if name == "grown" else "multi_party_call"
ops = re.sub(r"^      tags: \[.*\]$", f"      tags: [{tag}]", ops, flags=re.M)
# The graft's untagged operation (in every build) gets the tag too.
# An operation's keys are the lines indented 6 under its method (4).
blocks = re.split(r"(?m)^(?=    \S)", ops)
ops = "".join(b if "\n      tags:" in b or "\n      operationId:" not in b
              else b.replace("\n      operationId:", f"\n      tags: [{tag}]\n      operationId:", 1)
              for b in blocks)
names = re.findall(r"^    (\w+):\n", schemas, re.M)
grown_ops, grown_schemas = "", ""
for k in range(copies):
    o = ops.replace("/Account/{auth_id}/MultiPartyCall/", f"/Account/{{auth_id}}/Grow{k}/")
    o = re.sub(r"operationId: ([\w.]+)", lambda m: f"operationId: {m.group(1)}_{k}", o)
    s = schemas
    for n in names:
        o = o.replace(f"schemas/{n}'", f"schemas/{n}G{k}'")
        s = s.replace(f"schemas/{n}'", f"schemas/{n}G{k}'")
        s = re.sub(rf"^    {n}:\n", f"    {n}G{k}:\n", s, flags=re.M)
    grown_ops += o
    grown_schemas += s
spec = spec.replace("\npaths:\n", "\npaths:\n" + grown_ops, 1)
spec = spec.replace("\n  schemas:\n", "\n  schemas:\n" + grown_schemas, 1)
open(path, "w").write(spec)
PY
done

operations() { grep -c 'operationId:' "$1/spec/phlo.yaml"; }
n_today=$(operations "$work/today"); n_grown=$(operations "$work/grown")
echo "operations: today $n_today, grown $n_grown (grown: the added ones under tag voice_mpc; own: under multi_party_call)"
for name in today grown own; do
  (cd "$work/$name" && cargo build -q --lib 2>"$work/$name.err") || { tail -30 "$work/$name.err" >&2; exit 1; }
done

lines() {
  local out
  # The newest build output whose table has that many operations.
  out=$(for d in $(ls -td "$CARGO_TARGET_DIR"/debug/build/plivo-phlo-*/out); do
    echo "$d $(cat "$d/spec_table.rs" "$d"/tags/*/spec_table.rs 2>/dev/null | grep -c ': Operation = Operation {' || true)"
  done | awk -v n="$1" '$2 == n {print $1; exit}')
  find "$out" -name '*.rs' -exec cat {} + | wc -l
}
l_today=$(lines "$n_today"); l_grown=$(lines "$n_grown")

# Runs a command; prints its wall and CPU (user + sys, children included) seconds.
timed() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
cpu = lambda r: r.ru_utime + r.ru_stime
t, r = time.monotonic(), cpu(resource.getrusage(resource.RUSAGE_CHILDREN))
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(f"{time.monotonic() - t:.3f} {cpu(resource.getrusage(resource.RUSAGE_CHILDREN)) - r:.3f}")
PY
}

# The spec-edit rebuilds have a target dir of their own: the dependents'
# `cargo clean -p plivo-phlo` would otherwise clean the copies' builds too,
# and each edit would time a full rebuild of the crate.
edit_target="$CARGO_TARGET_DIR/growth-edit"
for name in today grown; do
  (cd "$work/$name" && CARGO_TARGET_DIR="$edit_target" cargo build -q --lib 2>"$work/$name.err") \
    || { tail -30 "$work/$name.err" >&2; exit 1; }
done
edit_rebuild() {
  local dir="$1" round="$2"
  echo "# edit $round" >> "$dir/spec/phlo.yaml"
  timed sh -c "cd '$dir' && CARGO_TARGET_DIR='$edit_target' cargo build -q --lib"
}

# A dependent crate of copy $1 with features $2 (none: the default), in
# $work/dep-$1-$3.
dependent() {
  local name="$1" features="$2" dir="$work/dep-$1-$3"
  mkdir -p "$dir/src"
  local dep="plivo-phlo = { path = \"$work/$name\" }"
  if [ -n "$features" ]; then
    dep="plivo-phlo = { path = \"$work/$name\", default-features = false, features = [$features] }"
  fi
  printf '[package]\nname = "scratch-%s"\nversion = "0.0.0"\nedition = "2024"\n[dependencies]\n%s\n' \
    "$name" "$dep" > "$dir/Cargo.toml"
  echo 'fn main() { let _ = plivo_phlo::spec::OPERATIONS.len(); }' > "$dir/src/main.rs"
  cp "$work/$name/Cargo.lock" "$dir/Cargo.lock"
  (cd "$dir" && cargo build -q 2>"$dir.err") || { tail -30 "$dir.err" >&2; exit 1; }
}
one='"codegen", "rustls", "tracing", "pattern", "uuid", "multi-party-call"'
for name in today grown own; do
  dependent "$name" "" all
  dependent "$name" "$one" one
done
rebuild() { timed sh -c "cd '$1' && cargo clean -q -p plivo-phlo && cargo build -q"; }

: > "$work/times"
for round in $(seq "$rounds"); do
  t=$(edit_rebuild "$work/today" "$round"); g=$(edit_rebuild "$work/grown" "$round")
  da=$(rebuild "$work/dep-today-all"); ga=$(rebuild "$work/dep-grown-all")
  d1=$(rebuild "$work/dep-today-one"); g1=$(rebuild "$work/dep-grown-one"); o1=$(rebuild "$work/dep-own-one")
  echo "round $round (wall cpu, s): spec edit -> rebuild: today $t, grown $g; dependent, all tags: today $da, grown $ga;" \
    "one tag: today $d1, other tag grown $g1, own tag grown $o1"
  echo "$t $g $da $ga $d1 $g1 $o1" >> "$work/times"
done

python3 - "$work/times" "$n_today" "$n_grown" "$l_today" "$l_grown" <<'PY'
import statistics, sys
times, n_t, n_g, l_t, l_g = sys.argv[1], *map(float, sys.argv[2:])
rows = [list(map(float, line.split())) for line in open(times)]
added = n_g - n_t
def slope(base, grown, what, goal):
    for col, unit in ((0, "wall"), (1, "cpu")):
        s = [(r[2 * grown + col] - r[2 * base + col]) / added * 1000 for r in rows]
        b = statistics.median(r[2 * base + col] for r in rows)
        g = statistics.median(r[2 * grown + col] for r in rows)
        print(f"{what:>34} {unit}: {b:6.2f} s -> {g:6.2f} s; per added operation median "
              f"{statistics.median(s):6.1f} ms [{min(s):.1f}..{max(s):.1f}] ({goal})")
print(f"operations {n_t:.0f} -> {n_g:.0f}, {len(rows)} interleaved rounds")
slope(0, 1, "spec edit -> library rebuild", "goal <= 25 ms")
slope(2, 3, "dependent, all tags", "the default")
slope(4, 5, "dependent, one tag, op of another", "goal <= 10 ms")
slope(4, 6, "dependent, one tag, op of its own", "goal <= 60 ms")
print(f"generated lines: {n_t:.0f} ops {l_t:.0f}, {n_g:.0f} ops {l_g:.0f} "
      f"({(l_g - l_t) / added:.0f} per added operation)")
PY
