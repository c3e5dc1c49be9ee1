//! Wire tests: for every spec operation and every action, what goes out
//! (method, exact raw path, headers, JSON body) and what comes back.
//!
//! Each test's name starts with the operationId it covers; `spec_coverage.rs`
//! fails when an operationId in `spec/phlo.yaml` has no such test.

use httpmock::{Method::GET, Method::POST, Mock, MockServer, Then, When};
use plivo_phlo::{PhloClient, Role, types};
use serde_json::{Value, json};

const AUTH_ID: &str = "MAXXXXXXXXXXXXXXXXXX";
const TOKEN: &str = "s3cr3t-token";
/// base64("MAXXXXXXXXXXXXXXXXXX:s3cr3t-token"), computed independently.
const BASIC: &str = "Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6czNjcjN0LXRva2Vu";
const PHLO: &str = "4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20";
const NODE: &str = "2e8f6d4b-1a3c-4e5f-8b7d-9c0a1b2c3d4e";
const PHONE: &str = "+14152225555";
const SIP: &str = "sip:agent1@phone.plivo.com";

fn client(server: &MockServer) -> PhloClient {
    PhloClient::builder()
        .credentials(AUTH_ID, TOKEN)
        .base_url(server.url("/v1"))
        .build()
        .unwrap()
}

/// The headers every request must carry.
fn common(when: When) -> When {
    when.header("authorization", BASIC)
        .header(
            "user-agent",
            format!("plivo-phlo-rust/{}", env!("CARGO_PKG_VERSION")),
        )
        .header("accept", "application/json")
        .header_missing("api-version")
}

/// A POST with an exact raw path and an exact JSON body.
async fn expect_post<'a>(
    server: &'a MockServer,
    path: &str,
    body: Value,
    status: u16,
    answer: Value,
) -> Mock<'a> {
    let path = path.to_string();
    server
        .mock_async(move |when, then: Then| {
            common(when.method(POST).path(path))
                .header("content-type", "application/json")
                .json_body(body);
            then.status(status)
                .header("content-type", "application/json")
                .json_body(answer);
        })
        .await
}

async fn expect_get<'a>(server: &'a MockServer, path: &str, answer: Value) -> Mock<'a> {
    let path = path.to_string();
    server
        .mock_async(move |when, then: Then| {
            common(when.method(GET).path(path)).header_missing("content-type");
            then.status(200)
                .header("content-type", "application/json")
                .json_body(answer);
        })
        .await
}

fn accepted(api_id: &str) -> Value {
    json!({"api_id": api_id, "error": ""})
}

// ---- retrieve PHLO ---------------------------------------------------------

#[tokio::test]
async fn get_phlo_decodes_the_phlo() {
    let server = MockServer::start_async().await;
    let answer = json!({"api_id": "a-1", "phlo_id": PHLO, "name": "Support", "created_on": "2018-11-20 04:46:20.307414+00:00"});
    let mock = expect_get(&server, &format!("/v1/phlo/{PHLO}"), answer).await;
    let phlo = client(&server).phlo(PHLO).get().await.unwrap();
    mock.assert_async().await;
    assert_eq!(phlo.phlo_id, PHLO);
    assert_eq!(phlo.name, "Support");
    assert_eq!(phlo.api_id.as_deref(), Some("a-1"));
    assert_eq!(
        phlo.created_on.as_deref(),
        Some("2018-11-20 04:46:20.307414+00:00")
    );
}

// ---- run PHLO --------------------------------------------------------------

#[tokio::test]
async fn run_phlo_sends_payload_keys_verbatim() {
    let server = MockServer::start_async().await;
    // Keys in any case go out as given (the Node SDK rewrites them).
    let payload = json!({"from": "+14152223333", "to": PHONE, "phoneMeNumber": "1", "is_equal": true, "Nested": {"aB": [1, 2]}});
    let answer = json!({"api_id": "run-1", "phlo_id": PHLO, "message": "triggered"});
    let mock = expect_post(
        &server,
        &format!("/v1/account/{AUTH_ID}/phlo/{PHLO}"),
        payload.clone(),
        201,
        answer,
    )
    .await;
    let run = client(&server).phlo(PHLO).run(&payload).await.unwrap();
    mock.assert_async().await;
    assert_eq!(run.api_id, "run-1");
    assert_eq!(run.phlo_id.as_deref(), Some(PHLO));
    assert_eq!(run.message.as_deref(), Some("triggered"));
}

#[tokio::test]
async fn run_phlo_without_parameters_sends_an_empty_object() {
    let server = MockServer::start_async().await;
    let answer =
        json!({"api_id": "run-2", "phlo_id": PHLO, "phlo_run_id": "run-2", "name": "Support"});
    let mock = expect_post(
        &server,
        &format!("/v1/account/{AUTH_ID}/phlo/{PHLO}"),
        json!({}),
        200,
        answer,
    )
    .await;
    let run = client(&server).phlo(PHLO).run(json!({})).await.unwrap();
    mock.assert_async().await;
    assert_eq!(run.phlo_run_id.as_deref(), Some("run-2"));
    assert_eq!(run.name.as_deref(), Some("Support"));
}

#[tokio::test]
async fn run_phlo_accepts_any_serializable_struct() {
    #[derive(serde::Serialize)]
    struct Start<'a> {
        from: &'a str,
        to: &'a str,
    }
    let server = MockServer::start_async().await;
    let body = json!({"from": "+14152223333", "to": SIP});
    let mock = expect_post(
        &server,
        &format!("/v1/account/{AUTH_ID}/phlo/{PHLO}"),
        body,
        201,
        json!({"api_id": "run-3"}),
    )
    .await;
    let run = client(&server)
        .phlo(PHLO)
        .run(Start {
            from: "+14152223333",
            to: SIP,
        })
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(run.api_id, "run-3");
}

// ---- retrieve PHLO run -----------------------------------------------------

#[tokio::test]
async fn get_phlo_run_decodes_the_run() {
    let server = MockServer::start_async().await;
    let run_id = "9b0a8f7e-6d5c-4b3a-2918-0f1e2d3c4b5a";
    let answer = json!({"phlo_id": PHLO, "run_id": run_id, "call_uuids": ["c1", "c2"], "message_uuids": [], "recording_ids": ["r1"]});
    let mock = expect_get(&server, &format!("/v1/phlo/{PHLO}/runs/{run_id}"), answer).await;
    let run = client(&server).phlo(PHLO).get_run(run_id).await.unwrap();
    mock.assert_async().await;
    assert_eq!(run.run_id, run_id);
    assert_eq!(run.call_uuids, vec!["c1", "c2"]);
    assert!(run.message_uuids.is_empty());
    assert_eq!(run.recording_ids, vec!["r1"]);
    assert_eq!(run.api_id, None);
}

// ---- retrieve MPC node -----------------------------------------------------

#[tokio::test]
async fn get_multi_party_call_decodes_the_node() {
    let server = MockServer::start_async().await;
    let answer = json!({"api_id": "a-2", "node_id": NODE, "phlo_id": PHLO, "name": "Multi-Party Call_1", "node_type": "multi_party_call", "created_on": "2018-11-20 04:46:20.307414+00:00"});
    let mock = expect_get(
        &server,
        &format!("/v1/phlo/{PHLO}/multi_party_call/{NODE}"),
        answer,
    )
    .await;
    let node = client(&server)
        .multi_party_call(PHLO, NODE)
        .get()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(node.node_id, NODE);
    assert_eq!(node.phlo_id, PHLO);
    assert_eq!(node.node_type.as_deref(), Some("multi_party_call"));
    assert_eq!(node.name.as_deref(), Some("Multi-Party Call_1"));
}

// ---- update MPC: call, warm_transfer, cold_transfer --------------------------

#[tokio::test]
async fn update_multi_party_call_add_user_sends_the_seed_body() {
    let server = MockServer::start_async().await;
    let seed =
        json!({"action":"call","to":"+14152225555","role":"agent","trigger_source":"+14152223333"});
    let mock = expect_post(
        &server,
        &format!("/v1/phlo/{PHLO}/multi_party_call/{NODE}"),
        seed,
        201,
        accepted("a-3"),
    )
    .await;
    let answer = client(&server)
        .multi_party_call(PHLO, NODE)
        .add_user("+14152225555", Role::Agent, "+14152223333")
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(
        answer,
        types::ActionResponse {
            api_id: "a-3".into(),
            error: Some(String::new())
        }
    );
}

#[tokio::test]
async fn update_multi_party_call_add_user_as_customer_over_sip_accepts_200() {
    let server = MockServer::start_async().await;
    let body = json!({"action":"call","to":SIP,"role":"customer","trigger_source":"14152223333"});
    let mock = expect_post(
        &server,
        &format!("/v1/phlo/{PHLO}/multi_party_call/{NODE}"),
        body,
        200,
        json!({"api_id": "a-4"}),
    )
    .await;
    let answer = client(&server)
        .multi_party_call(PHLO, NODE)
        .add_user(SIP, Role::Customer, "14152223333")
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(answer.api_id, "a-4");
    assert_eq!(answer.error, None);
}

#[tokio::test]
async fn update_multi_party_call_warm_transfer_defaults_role_to_agent() {
    let server = MockServer::start_async().await;
    let body = json!({"action":"warm_transfer","to":SIP,"role":"agent","trigger_source":PHONE});
    let mock = expect_post(
        &server,
        &format!("/v1/phlo/{PHLO}/multi_party_call/{NODE}"),
        body,
        201,
        accepted("a-5"),
    )
    .await;
    let answer = client(&server)
        .multi_party_call(PHLO, NODE)
        .warm_transfer(SIP, PHONE)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(answer.api_id, "a-5");
}

#[tokio::test]
async fn update_multi_party_call_cold_transfer_defaults_role_to_agent() {
    let server = MockServer::start_async().await;
    let body = json!({"action":"cold_transfer","to":PHONE,"role":"agent","trigger_source":SIP});
    let mock = expect_post(
        &server,
        &format!("/v1/phlo/{PHLO}/multi_party_call/{NODE}"),
        body,
        201,
        accepted("a-6"),
    )
    .await;
    let answer = client(&server)
        .multi_party_call(PHLO, NODE)
        .cold_transfer(PHONE, SIP)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(answer.api_id, "a-6");
}

#[tokio::test]
async fn update_multi_party_call_warm_transfer_as_customer_through_update() {
    let server = MockServer::start_async().await;
    let body =
        json!({"action":"warm_transfer","to":PHONE,"role":"customer","trigger_source":PHONE});
    let mock = expect_post(
        &server,
        &format!("/v1/phlo/{PHLO}/multi_party_call/{NODE}"),
        body,
        201,
        accepted("a-7"),
    )
    .await;
    let answer = client(&server)
        .multi_party_call(PHLO, NODE)
        .update(
            types::MultiPartyCallAction::WarmTransfer,
            PHONE,
            Role::Customer,
            PHONE,
        )
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(answer.api_id, "a-7");
}

// ---- update MPC member: six actions, phone and SIP addresses ----------------

async fn member_action(address: &str, action: &str) {
    let server = MockServer::start_async().await;
    let path = format!("/v1/phlo/{PHLO}/multi_party_call/{NODE}/members/{address}");
    let api_id = format!("m-{action}");
    let mock = expect_post(
        &server,
        &path,
        json!({ "action": action }),
        201,
        accepted(&api_id),
    )
    .await;
    let mpc = client(&server).multi_party_call(PHLO, NODE);
    let member = mpc.member(address);
    let answer = match action {
        "hold" => member.hold().await,
        "unhold" => member.unhold().await,
        "hangup" => member.hangup().await,
        "resume_call" => member.resume_call().await,
        "voicemail_drop" => member.voicemail_drop().await,
        "abort_transfer" => member.abort_transfer().await,
        other => panic!("no such action {other}"),
    }
    .unwrap();
    mock.assert_async().await;
    assert_eq!(answer.api_id, api_id);
}

macro_rules! member_tests {
    ($($name:ident: $address:expr, $action:literal;)*) => {$(
        #[tokio::test]
        async fn $name() {
            member_action($address, $action).await;
        }
    )*};
}

member_tests! {
    update_multi_party_call_member_hold_phone: PHONE, "hold";
    update_multi_party_call_member_hold_sip: SIP, "hold";
    update_multi_party_call_member_unhold_phone: PHONE, "unhold";
    update_multi_party_call_member_unhold_sip: SIP, "unhold";
    update_multi_party_call_member_hangup_phone: PHONE, "hangup";
    update_multi_party_call_member_hangup_sip: SIP, "hangup";
    update_multi_party_call_member_resume_call_phone: PHONE, "resume_call";
    update_multi_party_call_member_resume_call_sip: SIP, "resume_call";
    update_multi_party_call_member_voicemail_drop_phone: PHONE, "voicemail_drop";
    update_multi_party_call_member_voicemail_drop_sip: SIP, "voicemail_drop";
    update_multi_party_call_member_abort_transfer_phone: PHONE, "abort_transfer";
    update_multi_party_call_member_abort_transfer_sip: SIP, "abort_transfer";
}

#[tokio::test]
async fn update_multi_party_call_member_act_takes_any_action() {
    let server = MockServer::start_async().await;
    let path = format!("/v1/phlo/{PHLO}/multi_party_call/{NODE}/members/{PHONE}");
    let mock = expect_post(
        &server,
        &path,
        json!({"action": "unhold"}),
        201,
        accepted("m-act"),
    )
    .await;
    let answer = client(&server)
        .multi_party_call(PHLO, NODE)
        .member(PHONE)
        .act(types::MemberAction::Unhold)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(answer.api_id, "m-act");
}

// ---- update conference-bridge member: mute, unmute, hangup -------------------

async fn conference_action(address: &str, action: &str) {
    let server = MockServer::start_async().await;
    let path = format!("/v1/phlo/{PHLO}/conference_bridge/{NODE}/members/{address}");
    let api_id = format!("c-{action}");
    let mock = expect_post(
        &server,
        &path,
        json!({ "action": action }),
        201,
        json!({ "api_id": api_id }),
    )
    .await;
    let bridge = client(&server).conference_bridge(PHLO, NODE);
    let member = bridge.member(address);
    let answer = match action {
        "mute" => member.mute().await,
        "unmute" => member.unmute().await,
        "hangup" => member.hangup().await,
        other => panic!("no such action {other}"),
    }
    .unwrap();
    mock.assert_async().await;
    assert_eq!(answer.api_id, api_id);
    assert_eq!(answer.error, None);
}

macro_rules! conference_tests {
    ($($name:ident: $address:expr, $action:literal;)*) => {$(
        #[tokio::test]
        async fn $name() {
            conference_action($address, $action).await;
        }
    )*};
}

conference_tests! {
    update_conference_bridge_member_mute_phone: PHONE, "mute";
    update_conference_bridge_member_mute_sip: SIP, "mute";
    update_conference_bridge_member_unmute_phone: PHONE, "unmute";
    update_conference_bridge_member_unmute_sip: SIP, "unmute";
    update_conference_bridge_member_hangup_phone: PHONE, "hangup";
    update_conference_bridge_member_hangup_sip: SIP, "hangup";
}

// ---- the generated client, reached through generated() ----------------------

#[tokio::test]
async fn update_multi_party_call_through_generated_client_sends_the_same_wire() {
    let server = MockServer::start_async().await;
    let seed = json!({"action":"call","to":PHONE,"role":"agent","trigger_source":"+14152223333"});
    let mock = expect_post(
        &server,
        &format!("/v1/phlo/{PHLO}/multi_party_call/{NODE}"),
        seed,
        201,
        accepted("g-1"),
    )
    .await;
    let client = client(&server);
    let body = types::MultiPartyCallRequest {
        action: types::MultiPartyCallAction::Call,
        to: PHONE.parse().unwrap(),
        role: Role::Agent,
        trigger_source: "+14152223333".parse().unwrap(),
    };
    let answer = client
        .generated()
        .update_multi_party_call(&PHLO.parse().unwrap(), &NODE.parse().unwrap(), &body)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(answer.status(), 201);
    assert_eq!(answer.into_inner().api_id, "g-1");
}
