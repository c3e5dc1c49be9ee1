//! Response decoding for every operation: whatever status and body the server
//! sends, the client never panics, never loses a non-2xx status, and never
//! calls a refusal a success.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use plivo_phlo::{Error, PhloClient, Role, fuzzing::{Canned, with_canned}};

static CLIENT: LazyLock<PhloClient> = LazyLock::new(|| {
    PhloClient::builder()
        .credentials("MAXXXXXXXXXXXXXXXXXX", "fuzz-token")
        .base_url("http://127.0.0.1:9/v1")
        .build()
        .expect("valid configuration")
});

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread().enable_time().build().expect("runtime")
});

const PHLO: &str = "4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20";
const NODE: &str = "2e8f6d4b-1a3c-4e5f-8b7d-9c0a1b2c3d4e";

/// Runs operation `op` and reports (ok?, error) without the typed value.
async fn run(op: u8) -> Result<(), Error> {
    let client = &*CLIENT;
    let mpc = client.multi_party_call(PHLO, NODE);
    match op % 9 {
        0 => client.phlo(PHLO).get().await.map(drop),
        1 => client.phlo(PHLO).run(serde_json::json!({"to": "+14152225555"})).await.map(drop),
        2 => client.phlo(PHLO).get_run(NODE).await.map(drop),
        3 => mpc.get().await.map(drop),
        4 => mpc.add_user("+14152225555", Role::Agent, "+14152223333").await.map(drop),
        5 => mpc.warm_transfer("sip:agent1@phone.plivo.com", "+14152223333").await.map(drop),
        6 => mpc.member("+14152225555").hold().await.map(drop),
        7 => mpc.member("sip:agent1@phone.plivo.com").abort_transfer().await.map(drop),
        _ => client.conference_bridge(PHLO, NODE).member("+14152225555").mute().await.map(drop),
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let op = data[0];
    let status = 200 + u16::from_le_bytes([data[1], data[2]]) % 400;
    let retry_after = (data[3] & 1 == 1).then(|| ("retry-after".to_string(), String::from_utf8_lossy(&data[3..8.min(data.len())]).into_owned()));
    let body = data[4..].to_vec();
    let canned = Canned { status, headers: retry_after.into_iter().collect(), body };
    let outcome = RUNTIME.block_on(with_canned(canned, run(op)));
    match outcome {
        Ok(()) => assert!((200..300).contains(&status), "a {status} answer was taken as success"),
        Err(err) => {
            let _ = err.to_string();
            let _ = format!("{err:?}");
            match &err {
                Error::Api { status: s, .. } => assert_eq!(s.as_u16(), status),
                Error::Decode { status: s, .. } => {
                    assert!((200..300).contains(&status), "a {status} answer was reported as a decode error");
                    assert_eq!(s.map(|s| s.as_u16()), Some(status));
                }
                other => panic!("unexpected error for a canned {status}: {other:?}"),
            }
            assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "status lost");
        }
    }
});
