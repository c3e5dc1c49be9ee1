#!/usr/bin/env python3
"""Checks that Cargo.toml's rust-version is the highest rust-version declared
in the crate's dependency tree (normal and build dependencies, all features;
dev-dependencies excluded: they never reach users)."""
import json
import subprocess
import sys


def version_key(v):
    parts = [int(x) for x in v.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


meta = json.loads(subprocess.check_output(
    ["cargo", "metadata", "--format-version", "1", "--locked", "--all-features"],
    stderr=subprocess.DEVNULL))
packages = {p["id"]: p for p in meta["packages"]}
nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
root = meta["resolve"]["root"]

seen, stack = set(), [root]
while stack:
    pid = stack.pop()
    if pid in seen:
        continue
    seen.add(pid)
    for dep in nodes[pid]["deps"]:
        if any(k["kind"] != "dev" for k in dep["dep_kinds"]):
            stack.append(dep["pkg"])

seen.discard(root)
highest, who = "1.0", []
for pid in seen:
    rv = packages[pid].get("rust_version")
    if not rv:
        continue
    if version_key(rv) > version_key(highest):
        highest, who = rv, [packages[pid]["name"]]
    elif version_key(rv) == version_key(highest):
        who.append(packages[pid]["name"])

ours = packages[root].get("rust_version")
print(f"highest rust-version in the tree: {highest} ({', '.join(sorted(who))}); ours: {ours}")
if ours is None or version_key(ours) != version_key(highest):
    sys.exit(f"Cargo.toml rust-version must be {highest}")
