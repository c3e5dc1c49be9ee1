//! Adds a user to a Multi-Party Call.
//!
//! With `PLIVO_AUTH_ID`, `PLIVO_AUTH_TOKEN`, `PLIVO_PHLO_ID` and `PLIVO_NODE_ID`
//! set, it calls Plivo (set `PLIVO_TO` and `PLIVO_TRIGGER_SOURCE` to choose who
//! is dialled and who asked). With none of them set, it starts an embedded mock
//! PHLO runner on 127.0.0.1 and runs against that.
//!
//! ```text
//! cargo run --example quickstart
//! ```

use plivo_phlo::{PhloClient, Role, mock::MockPhlo};

const VARS: [&str; 4] = [
    "PLIVO_AUTH_ID",
    "PLIVO_AUTH_TOKEN",
    "PLIVO_PHLO_ID",
    "PLIVO_NODE_ID",
];

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let set: Vec<&str> = VARS
        .iter()
        .copied()
        .filter(|v| std::env::var_os(v).is_some())
        .collect();
    let to = std::env::var("PLIVO_TO").unwrap_or_else(|_| "+14152225555".into());
    let trigger_source =
        std::env::var("PLIVO_TRIGGER_SOURCE").unwrap_or_else(|_| "+14152223333".into());

    if set.len() == VARS.len() {
        let client = PhloClient::from_env()?;
        let (phlo_id, node_id) = (
            std::env::var("PLIVO_PHLO_ID")?,
            std::env::var("PLIVO_NODE_ID")?,
        );
        println!(
            "Calling Plivo at {} as {}",
            client.base_url(),
            client.auth_id()
        );
        let answer = client
            .multi_party_call(&phlo_id, &node_id)
            .add_user(&to, Role::Agent, &trigger_source)
            .await?;
        println!("Added {to} to the call: api_id {}", answer.api_id);
        return Ok(());
    }
    if !set.is_empty() {
        let missing: Vec<&str> = VARS.iter().copied().filter(|v| !set.contains(v)).collect();
        return Err(format!(
            "{} set but {} missing: set all four to call Plivo, or none to use the embedded mock",
            set.join(", "),
            missing.join(", ")
        )
        .into());
    }

    let mock = MockPhlo::start().await?;
    println!(
        "No PLIVO_* credentials set: using an embedded mock PHLO runner at {}",
        mock.base_url()
    );
    let client = mock.client();
    let answer = client
        .multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID)
        .add_user(&to, Role::Agent, &trigger_source)
        .await?;

    let request = mock.requests().pop().ok_or("the mock saw no request")?;
    println!("\nRequest sent:\n  {} {}", request.method, request.path);
    println!("  body: {}", String::from_utf8_lossy(&request.body));
    println!(
        "\nResponse: {}\n  {}",
        request.status.ok_or("the mock recorded no answer")?,
        serde_json::to_string(&answer)?
    );
    println!(
        "\nAdded {to} to the multi-party call (api_id {}).",
        answer.api_id
    );
    Ok(())
}
