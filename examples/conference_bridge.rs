//! Mute, unmute and hang up conference-bridge members.
//!
//! ```text
//! cargo run --example conference_bridge
//! ```
//! With `PLIVO_AUTH_ID`, `PLIVO_AUTH_TOKEN`, `PLIVO_PHLO_ID` and
//! `PLIVO_CONFERENCE_NODE_ID` set it calls Plivo; the embedded mock when none is.

mod common;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::target(Some("PLIVO_CONFERENCE_NODE_ID")).await?;
    let bridge = target
        .client
        .conference_bridge(&target.phlo_id, &target.node_id);
    let member = bridge.member("+14152225555");

    member.mute().await?;
    member.unmute().await?;
    let answer = member.hangup().await?;
    println!("hung up: api_id {}", answer.api_id);
    common::report(&target);
    Ok(())
}
