//! What the wire tests share: the credentials, ids and addresses, a client
//! pointed at an httpmock server, and expectations on the exact wire.
#![allow(dead_code)] // each wire test file uses its own part

use httpmock::{Method::GET, Method::POST, Mock, MockServer, Then, When};
use plivo_phlo::PhloClient;
use serde_json::{Value, json};

pub const AUTH_ID: &str = "MAXXXXXXXXXXXXXXXXXX";
pub const TOKEN: &str = "s3cr3t-token";
/// base64("MAXXXXXXXXXXXXXXXXXX:s3cr3t-token"), computed independently.
pub const BASIC: &str = "Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6czNjcjN0LXRva2Vu";
pub const PHLO: &str = "4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20";
pub const NODE: &str = "2e8f6d4b-1a3c-4e5f-8b7d-9c0a1b2c3d4e";
pub const PHONE: &str = "+14152225555";
pub const SIP: &str = "sip:agent1@phone.plivo.com";

pub fn client(server: &MockServer) -> PhloClient {
    PhloClient::builder()
        .credentials(AUTH_ID, TOKEN)
        .base_url(server.url("/v1"))
        .build()
        .unwrap()
}

/// The headers every request must carry.
pub fn common(when: When) -> When {
    when.header("authorization", BASIC)
        .header(
            "user-agent",
            format!("plivo-phlo-rust/{}", env!("CARGO_PKG_VERSION")),
        )
        .header("accept", "application/json")
        .header_missing("api-version")
}

/// A POST with an exact raw path and an exact JSON body.
pub async fn expect_post<'a>(
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

pub async fn expect_get<'a>(server: &'a MockServer, path: &str, answer: Value) -> Mock<'a> {
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

pub fn accepted(api_id: &str) -> Value {
    json!({"api_id": api_id, "error": ""})
}
