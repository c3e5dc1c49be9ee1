#!/usr/bin/env bash
# Generated lines per added operation: the shipped spec, then the spec with
# each of its operations copied K more times (new operationIds and paths),
# through the generator alone (codegen/examples/size.rs). The slope is
# (lines(K) - lines(0)) / (K * operations), per generated file.
#
#   bash benches/generated_lines.sh      # K=4 by default
set -euo pipefail
cd "$(dirname "$0")/.."
k="${K:-4}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --quiet -p plivo-phlo-codegen --example size
size="${CARGO_TARGET_DIR:-target}/debug/examples/size"
python3 - spec/phlo.yaml "$work/grown.yaml" "$k" <<'PY'
import sys, yaml
spec = yaml.safe_load(open(sys.argv[1]))
k = int(sys.argv[3])
paths = dict(spec["paths"])
for copy in range(1, k + 1):
    for path, item in list(spec["paths"].items()):
        grown = {}
        for method, op in item.items():
            if isinstance(op, dict) and "operationId" in op:
                op = dict(op, operationId=f"{op['operationId']}_copy{copy}")
            grown[method] = op
        paths[f"/copy{copy}{path}"] = grown
spec["paths"] = paths
yaml.safe_dump(spec, open(sys.argv[2], "w"), sort_keys=False)
PY
ops=$(python3 -c 'import sys,yaml; s=yaml.safe_load(open(sys.argv[1])); print(sum(1 for i in s["paths"].values() for m,o in i.items() if isinstance(o,dict) and "operationId" in o))' spec/phlo.yaml)
"$size" spec/phlo.yaml > "$work/base"
"$size" "$work/grown.yaml" > "$work/grown"
python3 - "$work/base" "$work/grown" "$ops" "$k" <<'PY'
import sys
base = dict(l.split() for l in open(sys.argv[1]))
grown = dict(l.split() for l in open(sys.argv[2]))
ops, k = int(sys.argv[3]), int(sys.argv[4])
added = ops * k
total = 0
for name in base:
    per = (int(grown[name]) - int(base[name])) / added
    total += per
    print(f"{name}: {base[name]} lines for {ops} operations; {per:.1f} per added operation")
print(f"all files: {total:.1f} generated lines per added operation ({added} added)")
PY
