//! `client.operations()`: every spec operation through the one pipeline,
//! checked on the wire against MockPhlo. `prepare` (by operationId) and the
//! raw `client.request` are in `by_name.rs`.

use crate::mock_support::retrying;
use plivo_phlo::{
    Error, TransportKind,
    mock::{Call, Fault, MockPhlo},
    spec::OPERATIONS,
    types,
};
use serde_json::json;

fn id(s: &str) -> types::Id {
    s.parse().unwrap()
}

/// The seven operations the crate shipped with, each called by hand; an
/// operation added to the spec is covered by `every_operation.rs` (sent by
/// operationId from the spec alone) and by the growth drill.
#[tokio::test]
async fn the_shipped_operations_are_on_operations_and_answer_from_the_mock() {
    let mock = MockPhlo::start().await.unwrap();
    let client = mock.client();
    let ops = client.operations();
    let (phlo, node) = (id(MockPhlo::PHLO_ID), id(MockPhlo::NODE_ID));
    let member: types::Address = "sip:agent1@phone.plivo.com".parse().unwrap();
    let auth: types::AuthId = MockPhlo::AUTH_ID.parse().unwrap();

    let got = ops.get_phlo(&phlo).await.unwrap();
    assert_eq!(got.phlo_id, MockPhlo::PHLO_ID);
    let run = ops
        .run_phlo(
            &auth,
            &phlo,
            Some(&types::RunPhloRequest(Default::default())),
        )
        .await
        .unwrap();
    let got = ops.get_phlo_run(&phlo, &id(&run.api_id)).await.unwrap();
    assert_eq!(got.run_id, run.api_id);
    let got = ops.get_multi_party_call(&phlo, &node).await.unwrap();
    assert_eq!(got.node_id, MockPhlo::NODE_ID);
    let body = types::MultiPartyCallRequest {
        action: types::MultiPartyCallAction::Call,
        to: "+14152225555".parse().unwrap(),
        role: Some(types::Role::Customer),
        trigger_source: "+14152223333".parse().unwrap(),
    };
    ops.update_multi_party_call(&phlo, &node, &body)
        .await
        .unwrap();
    let hold = types::MemberRequest {
        action: types::MemberAction::Hold,
    };
    ops.update_multi_party_call_member(&phlo, &node, &member, &hold)
        .await
        .unwrap();
    let mute = types::ConferenceBridgeMemberRequest {
        action: types::ConferenceBridgeMemberAction::Mute,
    };
    ops.update_conference_bridge_member(&phlo, &node, &member, &mute)
        .await
        .unwrap();

    let requests = mock.requests();
    let seen: Vec<_> = requests
        .iter()
        .map(|r| r.call.operation_id().unwrap())
        .collect();
    let called = [
        "get_phlo",
        "run_phlo",
        "get_phlo_run",
        "get_multi_party_call",
        "update_multi_party_call",
        "update_multi_party_call_member",
        "update_conference_bridge_member",
    ];
    assert_eq!(seen, called, "one call each, routed to its operation");
    assert!(
        called
            .iter()
            .all(|id| OPERATIONS.iter().any(|o| o.id == *id))
    );
    assert_eq!(
        requests[5].path,
        format!(
            "/v1/phlo/{}/multi_party_call/{}/members/sip:agent1@phone.plivo.com",
            MockPhlo::PHLO_ID,
            MockPhlo::NODE_ID
        )
    );
    assert!(matches!(&requests[4].call, Call::UpdateMultiPartyCall { body: b, .. } if *b == body));
    assert!(
        requests
            .iter()
            .all(|r| r.headers.get("api-version").is_none())
    );
}

#[tokio::test]
async fn a_503_with_html_keeps_its_status_and_display_shows_no_headers() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next_for(
        "get_phlo",
        1,
        Fault::status(503)
            .header("content-type", "text/html")
            .header("x-request-id", "r-123")
            .body("<html><body>Service Unavailable</body></html>"),
    );
    let err = mock
        .client()
        .operations()
        .get_phlo(&id(MockPhlo::PHLO_ID))
        .await
        .unwrap_err();
    match &err {
        Error::Api { status, body, .. } => {
            assert_eq!(status.as_u16(), 503);
            assert_eq!(body, "<html><body>Service Unavailable</body></html>");
        }
        other => panic!("{other:?}"),
    }
    // A Display snapshot, on purpose: the status and the excerpt, never
    // the headers (`x-request-id: r-123`, the content type).
    assert_eq!(
        err.to_string(),
        "PHLO runner answered 503 Service Unavailable \
         (body: \"<html><body>Service Unavailable</body></html>\")"
    );
}

#[tokio::test]
async fn a_2xx_carrying_an_error_is_a_refusal_for_any_response_type() {
    let mock = MockPhlo::start().await.unwrap();
    // `Node` has no `error` field: the refusal is found all the same.
    mock.fail_next_for(
        "get_multi_party_call",
        1,
        Fault::status(200).json(json!({"api_id": "r-1", "error": "node not found"})),
    );
    let err = mock
        .client()
        .operations()
        .get_multi_party_call(&id(MockPhlo::PHLO_ID), &id(MockPhlo::NODE_ID))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(err.api_id(), Some("r-1"));
    assert!(matches!(&err, Error::Api { message: Some(m), .. } if m == "node not found"));
}

#[tokio::test]
async fn retries_follow_the_method_get_again_post_never() {
    let mock = MockPhlo::start().await.unwrap();
    let client = retrying(&mock);
    let ops = client.operations();
    mock.fail_next_for("get_phlo", 2, Fault::status(503));
    ops.get_phlo(&id(MockPhlo::PHLO_ID)).await.unwrap();
    assert_eq!(mock.hits(), 3, "two 503s, then the answer");

    mock.reset();
    mock.fail_next_for("update_multi_party_call_member", 3, Fault::status(503));
    let hold = types::MemberRequest {
        action: types::MemberAction::Hold,
    };
    let err = ops
        .update_multi_party_call_member(
            &id(MockPhlo::PHLO_ID),
            &id(MockPhlo::NODE_ID),
            &"+14152225555".parse().unwrap(),
            &hold,
        )
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(mock.hits(), 1, "a POST is never sent twice");
}

#[tokio::test]
async fn a_closed_or_reset_connection_may_have_reached_plivo_and_a_get_is_retried() {
    let mock = MockPhlo::start().await.unwrap();
    for fault in [Fault::close(), Fault::reset()] {
        mock.reset();
        mock.fail_next_for("update_multi_party_call_member", 1, fault.clone());
        let err = mock
            .client()
            .multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID)
            .member("+14152225555")
            .hangup()
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Transport {
                    kind: TransportKind::Reset,
                    may_have_reached_server: true,
                    status: None,
                    ..
                }
            ),
            "{fault:?}: {err:?}"
        );
        assert_eq!(mock.hits(), 1);
        assert_eq!(mock.requests()[0].status, None, "no answer was sent");

        mock.reset();
        mock.fail_next_for("get_phlo", 1, fault);
        retrying(&mock).phlo(MockPhlo::PHLO_ID).get().await.unwrap();
        assert_eq!(mock.hits(), 2, "the GET is sent again");
    }
}

#[tokio::test]
async fn a_targeted_fault_leaves_other_operations_alone() {
    let mock = MockPhlo::start().await.unwrap();
    let client = mock.client();
    mock.fail_next_for("update_multi_party_call", 1, Fault::status(500));
    client.phlo(MockPhlo::PHLO_ID).get().await.unwrap();
    let mpc = client.multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID);
    mpc.member("+14152225555").hold().await.unwrap();
    let err = mpc
        .add_user("+14152225555", types::Role::Agent, "+14152223333")
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    mpc.add_user("+14152225555", types::Role::Agent, "+14152223333")
        .await
        .unwrap();
}

#[tokio::test]
async fn success_bodies_over_the_limit_are_refused_with_their_status() {
    let mock = MockPhlo::start().await.unwrap();
    let client = mock.client_builder().max_body_size(64).build().unwrap();
    mock.fail_next(
        1,
        Fault::status(200).json(json!({"api_id": "x".repeat(100), "phlo_id": "p", "name": "n"})),
    );
    let err = client.phlo(MockPhlo::PHLO_ID).get().await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 64, .. }),
        "{err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert!(err.may_have_reached_server());
}

#[tokio::test]
async fn a_body_that_does_not_decode_keeps_an_excerpt() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next(1, Fault::status(200).json(json!({"api_id": "d-1"})));
    let err = mock
        .client()
        .phlo(MockPhlo::PHLO_ID)
        .get()
        .await
        .unwrap_err();
    match &err {
        Error::Decode {
            status,
            body,
            source,
        } => {
            assert_eq!(status.map(|s| s.as_u16()), Some(200));
            assert_eq!(body, r#"{"api_id":"d-1"}"#);
            assert!(source.to_string().starts_with("missing field"), "{source}");
        }
        other => panic!("{other:?}"),
    }
}
