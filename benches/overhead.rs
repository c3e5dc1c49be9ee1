//! Client overhead against a raw reqwest loop, on loopback, in one run.
//!
//! ```text
//! cargo bench --bench overhead            # full run
//! BENCH_CALLS=2000 cargo bench --bench overhead
//! ```
//!
//! A plain harness (`harness = false`) rather than criterion: the figures that
//! matter are ratios between three clients measured interleaved in the same
//! process, plus throughput at 64 and 1000 calls in flight, connection counts
//! and peak RSS, none of which criterion's per-function statistics report; it
//! also keeps criterion's dependency tree out of the crate.
//!
//! Five ways to add a user to a multi-party call, each against the same
//! keep-alive HTTP/1.1 server (the hyper server started here, or the one at
//! `BENCH_SERVER`):
//! (a) the wrapper `mpc.add_user(..)` on a handle made once;
//! (a') the wrapper on a handle made afresh for every call
//!      (`client.multi_party_call(p, n).add_user(..)`);
//! (b) the guarded operation `operations().update_multi_party_call(..)`;
//! (c) the floor: raw reqwest building the same request by hand (same JSON,
//!     same Authorization, User-Agent, Accept and Content-Type headers, same
//!     timeouts, no redirects) and decoding the answer into a plain
//!     `#[derive(Deserialize)]` struct declared here;
//! (c') the same raw loop decoding into the crate's own `ActionResponse`.
//!
//! Ratios are against (c).
//!
//! Sequential calls are measured in wall time and in the client's CPU time
//! (every thread of the process but the server's, from
//! /proc/self/task/*/schedstat).

use std::{
    convert::Infallible,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use http_body_util::{BodyExt, Full};
use hyper::{Request, Response, body::Bytes, server::conn::http1, service::service_fn};
use hyper_util::rt::TokioIo;
use plivo_phlo::{PhloClient, Role, types};
use tokio::net::TcpListener;

const PHLO: &str = "4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20";
const NODE: &str = "2e8f6d4b-1a3c-4e5f-8b7d-9c0a1b2c3d4e";
const AUTH_ID: &str = "MAXXXXXXXXXXXXXXXXXX";
const TOKEN: &str = "bench-token";
const SERVER_THREAD: &str = "bench-server";
const ANSWER: &[u8] = br#"{"api_id":"8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d","error":""}"#;

/// A fast keep-alive server on its own runtime thread; counts connections
/// and requests.
fn start_server() -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let connections = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = std::sync::mpsc::channel();
    let (c, r) = (connections.clone(), requests.clone());
    let _server = std::thread::Builder::new()
        .name(SERVER_THREAD.into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                loop {
                    let (stream, _) = listener.accept().await.unwrap();
                    stream.set_nodelay(true).unwrap();
                    c.fetch_add(1, Ordering::Relaxed);
                    let r = r.clone();
                    tokio::spawn(async move {
                        let service = service_fn(move |req: Request<hyper::body::Incoming>| {
                            let r = r.clone();
                            async move {
                                let _ = req.into_body().collect().await;
                                r.fetch_add(1, Ordering::Relaxed);
                                let mut response =
                                    Response::new(Full::new(Bytes::from_static(ANSWER)));
                                *response.status_mut() = hyper::StatusCode::CREATED;
                                response.headers_mut().insert(
                                    hyper::header::CONTENT_TYPE,
                                    hyper::header::HeaderValue::from_static("application/json"),
                                );
                                Ok::<_, Infallible>(response)
                            }
                        });
                        let _ = http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
            });
        })
        .expect("the server thread starts");
    let addr = rx.recv().unwrap();
    (format!("http://{addr}/v1"), connections, requests)
}

#[derive(Clone)]
struct Clients {
    wrapper: plivo_phlo::MultiPartyCall,
    client: PhloClient,
    phlo: types::Id,
    node: types::Id,
    body: types::MultiPartyCallRequest,
    raw: reqwest::Client,
    raw_base: String,
}

/// Plivo's answer to an action, as an application would declare it: the
/// floor decodes into this, not into the crate's type.
#[derive(serde::Deserialize)]
struct PlainAnswer {
    api_id: String,
    #[serde(default)]
    #[allow(dead_code)] // decoded, as an application would; not read here
    error: Option<String>,
}

#[derive(serde::Serialize)]
struct RawBody<'a> {
    action: &'a str,
    to: &'a str,
    role: &'a str,
    trigger_source: &'a str,
}

impl Clients {
    fn new(base: &str) -> Self {
        let client = PhloClient::builder()
            .credentials(AUTH_ID, TOKEN)
            .base_url(base)
            .build()
            .unwrap();
        use base64::Engine as _;
        let auth = base64::engine::general_purpose::STANDARD.encode(format!("{AUTH_ID}:{TOKEN}"));
        let mut value = reqwest::header::HeaderValue::from_str(&format!("Basic {auth}")).unwrap();
        value.set_sensitive(true);
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::AUTHORIZATION, value);
        // A plain reqwest client needs a process-wide TLS provider.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let raw = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(plivo_phlo::USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(plivo_phlo::DEFAULT_TIMEOUT)
            .connect_timeout(plivo_phlo::DEFAULT_CONNECT_TIMEOUT)
            .build()
            .unwrap();
        Clients {
            wrapper: client.multi_party_call(PHLO, NODE),
            client: client.clone(),
            phlo: PHLO.parse().unwrap(),
            node: NODE.parse().unwrap(),
            body: types::MultiPartyCallRequest {
                action: types::MultiPartyCallAction::Call,
                to: "+14152225555".parse().unwrap(),
                role: Some(Role::Agent),
                trigger_source: "+14152223333".parse().unwrap(),
            },
            raw,
            raw_base: base.to_string(),
        }
    }

    async fn call(&self, way: Way) {
        match way {
            Way::Wrapper => {
                let answer = self
                    .wrapper
                    .add_user("+14152225555", Role::Agent, "+14152223333")
                    .await
                    .unwrap();
                assert_eq!(answer.api_id.len(), 36);
            }
            Way::FreshHandle => {
                let answer = self
                    .client
                    .multi_party_call(PHLO, NODE)
                    .add_user("+14152225555", Role::Agent, "+14152223333")
                    .await
                    .unwrap();
                assert_eq!(answer.api_id.len(), 36);
            }
            Way::Operations => {
                let answer = self
                    .client
                    .operations()
                    .update_multi_party_call(&self.phlo, &self.node, &self.body)
                    .await
                    .unwrap();
                assert_eq!(answer.api_id.len(), 36);
            }
            Way::RawPlain => {
                let answer: PlainAnswer = self.raw_send().await.json().await.unwrap();
                assert_eq!(answer.api_id.len(), 36);
            }
            Way::RawCrateType => {
                let answer: types::ActionResponse = self.raw_send().await.json().await.unwrap();
                assert_eq!(answer.api_id.len(), 36);
            }
        }
    }

    /// The raw loop's request, sent; its status checked.
    async fn raw_send(&self) -> reqwest::Response {
        // The URL is built per call, as the generated client does (pushes
        // into one allocation: `format!` here costs ~1.9 k instructions more).
        let mut url = String::with_capacity(256);
        url.push_str(&self.raw_base);
        url.push_str("/phlo/");
        url.push_str(PHLO);
        url.push_str("/multi_party_call/");
        url.push_str(NODE);
        let response = self
            .raw
            .post(url)
            .header(
                reqwest::header::ACCEPT,
                reqwest::header::HeaderValue::from_static("application/json"),
            )
            // `json` sets Content-Type: application/json.
            .json(&RawBody {
                action: "call",
                to: "+14152225555",
                role: "agent",
                trigger_source: "+14152223333",
            })
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        response
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Way {
    Wrapper,
    FreshHandle,
    Operations,
    RawPlain,
    RawCrateType,
}

impl Way {
    /// Its name in `BENCH_PROFILE` and in the report.
    fn name(self) -> &'static str {
        match self {
            Way::Wrapper => "wrapper",
            Way::FreshHandle => "fresh-handle",
            Way::Operations => "operations",
            Way::RawPlain => "raw-plain",
            Way::RawCrateType => "raw-crate-type",
        }
    }
}

const WAYS: [Way; 5] = [
    Way::Wrapper,
    Way::FreshHandle,
    Way::Operations,
    Way::RawPlain,
    Way::RawCrateType,
];
/// The floor every ratio is taken against: `Way::RawPlain`.
const FLOOR: usize = 3;

/// CPU time of every thread but the server's, in ns.
fn client_cpu_ns() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .flatten()
        .filter(|t| {
            std::fs::read_to_string(t.path().join("comm"))
                .map_or(true, |c| c.trim() != SERVER_THREAD)
        })
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// Mean wall time and client CPU time per call of `n` sequential calls.
async fn sequential(clients: &Clients, way: Way, n: usize) -> (Duration, Duration) {
    let cpu = client_cpu_ns();
    let started = Instant::now();
    for _ in 0..n {
        clients.call(way).await;
    }
    let wall = started.elapsed() / n as u32;
    (
        wall,
        Duration::from_nanos((client_cpu_ns() - cpu) / n as u64),
    )
}

/// Calls per second with `in_flight` tasks each making `n / in_flight` calls.
async fn concurrent(clients: &Clients, way: Way, n: usize, in_flight: usize) -> f64 {
    let per_task = n / in_flight;
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..in_flight {
        let clients = clients.clone();
        tasks.spawn(async move {
            for _ in 0..per_task {
                clients.call(way).await;
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    (per_task * in_flight) as f64 / started.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    // Like any application that builds its own reqwest client next to
    // plivo-phlo's with `rustls-no-provider` unified in: pick a provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let calls: usize = std::env::var("BENCH_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4000);
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(11);
    // BENCH_SERVE=1: only the server, in a process of its own (its base URL
    // on stdout), so an instruction count of the client process holds the
    // client alone (benches/instructions.sh); BENCH_SERVER=<base URL>: use it.
    if std::env::var_os("BENCH_SERVE").is_some() {
        let (base, _, _) = start_server();
        println!("{base}");
        loop {
            std::thread::park();
        }
    }
    let (base, connections, requests) = match std::env::var("BENCH_SERVER") {
        Ok(base) => (
            base,
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicUsize::new(0)),
        ),
        Err(_) => start_server(),
    };
    // BENCH_RUNTIME=current-thread: the client on one thread, its connection
    // task beside it, no wake-ups across threads (whose spinning and parking
    // move an instruction count by a few per cent from run to run); by
    // default a multi-thread runtime with one worker.
    let runtime = match std::env::var("BENCH_RUNTIME").as_deref() {
        Ok("current-thread") => tokio::runtime::Builder::new_current_thread(),
        Ok("multi-thread") | Err(_) => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.worker_threads(1);
            builder
        }
        Ok(other) => panic!("BENCH_RUNTIME: current-thread or multi-thread, not {other}"),
    }
    .enable_all()
    .build()
    .unwrap();
    runtime.block_on(async {
        let clients = Clients::new(&base);
        // BENCH_PROFILE=wrapper|fresh-handle|operations|raw-plain|raw-crate-type:
        // only that way, sequentially (or BENCH_IN_FLIGHT=n at a time), for a
        // profiler (valgrind --tool=callgrind) to attribute the cost.
        if let Ok(only) = std::env::var("BENCH_PROFILE") {
            let way = WAYS
                .into_iter()
                .find(|w| w.name() == only)
                .expect("BENCH_PROFILE: wrapper, fresh-handle, operations, raw-plain or raw-crate-type");
            match std::env::var("BENCH_IN_FLIGHT").ok().and_then(|v| v.parse().ok()) {
                Some(in_flight) => {
                    let rate = concurrent(&clients, way, calls, in_flight).await;
                    println!("{}: {calls} calls, {in_flight} in flight, {rate:.0} calls/s, {} connections", way.name(), connections.load(Ordering::Relaxed));
                }
                None => {
                    let (t, cpu) = sequential(&clients, way, calls).await;
                    println!("{}: {calls} sequential calls, {:.1} µs per call, {:.1} µs client CPU", way.name(), t.as_secs_f64() * 1e6, cpu.as_secs_f64() * 1e6);
                }
            }
            return;
        }
        for way in WAYS {
            sequential(&clients, way, 500).await; // warm-up: connections, caches
        }

        println!("plivo-phlo overhead benchmark: {calls} add-user calls per measurement, {rounds} rounds, median");
        let n = WAYS.len();
        let (mut seq, mut cpu, mut par) = (vec![Vec::new(); n], vec![Vec::new(); n], vec![Vec::new(); n]);
        for round in 0..rounds {
            // Rotate the order each round so no client always goes first.
            for k in 0..n {
                let i = (k + round) % n;
                let (wall, used) = sequential(&clients, WAYS[i], calls).await;
                seq[i].push(wall.as_secs_f64() * 1e6);
                cpu[i].push(used.as_secs_f64() * 1e6);
            }
            for k in 0..n {
                let i = (k + round) % n;
                par[i].push(concurrent(&clients, WAYS[i], calls, 64).await);
            }
        }
        // Ratios are taken within each round (the measurements sit next to
        // each other in time), then the median over rounds: this VM's speed
        // drifts between rounds by more than the overhead.
        let ratio = |v: &[Vec<f64>], i: usize| {
            let per_round: Vec<f64> = v[i].iter().zip(&v[FLOOR]).map(|(x, raw)| x / raw).collect();
            let (lo, hi) = per_round.iter().fold((f64::MAX, f64::MIN), |(lo, hi), r| (lo.min(*r), hi.max(*r)));
            (median(per_round), lo, hi)
        };
        let show = |(m, lo, hi): (f64, f64, f64)| format!("{m:.3} [{lo:.2}..{hi:.2}]");
        println!("\n                  sequential µs/call   client CPU µs/call   64 in flight calls/s");
        for (i, way) in WAYS.iter().enumerate() {
            println!(
                "  {:<16} {:>12.1}        {:>12.1}          {:>10.0}",
                way.name(),
                median(seq[i].clone()),
                median(cpu[i].clone()),
                median(par[i].clone())
            );
        }
        println!("\nratios against the raw reqwest loop into a plain struct (raw-plain), per round, median [min..max] over {rounds} rounds:");
        for (i, way) in WAYS.iter().enumerate().filter(|&(i, _)| i != FLOOR) {
            println!(
                "  {:<16} sequential time {}   client CPU {} (goal <= 1.03)   64-in-flight rate {} (goal >= 0.97)",
                way.name(),
                show(ratio(&seq, i)),
                show(ratio(&cpu, i)),
                show(ratio(&par, i))
            );
        }

        // 1000 calls in flight on one client, five waves.
        let before = connections.load(Ordering::Relaxed);
        let served_before = requests.load(Ordering::Relaxed);
        let waves = 5;
        let started = Instant::now();
        for _ in 0..waves {
            let mut tasks = tokio::task::JoinSet::new();
            for _ in 0..1000 {
                let clients = clients.clone();
                tasks.spawn(async move { clients.call(Way::Wrapper).await });
            }
            let mut errors = 0;
            while let Some(done) = tasks.join_next().await {
                errors += usize::from(done.is_err());
            }
            assert_eq!(errors, 0, "calls failed at 1000 in flight");
        }
        let elapsed = started.elapsed();
        let served = requests.load(Ordering::Relaxed) - served_before;
        let opened = connections.load(Ordering::Relaxed) - before;
        println!(
            "\n1000 in flight on one client: {waves} waves, {served} calls, 0 errors, {:.0} calls/s",
            served as f64 / elapsed.as_secs_f64()
        );
        println!("  new connections at the server: {opened} (for {served} requests; total since start {})", connections.load(Ordering::Relaxed));
        println!("  peak RSS of the whole process (client + server): {:.1} MiB (goal <= 64 MiB)", peak_rss_mib());
    });
}
