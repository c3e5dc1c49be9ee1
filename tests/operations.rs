//! `client.operations()`: every spec operation through the one pipeline,
//! checked on the wire against MockPhlo; `prepare` (by operationId) and the
//! raw `client.request` for operations the spec lacks.

use std::time::Duration;

use plivo_phlo::{
    Error, PhloClient, RetryPolicy, TransportKind,
    mock::{Call, Fault, MockPhlo, Reply},
    reqwest::Method,
    spec::OPERATIONS,
    types,
};
use serde_json::{Value, json};

fn id(s: &str) -> types::Id {
    s.parse().unwrap()
}

fn retrying(mock: &MockPhlo) -> PhloClient {
    mock.client_builder()
        .retry(
            RetryPolicy::exponential()
                .max_attempts(3)
                .base_delay(Duration::from_millis(1))
                .jitter(false),
        )
        .build()
        .unwrap()
}

/// The seven operations the crate shipped with, each called by hand; an
/// operation added to the spec is covered by its wire test
/// (`spec_coverage.rs`) and by the growth drill.
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
        .run_phlo(&auth, &phlo, &types::RunPhloRequest(Default::default()))
        .await
        .unwrap();
    let got = ops.get_phlo_run(&phlo, &id(&run.api_id)).await.unwrap();
    assert_eq!(got.run_id, run.api_id);
    let got = ops.get_multi_party_call(&phlo, &node).await.unwrap();
    assert_eq!(got.node_id, MockPhlo::NODE_ID);
    let body = types::MultiPartyCallRequest {
        action: types::MultiPartyCallAction::Call,
        to: "+14152225555".parse().unwrap(),
        role: types::Role::Customer,
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
            assert!(body.contains("Service Unavailable"), "{body}");
        }
        other => panic!("{other:?}"),
    }
    let shown = err.to_string();
    assert!(
        shown.starts_with("PHLO runner answered 503 Service Unavailable"),
        "{shown}"
    );
    assert!(
        !shown.contains("r-123") && !shown.contains("content-type"),
        "{shown}"
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

#[tokio::test]
async fn prepare_builds_by_operation_id_checks_before_io_and_sends_through_the_pipeline() {
    let mock = MockPhlo::start().await.unwrap();
    let client = mock.client();
    let ops = client.operations();
    let params = [
        ("phlo_id", MockPhlo::PHLO_ID),
        ("node_id", MockPhlo::NODE_ID),
        ("member_address", "sip:agent1@phone.plivo.com"),
    ];
    let prepared = ops
        .prepare(
            "update_multi_party_call_member",
            &params,
            Some(json!({"action": "unhold"})),
        )
        .unwrap();
    assert_eq!(prepared.method(), Method::POST);
    assert!(
        prepared
            .url()
            .path()
            .ends_with("/members/sip:agent1@phone.plivo.com")
    );
    assert_eq!(prepared.body(), Some(&br#"{"action":"unhold"}"#[..]));
    assert_eq!(mock.connections(), 0, "nothing is sent before send()");
    let answer: Value = prepared.send().await.unwrap();
    assert!(answer["api_id"].is_string());
    assert!(
        matches!(&mock.calls()[0], Call::UpdateMultiPartyCallMember { body, .. }
        if body.action == types::MemberAction::Unhold)
    );

    for (op, params, body, field) in [
        ("no_such_op", &params[..], None, "operation_id"),
        ("get_phlo", &[("phlo_id", "../x")][..], None, "phlo_id"),
        ("get_phlo", &[("phlo", "x")][..], None, "parameter"),
        ("get_phlo", &[][..], None, "phlo_id"),
        ("get_phlo", &[("phlo_id", "a")][..], Some(json!({})), "body"),
        ("update_multi_party_call_member", &params[..], None, "body"),
        (
            "update_multi_party_call_member",
            &params[..],
            Some(json!({"action": "dance"})),
            "body",
        ),
        (
            "update_multi_party_call_member",
            &[("phlo_id", "a"), ("node_id", "b"), ("member_address", "0")][..],
            Some(json!({"action": "hold"})),
            "member_address",
        ),
    ] {
        match ops.prepare(op, params, body) {
            Err(Error::InvalidInput { field: f, .. }) => assert_eq!(f, field, "{op} {params:?}"),
            other => panic!("{op} {params:?}: {other:?}"),
        }
    }
    assert_eq!(mock.hits(), 1);
}

#[tokio::test]
async fn a_raw_request_reaches_an_operation_the_spec_lacks_with_the_same_guarantees() {
    let mock = MockPhlo::start().await.unwrap();
    mock.on(
        Method::GET,
        "/phlo/{phlo_id}/conference_bridge/{node_id}",
        Reply::status(200)
            .json(json!({"api_id": "cb-1", "node_id": "n", "node_type": "conference_bridge"})),
    );
    mock.on(
        Method::POST,
        "/phlo/{phlo_id}/notes",
        Reply::status(201).json(json!({"api_id": "note-1", "error": ""})),
    );
    let client = retrying(&mock);
    let node: Value = client
        .request(
            Method::GET,
            "/phlo/{phlo_id}/conference_bridge/{node_id}",
            &[MockPhlo::PHLO_ID, MockPhlo::NODE_ID],
            None::<&()>,
        )
        .await
        .unwrap();
    assert_eq!(node["node_type"], "conference_bridge");
    match &mock.calls()[0] {
        Call::Custom {
            method,
            template,
            params,
            body,
        } => {
            assert_eq!(
                (method.as_str(), template.as_str()),
                ("GET", "/phlo/{phlo_id}/conference_bridge/{node_id}")
            );
            assert_eq!(
                params[1],
                ("node_id".to_string(), MockPhlo::NODE_ID.to_string())
            );
            assert_eq!(*body, Value::Null);
        }
        other => panic!("{other:?}"),
    }

    // Typed answer, JSON body.
    #[derive(serde::Deserialize)]
    struct Note {
        api_id: String,
    }
    let note: Note = client
        .request(
            Method::POST,
            "/phlo/{phlo_id}/notes",
            &[MockPhlo::PHLO_ID],
            Some(&json!({"text": "hi"})),
        )
        .await
        .unwrap();
    assert_eq!(note.api_id, "note-1");
    assert!(matches!(&mock.calls()[1], Call::Custom { body, .. } if body["text"] == "hi"));

    // The pipeline: a POST answered 503 is not sent again; a 2xx error is a refusal.
    mock.reset();
    mock.fail_next_for("/phlo/{phlo_id}/notes", 1, Fault::status(503));
    let err = client
        .request::<Value>(
            Method::POST,
            "/phlo/{phlo_id}/notes",
            &[MockPhlo::PHLO_ID],
            Some(&json!({})),
        )
        .await
        .unwrap_err();
    assert_eq!(
        (err.status().map(|s| s.as_u16()), mock.hits()),
        (Some(503), 1)
    );
    mock.fail_next_for(
        "/phlo/{phlo_id}/notes",
        1,
        Fault::status(200).json(json!({"error": "no"})),
    );
    let err = client
        .request::<Value>(
            Method::POST,
            "/phlo/{phlo_id}/notes",
            &[MockPhlo::PHLO_ID],
            Some(&json!({})),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api { message: Some(m), .. } if m == "no"),
        "{err:?}"
    );

    // Values are checked before any I/O.
    let before = mock.connections();
    for (values, field) in [
        (&["../admin"][..], "path value"),
        (&[][..], "template"),
        (&["a", "b"][..], "template"),
    ] {
        let err = client
            .request::<Value>(Method::GET, "/phlo/{phlo_id}/notes", values, None::<&()>)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput { field: f, .. } if f == field),
            "{err:?}"
        );
    }
    assert_eq!(mock.connections(), before);
}

#[tokio::test]
async fn a_phlo_run_without_a_body_is_accepted_as_the_node_sdk_sends_it() {
    let mock = MockPhlo::start().await.unwrap();
    let path = format!("/account/{}/phlo/{}", MockPhlo::AUTH_ID, MockPhlo::PHLO_ID);
    let run: Value = mock
        .client()
        .request(
            Method::POST,
            "/account/{auth_id}/phlo/{phlo_id}",
            &[MockPhlo::AUTH_ID, MockPhlo::PHLO_ID],
            None::<&()>,
        )
        .await
        .unwrap();
    assert!(run["api_id"].is_string(), "{run}");
    let recorded = &mock.requests()[0];
    assert_eq!(recorded.path, format!("/v1{path}"));
    assert!(recorded.body.is_empty(), "no body was sent");
    assert_eq!(recorded.status.map(|s| s.as_u16()), Some(201));
    assert!(matches!(&recorded.call, Call::RunPhlo { body, .. } if body.0.is_empty()));
}
