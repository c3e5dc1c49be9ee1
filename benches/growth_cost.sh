#!/usr/bin/env bash
# The cost of growing the spec: two copies of the crate, one with today's
# spec and one grown past 60 operations (the growth drill's Voice API graft,
# .ci/drill/, repeated under new names: enums that are not identifiers,
# clashing names, formats, patterns, rules, another server), measured in the
# same interleaved rounds:
#  - the spec-edit rebuild of the library (a comment in the spec changes:
#    build.rs regenerates everything and the crate recompiles);
#  - once, the build of a dependent crate with only plivo-phlo cleaned
#    (its dependencies already compiled; `cargo clean -p` cleans every
#    plivo-phlo in the target dir, the main build's too);
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

for name in today grown; do
  mkdir -p "$work/$name"
  (cd "$root" && git ls-files -z | grep -zv '^tests/\|^fuzz/' | xargs -0 cp --parents -t "$work/$name")
  # Its own version, so its build script writes its own OUT_DIR.
  python3 - "$work/$name" "$name" <<'PY'
import sys
d, name = sys.argv[1:]
for path, old, new in [
    ("Cargo.toml", '\nversion = "0.1.0"\n', f'\nversion = "0.1.0-{name}"\n'),
    ("Cargo.lock", 'name = "plivo-phlo"\nversion = "0.1.0"\n', f'name = "plivo-phlo"\nversion = "0.1.0-{name}"\n'),
]:
    text = open(f"{d}/{path}").read()
    assert text.count(old) == 1, (path, old)
    open(f"{d}/{path}", "w").write(text.replace(old, new))
PY
done

python3 - "$work/grown/spec/phlo.yaml" "$root/.ci/drill/voice-ops.yaml" "$root/.ci/drill/voice-schemas.yaml" "$copies" <<'PY'
import re, sys
path, ops_path, schemas_path, copies = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
spec = open(path).read()
ops, schemas = open(ops_path).read(), open(schemas_path).read()
names = re.findall(r"^    (\w+):\n", schemas, re.M)
grown_ops, grown_schemas = "", ""
for k in range(copies):
    o = ops.replace("/Account/{auth_id}/MultiPartyCall/", f"/Account/{{auth_id}}/Grow{k}/")
    o = re.sub(r"operationId: (\w+)", lambda m: f"operationId: {m.group(1)}_{k}", o)
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

operations() { grep -c 'operationId:' "$1/spec/phlo.yaml"; }
n_today=$(operations "$work/today"); n_grown=$(operations "$work/grown")
echo "operations: today $n_today, grown $n_grown"
for name in today grown; do
  (cd "$work/$name" && cargo build -q --lib 2>"$work/$name.err") || { tail -30 "$work/$name.err" >&2; exit 1; }
done

lines() {
  local out
  # The newest build output whose table has that many operations.
  out=$(for d in $(ls -td "$CARGO_TARGET_DIR"/debug/build/plivo-phlo-*/out); do
    echo "$d $(grep -c '^    Operation {' "$d/operations.rs" 2>/dev/null || true)"
  done | awk -v n="$1" '$2 == n {print $1; exit}')
  cat "$out"/*.rs | wc -l
}
l_today=$(lines "$n_today"); l_grown=$(lines "$n_grown")

edit_rebuild() {
  local dir="$1" round="$2"
  echo "# edit $round" >> "$dir/spec/phlo.yaml"
  local start end
  start=$(date +%s.%N)
  (cd "$dir" && cargo build -q --lib 2>/dev/null)
  end=$(date +%s.%N)
  python3 -c "print(round($end - $start, 3))"
}

: > "$work/times"
for round in $(seq "$rounds"); do
  t=$(edit_rebuild "$work/today" "$round"); g=$(edit_rebuild "$work/grown" "$round")
  echo "round $round: spec edit -> rebuild: today ${t} s, grown ${g} s"
  echo "$t $g" >> "$work/times"
done

# A dependent crate, plivo-phlo cleaned, everything else compiled.
dependent() {
  local name="$1"
  mkdir -p "$work/dep-$name/src"
  cat > "$work/dep-$name/Cargo.toml" <<TOML
[package]
name = "scratch-$name"
version = "0.0.0"
edition = "2024"
[dependencies]
plivo-phlo = { path = "$work/$name" }
TOML
  echo 'fn main() { let _ = plivo_phlo::spec::OPERATIONS.len(); }' > "$work/dep-$name/src/main.rs"
  cp "$work/$name/Cargo.lock" "$work/dep-$name/Cargo.lock"
  (cd "$work/dep-$name" && cargo build -q 2>/dev/null && cargo clean -q -p plivo-phlo 2>/dev/null)
  local start end
  start=$(date +%s.%N)
  (cd "$work/dep-$name" && cargo build -q 2>/dev/null)
  end=$(date +%s.%N)
  python3 -c "print(round($end - $start, 2))"
}
d_today=$(dependent today); d_grown=$(dependent grown)


python3 - "$work/times" "$n_today" "$n_grown" "$d_today" "$d_grown" "$l_today" "$l_grown" <<'PY'
import statistics, sys
times, n_t, n_g, d_t, d_g, l_t, l_g = sys.argv[1], *map(float, sys.argv[2:])
rows = [list(map(float, line.split())) for line in open(times)]
t = statistics.median(r[0] for r in rows); g = statistics.median(r[1] for r in rows)
slopes = [(r[1] - r[0]) / (n_g - n_t) * 1000 for r in rows]
print(f"spec edit -> rebuild: {n_t:.0f} ops {t:.2f} s, {n_g:.0f} ops {g:.2f} s (medians of {len(rows)} interleaved rounds)")
print(f"  per-operation slope: median {statistics.median(slopes):.1f} ms [{min(slopes):.1f}..{max(slopes):.1f}] (goal <= 25 ms)")
print(f"dependent build, plivo-phlo cleaned: {n_t:.0f} ops {d_t:.2f} s, {n_g:.0f} ops {d_g:.2f} s "
      f"({(d_g - d_t) / (n_g - n_t) * 1000:.0f} ms per operation)")
print(f"generated lines: {n_t:.0f} ops {l_t:.0f}, {n_g:.0f} ops {l_g:.0f} "
      f"({(l_g - l_t) / (n_g - n_t):.0f} per added operation)")
PY
