//! Hold, unhold, voicemail drop and hang up Multi-Party Call members.
//!
//! ```text
//! cargo run --example member_actions
//! ```
//! Same environment as the quickstart; the embedded mock when none is set.

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
    let customer = mpc.member("+14152225555");

    customer.hold().await?;
    customer.unhold().await?;
    customer.voicemail_drop().await?;
    let answer = mpc.member("sip:agent1@phone.plivo.com").hangup().await?;
    println!("hung up the agent: api_id {}", answer.api_id);

    let node = mpc.get().await?;
    println!(
        "node {} (\"{}\", {}) of PHLO {}",
        node.node_id,
        common::or_dash(&node.name),
        common::or_dash(&node.node_type),
        node.phlo_id
    );
    common::report(&target);
    Ok(())
}
