//! Bad input: each malformed value gives an `InvalidInput` naming the field
//! and the value, and nothing reaches the server (not even a connection).

use plivo_phlo::{Error, Role, mock::MockPhlo};
use serde_json::json;

const PHLO: &str = MockPhlo::PHLO_ID;
const NODE: &str = MockPhlo::NODE_ID;
const OK: &str = "+14152225555";

/// Malformed addresses, with a word the reason must contain.
const BAD_ADDRESSES: &[(&str, &str)] = &[
    ("", "empty"),
    (" ", "whitespace"),
    ("+1 415 222 5555", "whitespace"),
    ("+14152225555 ", "whitespace"),
    ("abc", "phone number"),
    ("1234567890123456", "16 digits"),
    ("+12345678901234567890", "20 digits"),
    ("++14152225555", "phone number"),
    ("+", "phone number"),
    ("sip:", "no '@host'"),
    ("sip:@phone.plivo.com", "no user"),
    ("sip:a@", "no host"),
    ("sip:agent1", "no '@host'"),
    ("sip:a@b@c", "SIP host must be"),
    ("sip:agent1@-phone.plivo.com", "SIP host must be"),
    // Lax before: now refused, each with its reason.
    ("0", "never 0"),
    ("+0", "never 0"),
    ("04152225555", "never 0"),
    ("sip:a@phone.plivo.com:0", "port must be 1 to 65535"),
    ("sip:a@phone.plivo.com:99999", "port must be 1 to 65535"),
    ("sip:a@999.999.999.999", "not a valid IPv4"),
    ("sip:a@10.0.0.256", "not a valid IPv4"),
    ("sip:..@phone.plivo.com", "user part must be"),
    ("sip:.a@phone.plivo.com", "user part must be"),
    ("sip:a@phone..plivo.com", "SIP host must be"),
    ("sip:a@[::1]", "IPv6"),
    ("sip:a@phone.plivo.com;=tcp", "URI parameters"),
    ("+１４１５２２２５５５", "non-ASCII digits"),
    ("٤١٥٢٢٢٥٥٥٥", "non-ASCII digits"),
    ("+14152225555\r\nX-Injected: 1", "whitespace"),
    ("+1415\u{0}2225555", "control"),
    ("../etc/passwd", "'/'"),
    ("..", "dot segment"),
    ("+1415/2225555", "'/'"),
    ("+1415?a=b", "'?'"),
    ("+1415#frag", "'#'"),
    ("%2B14152225555", "'%'"),
    ("sip:agent1@phone.plivo.com/../x", "'/'"),
    ("tel:+14152225555", "phone number"),
];

fn all_bad() -> Vec<(String, &'static str)> {
    let listed = BAD_ADDRESSES.iter().map(|(b, w)| (b.to_string(), *w));
    listed.chain(too_long()).collect()
}

/// Values too long to be addresses: a 65-character SIP user, a 1 MB one,
/// a 254-character host, 401 bytes in all.
fn too_long() -> Vec<(String, &'static str)> {
    let label = "a".repeat(63);
    vec![
        (
            format!("sip:{}@phone.plivo.com", "u".repeat(65)),
            "user part must be 1 to 64",
        ),
        (
            format!("sip:{}@phone.plivo.com", "u".repeat(1_000_000)),
            "addresses are at most 400",
        ),
        (
            format!("sip:u@{label}.{label}.{label}.{label}.com"),
            "at most 253",
        ),
        (
            format!("sip:u@{label}.{label}.{label}.com{}", ";p=v".repeat(60)),
            "addresses are at most 400",
        ),
    ]
}

fn invalid(err: Error) -> (&'static str, String, String) {
    match err {
        Error::InvalidInput {
            field,
            value,
            reason,
        } => (field, value, reason),
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

fn check(err: Error, field: &str, value: &str, reason_has: &str) {
    let shown = err.to_string();
    assert!(!err.may_have_reached_server());
    assert_eq!(err.status(), None);
    let (f, v, reason) = invalid(err);
    assert_eq!(f, field, "field for {value:?}");
    assert_eq!(v, value, "value for {value:?}");
    assert!(
        reason.contains(reason_has),
        "reason for {value:?} was {reason:?}, wanted {reason_has:?}"
    );
    assert!(shown.starts_with(&format!("invalid {field} ")), "{shown}");
}

#[tokio::test]
async fn bad_to_addresses_are_refused_before_io() {
    let mock = MockPhlo::start().await.unwrap();
    let mpc = mock.client().multi_party_call(PHLO, NODE);
    for (bad, why) in all_bad() {
        let bad = bad.as_str();
        let err = mpc.add_user(bad, Role::Agent, OK).await.unwrap_err();
        check(err, "to", bad, why);
    }
    assert_eq!(mock.connections(), 0);
}

#[tokio::test]
async fn bad_trigger_sources_are_refused_before_io() {
    let mock = MockPhlo::start().await.unwrap();
    let mpc = mock.client().multi_party_call(PHLO, NODE);
    for (bad, why) in all_bad() {
        let bad = bad.as_str();
        check(
            mpc.warm_transfer(OK, bad).await.unwrap_err(),
            "trigger_source",
            bad,
            why,
        );
        check(
            mpc.cold_transfer(OK, bad).await.unwrap_err(),
            "trigger_source",
            bad,
            why,
        );
    }
    assert_eq!(mock.connections(), 0);
}

#[tokio::test]
async fn bad_member_addresses_are_refused_before_io() {
    let mock = MockPhlo::start().await.unwrap();
    let client = mock.client();
    let mpc = client.multi_party_call(PHLO, NODE);
    let bridge = client.conference_bridge(PHLO, NODE);
    for (bad, why) in all_bad() {
        let bad = bad.as_str();
        check(
            mpc.member(bad).hold().await.unwrap_err(),
            "member_address",
            bad,
            why,
        );
        check(
            mpc.member(bad).hangup().await.unwrap_err(),
            "member_address",
            bad,
            why,
        );
        check(
            bridge.member(bad).mute().await.unwrap_err(),
            "member_address",
            bad,
            why,
        );
    }
    assert_eq!(mock.connections(), 0);
}

const BAD_IDS: &[(&str, &str)] = &[
    ("", "empty"),
    ("a/b", "'/'"),
    ("a?b", "'?'"),
    ("a#b", "'#'"),
    ("a%2Fb", "'%'"),
    ("..", "dot segment"),
    (".", "dot segment"),
    ("a b", "whitespace"),
    ("id\r\n", "whitespace"),
    ("a\\b", "'\\\\'"),
    ("ümlaut", "letters, digits"),
    ("a.b", "letters, digits"),
];

#[tokio::test]
async fn bad_phlo_and_node_ids_are_refused_before_io() {
    let mock = MockPhlo::start().await.unwrap();
    let client = mock.client();
    for (bad, why) in BAD_IDS {
        check(
            client
                .multi_party_call(bad, NODE)
                .add_user(OK, Role::Agent, OK)
                .await
                .unwrap_err(),
            "phlo_id",
            bad,
            why,
        );
        check(
            client.multi_party_call(PHLO, bad).get().await.unwrap_err(),
            "node_id",
            bad,
            why,
        );
        check(
            client
                .multi_party_call(PHLO, bad)
                .member(OK)
                .hold()
                .await
                .unwrap_err(),
            "node_id",
            bad,
            why,
        );
        check(
            client
                .conference_bridge(bad, NODE)
                .member(OK)
                .unmute()
                .await
                .unwrap_err(),
            "phlo_id",
            bad,
            why,
        );
        check(
            client.phlo(bad).get().await.unwrap_err(),
            "phlo_id",
            bad,
            why,
        );
        check(
            client.phlo(bad).run(json!({})).await.unwrap_err(),
            "phlo_id",
            bad,
            why,
        );
        check(
            client.phlo(PHLO).get_run(bad).await.unwrap_err(),
            "run_id",
            bad,
            why,
        );
    }
    let long = "a".repeat(65);
    check(
        client.phlo(&long).get().await.unwrap_err(),
        "phlo_id",
        &long,
        "65 bytes",
    );
    assert_eq!(mock.connections(), 0);
}

#[tokio::test]
async fn run_payloads_that_are_not_objects_are_refused_before_io() {
    let mock = MockPhlo::start().await.unwrap();
    let phlo = mock.client().phlo(PHLO);
    let cases = [
        (json!(null), "null", "is null"),
        (json!([1, 2]), "[1,2]", "is an array"),
        (json!("to"), "\"to\"", "is a string"),
        (json!(42), "42", "is a number"),
        (json!(true), "true", "is a boolean"),
    ];
    for (payload, shown, why) in cases {
        check(phlo.run(payload).await.unwrap_err(), "payload", shown, why);
    }
    // A payload that cannot be serialised at all.
    let mut map = std::collections::HashMap::new();
    map.insert(vec![1u8], 1);
    check(
        phlo.run(map).await.unwrap_err(),
        "payload",
        "",
        "cannot be serialised",
    );
    assert_eq!(mock.connections(), 0);
}

#[tokio::test]
async fn the_error_text_escapes_control_characters() {
    let mock = MockPhlo::start().await.unwrap();
    let err = mock
        .client()
        .multi_party_call(PHLO, NODE)
        .add_user("+1415\r\nX: y", Role::Agent, OK)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"invalid to "+1415\r\nX: y": contains whitespace"#
    );
}

#[tokio::test]
async fn good_addresses_pass() {
    let mock = MockPhlo::start().await.unwrap();
    let mpc = mock.client().multi_party_call(PHLO, NODE);
    for good in [
        "+14152225555",
        "14152225555",
        "1",
        "+123456789012345",
        "sip:agent1@phone.plivo.com",
        "sips:a.b-c_d@sip.example.com:5061",
    ] {
        mpc.add_user(good, Role::Customer, good).await.unwrap();
        mpc.member(good).hold().await.unwrap();
    }
    assert_eq!(mock.hits(), 12);
}

#[tokio::test]
async fn a_url_reqwest_cannot_build_is_invalid_input_that_never_reached_plivo() {
    let mock = MockPhlo::start().await.unwrap();
    // Past the 64 KiB an HTTP URI may hold: reqwest refuses to send it.
    let template = format!("/phlo/{{phlo_id}}/{}", "a".repeat(70_000));
    let err = mock
        .client()
        .request::<serde_json::Value>(
            plivo_phlo::reqwest::Method::POST,
            &template,
            &[PHLO],
            Some(&json!({"x": 1})),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { field: "request", reason, .. } if reason.starts_with("cannot be built")),
        "{err:?}"
    );
    assert!(!err.may_have_reached_server());
    assert!(!err.is_retryable());
    assert_eq!(mock.connections(), 0, "nothing was sent");
}
