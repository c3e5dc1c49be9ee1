//! progenitor's typed httpmock helpers, with the path-escaping fix: typed
//! matchers work for phone and SIP member addresses, and a look-alike address
//! does not match.

use httpmock::MockServer;
use plivo_phlo::{
    PhloClient,
    mock::typed::{MockServerExt, path_exact},
    types::{self, ActionResponse, MemberAction, MemberRequest},
};

const PHLO: &str = "4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20";
const NODE: &str = "2e8f6d4b-1a3c-4e5f-8b7d-9c0a1b2c3d4e";

/// The typed helpers match paths from the spec's templates, so the client
/// talks to the server's root (no `/v1`).
fn client(server: &MockServer) -> PhloClient {
    PhloClient::builder()
        .credentials("MAXXXXXXXXXXXXXXXXXX", "token")
        .base_url(server.base_url())
        .build()
        .unwrap()
}

fn hold_mock<'a>(server: &'a MockServer, address: &str) -> httpmock::Mock<'a> {
    let address: plivo_phlo::Address = address.parse().unwrap();
    server.update_multi_party_call_member(|when, then| {
        when.phlo_id(&PHLO.parse().unwrap())
            .node_id(&NODE.parse().unwrap())
            .member_address(&address)
            .body(&MemberRequest {
                action: MemberAction::Hold,
            });
        then.created(&ActionResponse {
            api_id: "typed".into(),
            error: Some(String::new()),
        });
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn typed_member_matcher_matches_a_phone_number() {
    let server = MockServer::start_async().await;
    let mock = hold_mock(&server, "+14152225555");
    let answer = client(&server)
        .multi_party_call(PHLO, NODE)
        .member("+14152225555")
        .hold()
        .await
        .unwrap();
    assert_eq!(answer.api_id, "typed");
    mock.assert_calls_async(1).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn typed_member_matcher_matches_a_sip_address() {
    let server = MockServer::start_async().await;
    let mock = hold_mock(&server, "sip:agent1@phone.plivo.com");
    let answer = client(&server)
        .multi_party_call(PHLO, NODE)
        .member("sip:agent1@phone.plivo.com")
        .hold()
        .await
        .unwrap();
    assert_eq!(answer.api_id, "typed");
    mock.assert_calls_async(1).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn typed_member_matcher_treats_dots_literally() {
    let server = MockServer::start_async().await;
    let mock = hold_mock(&server, "sip:agent1@phone.plivo.com");
    // Unescaped, `.` would match the `x` here.
    let err = client(&server)
        .multi_party_call(PHLO, NODE)
        .member("sip:agent1@phonexplivo.com")
        .hold()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err}");
    mock.assert_calls_async(0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn path_exact_matches_the_whole_raw_path() {
    let server = MockServer::start_async().await;
    let mock = server.update_multi_party_call_member(|when, then| {
        let when = when
            .body(&MemberRequest {
                action: MemberAction::Hangup,
            })
            .into_inner();
        path_exact(
            when,
            &format!("/phlo/{PHLO}/multi_party_call/{NODE}/members/+14152225555"),
        );
        then.ok(&ActionResponse {
            api_id: "exact".into(),
            error: None,
        });
    });
    let answer = client(&server)
        .multi_party_call(PHLO, NODE)
        .member("+14152225555")
        .hangup()
        .await
        .unwrap();
    assert_eq!(answer.api_id, "exact");
    mock.assert_calls_async(1).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn typed_error_answers_decode_into_api_errors() {
    let server = MockServer::start_async().await;
    let mock = server.get_phlo(|when, then| {
        when.phlo_id(&PHLO.parse().unwrap());
        then.client_error(
            404,
            &types::ApiError {
                api_id: Some("nf".into()),
                error: Some("PHLO not found".into()),
                message: None,
            },
        );
    });
    let err = client(&server).phlo(PHLO).get().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.api_id(), Some("nf"));
    mock.assert_calls_async(1).await;
}
