//! Wire tests: for every spec operation and every action, what goes out
//! (method, exact raw path, headers, JSON body) and what comes back.
//!
//! Each test's name starts with the operationId it covers. Every operation
//! of the spec, grown ones included, is also sent generically by
//! `every_operation.rs`; these are the hand-written checks (headers, exact
//! httpmock expectations, typed answers).

use crate::wire_support::*;
use httpmock::MockServer;
use plivo_phlo::{Role, types};
use serde_json::json;

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
async fn transfers_send_the_role_they_are_given() {
    let server = MockServer::start_async().await;
    let path = format!("/v1/phlo/{PHLO}/multi_party_call/{NODE}");
    let warm = json!({"action":"warm_transfer","to":SIP,"role":"customer","trigger_source":PHONE});
    let cold = json!({"action":"cold_transfer","to":PHONE,"role":"customer","trigger_source":SIP});
    let warm_mock = expect_post(&server, &path, warm, 201, accepted("a-7")).await;
    let cold_mock = expect_post(&server, &path, cold, 201, accepted("a-8")).await;
    let mpc = client(&server).multi_party_call(PHLO, NODE);
    let answer = mpc
        .warm_transfer_as(SIP, Role::Customer, PHONE)
        .await
        .unwrap();
    assert_eq!(answer.api_id, "a-7");
    let answer = mpc
        .cold_transfer_as(PHONE, Role::Customer, SIP)
        .await
        .unwrap();
    assert_eq!(answer.api_id, "a-8");
    warm_mock.assert_async().await;
    cold_mock.assert_async().await;
}

#[tokio::test]
async fn a_prepared_action_is_the_request_the_wrapper_sends() {
    // What `phlo mpc … --dry-run` prints: built by the same code as the wrappers.
    let server = MockServer::start_async().await;
    let mpc = client(&server).multi_party_call(PHLO, NODE);
    let prepared = mpc
        .prepare(
            types::MultiPartyCallAction::WarmTransfer,
            SIP,
            Role::Customer,
            PHONE,
        )
        .unwrap();
    assert_eq!(prepared.method(), reqwest::Method::POST);
    assert_eq!(
        prepared.url().path(),
        format!("/v1/phlo/{PHLO}/multi_party_call/{NODE}")
    );
    let body: serde_json::Value = serde_json::from_slice(prepared.body().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"action":"warm_transfer","to":SIP,"role":"customer","trigger_source":PHONE})
    );
    let member = mpc.member(PHONE);
    let prepared = member.prepare(types::MemberAction::Hold).unwrap();
    let body: serde_json::Value = serde_json::from_slice(prepared.body().unwrap()).unwrap();
    assert_eq!(body, json!({"action":"hold"}));
    // Checked as the wrappers check, before anything is built.
    let err = mpc
        .prepare(
            types::MultiPartyCallAction::Call,
            "0415",
            Role::Agent,
            PHONE,
        )
        .unwrap_err();
    assert!(matches!(
        err,
        plivo_phlo::Error::InvalidInput { field: "to", .. }
    ));
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

// ---- the generated client, reached through generated() ----------------------

#[cfg(feature = "unguarded")]
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
        role: Some(Role::Agent),
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
