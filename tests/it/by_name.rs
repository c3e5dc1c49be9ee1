//! Requests by name: `operations().prepare` (by operationId, what the CLI
//! runs) and the raw `client.request` for operations the spec lacks, each
//! checked before any I/O and sent through the same pipeline as the typed
//! operations, on the wire against MockPhlo.

use crate::mock_support::retrying;
use plivo_phlo::{
    Error,
    mock::{Call, Fault, MockPhlo, Reply},
    reqwest::Method,
    types,
};
use serde_json::{Value, json};

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
    assert!(matches!(&recorded.call, Call::RunPhlo { body: None, .. }));
}
