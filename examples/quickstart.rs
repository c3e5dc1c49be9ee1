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

mod common;

use plivo_phlo::Role;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::target(Some("PLIVO_NODE_ID")).await?;
    let to = std::env::var("PLIVO_TO").unwrap_or_else(|_| "+14152225555".into());
    let trigger_source =
        std::env::var("PLIVO_TRIGGER_SOURCE").unwrap_or_else(|_| "+14152223333".into());

    let answer = target
        .client
        .multi_party_call(&target.phlo_id, &target.node_id)
        .add_user(&to, Role::Agent, &trigger_source)
        .await?;

    common::report(&target);
    println!("\nResponse: {answer:?}");
    println!(
        "Added {to} to the multi-party call (api_id {}).",
        answer.api_id
    );
    Ok(())
}
