//! Runs a PHLO, then retrieves the PHLO and the run.
//!
//! ```text
//! cargo run --example run_phlo
//! ```
//! With `PLIVO_AUTH_ID`, `PLIVO_AUTH_TOKEN` and `PLIVO_PHLO_ID` set it calls
//! Plivo; the embedded mock when none is.

mod common;

use serde_json::json;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::target(None).await?;
    let phlo = target.client.phlo(&target.phlo_id);

    // Keys are whatever the PHLO's Start node defines; they go out verbatim.
    let run = phlo
        .run(json!({"from": "+14152223333", "to": "+14152225555", "customerName": "Ada"}))
        .await?;
    println!("run started: {}", run.api_id);

    let info = phlo.get().await?;
    println!(
        "PHLO \"{}\" ({}), created {}",
        info.name,
        info.phlo_id,
        common::or_dash(&info.created_on)
    );
    let details = phlo.get_run(&run.api_id).await?;
    println!(
        "the run placed {} call(s), sent {} message(s)",
        details.call_uuids.len(),
        details.message_uuids.len()
    );
    common::report(&target);
    Ok(())
}
