#!/usr/bin/env bash
# Build cost, four figures against the same baseline, interleaved in one run:
# clean debug builds of scratch crates that depend on plivo-phlo with default
# features, with the lean line (default-features = false, features =
# ["rustls", "tracing", "all-tags"]) and with the lean line of one tag
# (["rustls", "tracing", "multi-party-call"]: what the scratch crate uses),
# against one that depends only on reqwest (same TLS: rustls with ring, json),
# serde and tokio and makes the same call by hand; and, in each round, a spec
# edit followed by a rebuild of the default crate. Each figure is wall and CPU
# (user + sys) seconds; the ratios are CPU's, which two cores shared with
# other work disturb least.
#
#   bash benches/build_cost.sh          # ROUNDS=2 by default
#   ROUNDS=3 bash benches/build_cost.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

rounds="${ROUNDS:-2}"
mkdir -p "$work/ours/src" "$work/lean/src" "$work/one/src" "$work/baseline/src"
cat > "$work/ours/Cargo.toml" <<TOML
[package]
name = "scratch-ours"
version = "0.0.0"
edition = "2024"
[dependencies]
plivo-phlo = { path = "$root" }
tokio = { version = "1", features = ["rt", "macros"] }
TOML
cat > "$work/lean/Cargo.toml" <<TOML
[package]
name = "scratch-lean"
version = "0.0.0"
edition = "2024"
[dependencies]
plivo-phlo = { path = "$root", default-features = false, features = ["rustls", "tracing", "all-tags"] }
tokio = { version = "1", features = ["rt", "macros"] }
TOML
cat > "$work/one/Cargo.toml" <<TOML
[package]
name = "scratch-one"
version = "0.0.0"
edition = "2024"
[dependencies]
plivo-phlo = { path = "$root", default-features = false, features = ["rustls", "tracing", "multi-party-call"] }
tokio = { version = "1", features = ["rt", "macros"] }
TOML
cat > "$work/ours/src/main.rs" <<'RS'
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), plivo_phlo::Error> {
    let client = plivo_phlo::PhloClient::from_env()?;
    let mpc = client.multi_party_call("4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20", "2e8f6d4b-1a3c-4e5f-8b7d-9c0a1b2c3d4e");
    let answer = mpc.add_user("+14152225555", plivo_phlo::Role::Agent, "+14152223333").await?;
    println!("{}", answer.api_id);
    Ok(())
}
RS

cat > "$work/baseline/Cargo.toml" <<'TOML'
[package]
name = "scratch-baseline"
version = "0.0.0"
edition = "2024"
[dependencies]
reqwest = { version = "0.13", default-features = false, features = ["json", "rustls-no-provider"] }
rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
tokio = { version = "1", features = ["rt", "macros"] }
TOML
cat > "$work/baseline/src/main.rs" <<'RS'
#[derive(serde::Serialize)]
struct Body<'a> { action: &'a str, to: &'a str, role: &'a str, trigger_source: &'a str }
#[derive(serde::Deserialize)]
struct Answer { api_id: String }

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (id, token) = (std::env::var("PLIVO_AUTH_ID")?, std::env::var("PLIVO_AUTH_TOKEN")?);
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)).build()?;
    let answer: Answer = client
        .post("https://phlorunner.plivo.com/v1/phlo/4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20/multi_party_call/2e8f6d4b-1a3c-4e5f-8b7d-9c0a1b2c3d4e")
        .basic_auth(id, Some(token))
        .json(&Body { action: "call", to: "+14152225555", role: "agent", trigger_source: "+14152223333" })
        .send().await?.error_for_status()?.json().await?;
    println!("{}", answer.api_id);
    Ok(())
}
RS

cp "$work/ours/src/main.rs" "$work/lean/src/main.rs"
cp "$work/ours/src/main.rs" "$work/one/src/main.rs"
for dir in ours lean one baseline; do
  (cd "$work/$dir" && cargo generate-lockfile -q && cargo fetch -q)
done

# Runs a command; prints its wall and CPU (user + sys, children included) seconds.
timed() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
cpu = lambda r: r.ru_utime + r.ru_stime
t, r = time.monotonic(), cpu(resource.getrusage(resource.RUSAGE_CHILDREN))
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(f"{time.monotonic() - t:.2f} {cpu(resource.getrusage(resource.RUSAGE_CHILDREN)) - r:.2f}")
PY
}

# One clean build.
measure() {
  local dir="$1"
  rm -rf "$dir/target"
  timed sh -c "cd '$dir' && CARGO_TARGET_DIR='$dir/target' cargo build -q"
}

: > "$work/times"
# A spec edit followed by a rebuild, in the same rounds: the default-features
# scratch crate, just built, rebuilt after an operation's description changed
# (which changes the generated code: build.rs regenerates, plivo-phlo and the
# scratch crate recompile).
cp "$root/spec/phlo.yaml" "$work/phlo.yaml.orig"
trap 'cp "$work/phlo.yaml.orig" "$root/spec/phlo.yaml"; rm -rf "$work"' EXIT
edit_rebuild() {
  local round="$1"
  sed -i "s/Returns the PHLO's id, name and creation time\(.*\)\$/Returns the PHLO's id, name and creation time (edit $round)./" "$root/spec/phlo.yaml"
  grep -q "(edit $round)" "$root/spec/phlo.yaml"
  timed sh -c "cd '$work/ours' && CARGO_TARGET_DIR='$work/ours/target' cargo build -q"
  cp "$work/phlo.yaml.orig" "$root/spec/phlo.yaml"
}
for round in $(seq "$rounds"); do
  b=$(measure "$work/baseline"); o=$(measure "$work/ours"); e=$(edit_rebuild "$round")
  l=$(measure "$work/lean"); n=$(measure "$work/one")
  echo "round $round (wall cpu, s): baseline $b, default $o, spec edit -> rebuild $e, lean $l, one tag $n"
  echo "$b $o $l $e $n" >> "$work/times"
done
python3 - "$work/times" <<'PY'
import statistics, sys
# Each row: (wall, cpu) of baseline, default, lean, edit, one tag.
rows = [[tuple(map(float, p)) for p in zip(*[iter(line.split())] * 2)] for line in open(sys.argv[1])]
for name, col, goal in (("default features", 1, "goal <= 1.4"), ("lean line", 2, "goal <= 1.15"),
                        ("lean, one tag", 4, "")):
    for unit, i in (("cpu", 1), ("wall", 0)):
        ratios = [r[col][i] / r[0][i] for r in rows]
        print(f"{name:>16} / baseline, {unit:>4}: median {statistics.median(ratios):.3f} "
              f"[{min(ratios):.3f}..{max(ratios):.3f}] over {len(rows)} interleaved rounds {goal}")
for unit, i in (("cpu", 1), ("wall", 0)):
    print(f"        baseline, {unit:>4}: median {statistics.median(r[0][i] for r in rows):.1f} s "
          f"[{min(r[0][i] for r in rows):.1f}..{max(r[0][i] for r in rows):.1f}]")
edits = [r[3][0] for r in rows]
print(f"spec edit -> rebuild, wall: median {statistics.median(edits):.2f} s "
      f"[{min(edits):.2f}..{max(edits):.2f}] (goal <= 1 s)")
PY
