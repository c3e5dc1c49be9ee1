//! A webhook for PHLO's Multi-Party Call events in axum, checked and
//! decoded by `callback::Receiver`; MockPhlo plays Plivo and posts to it.
//!
//! ```text
//! cargo run --example webhook_axum
//! ```
//!
//! axum is a dev-dependency of this crate (the example only): the receiver
//! itself takes a method, URL, headers and body from any framework.

mod common;

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    body::Bytes,
    extract::{DefaultBodyLimit, State},
    http::{HeaderMap, Method, StatusCode},
    routing::post,
};
use plivo_phlo::{
    Role,
    callback::{MAX_CALLBACK_BODY, Receiver},
    mock::MockPhlo,
    types::MultiPartyCallEvent,
};
use tokio::sync::mpsc;

struct Webhook {
    receiver: Receiver,
    /// The URL as configured in the PHLO console: what Plivo signed. Behind
    /// a proxy, the public URL, not the one the server sees.
    url: String,
    events: mpsc::UnboundedSender<MultiPartyCallEvent>,
}

async fn events(
    State(hook): State<Arc<Webhook>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    match hook
        .receiver
        .multi_party_call_event(&method, &hook.url, &headers, &body)
    {
        Ok(event) => {
            let _ = hook.events.send(event);
            StatusCode::OK
        }
        // A refusal's text holds no personal data: safe to log.
        Err(refusal) => {
            eprintln!("refused a callback: {refusal}");
            StatusCode::FORBIDDEN
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/phlo/events", listener.local_addr()?);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let hook = Arc::new(Webhook {
        // Your auth token (here the mock's, which signs its callbacks).
        receiver: Receiver::new(MockPhlo::AUTH_TOKEN),
        url: url.clone(),
        events: tx,
    });
    let app = Router::new()
        .route("/phlo/events", post(events))
        // axum refuses larger bodies (413) before the handler runs.
        .layer(DefaultBodyLimit::max(MAX_CALLBACK_BODY))
        .with_state(hook);
    tokio::spawn(async move { axum::serve(listener, app).await });

    // Plivo's part: MockPhlo posts the node's events to the webhook.
    let mock = MockPhlo::start().await?;
    mock.callback_to(&url)?;
    let mpc = mock
        .client()
        .multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID);
    mpc.add_user("+14152225555", Role::Agent, "+14152223333")
        .await?;

    let event = tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await?
        .ok_or("the webhook stopped")?;
    // `to`, `from` and `caller_name` are personal data: not printed.
    println!(
        "verified event {} for member {} in conference {}",
        event.event.as_str(),
        event.member_id.as_deref().unwrap_or("?"),
        event.conference_name.as_deref().unwrap_or("?"),
    );
    Ok(())
}
