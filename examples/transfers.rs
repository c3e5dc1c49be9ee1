//! Warm and cold transfers on a Multi-Party Call, and aborting a transfer.
//!
//! ```text
//! cargo run --example transfers
//! ```
//! Same environment as the quickstart (`PLIVO_AUTH_ID`, `PLIVO_AUTH_TOKEN`,
//! `PLIVO_PHLO_ID`, `PLIVO_NODE_ID`); the embedded mock when none is set.

mod common;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::target(Some("PLIVO_NODE_ID")).await?;
    let mpc = target
        .client
        .multi_party_call(&target.phlo_id, &target.node_id);
    let agent = "sip:agent1@phone.plivo.com";

    // Warm: the agent talks to the supervisor privately before they join.
    let warm = mpc
        .warm_transfer("sip:supervisor@phone.plivo.com", agent)
        .await?;
    println!("warm transfer accepted: api_id {}", warm.api_id);
    // Changed our mind: the initiator aborts, then rejoins the call.
    mpc.member(agent).abort_transfer().await?;
    mpc.member(agent).resume_call().await?;
    // Cold: the customer is connected straight to the other number.
    let cold = mpc.cold_transfer("+14155550100", agent).await?;
    println!("cold transfer accepted: api_id {}", cold.api_id);

    common::report(&target);
    Ok(())
}
