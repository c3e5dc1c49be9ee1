//! The test kit a downstream service uses: MockPhlo records what your code
//! sent, typed, and can script Plivo's failures.
//!
//! ```text
//! cargo run --example test_kit
//! ```

mod common;

use plivo_phlo::{
    Error, Role,
    mock::{Call, Fault, MockPhlo},
    types::MemberAction,
};
use serde_json::json;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mock = MockPhlo::start().await?;
    let client = mock.client();
    let mpc = client.multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID);

    // Your flow: add an agent, then put the customer on hold.
    mpc.add_user("sip:agent1@phone.plivo.com", Role::Agent, "+14152225555")
        .await?;
    mpc.member("+14152225555").hold().await?;

    for call in mock.calls() {
        match call {
            Call::UpdateMultiPartyCall { body, .. } => {
                println!(
                    "{} {} as {} (asked by {})",
                    body.action,
                    body.to.as_str(),
                    body.role.unwrap_or_default(),
                    body.trigger_source.as_str()
                )
            }
            Call::UpdateMultiPartyCallMember {
                member_address,
                body,
                ..
            } => {
                assert_eq!(body.action, MemberAction::Hold);
                println!("{} {member_address}", body.action);
            }
            other => println!("another call: {:?}", other.operation_id()),
        }
    }

    // Script a Plivo refusal and see how your code handles it.
    mock.fail_next(
        1,
        Fault::status(404).json(json!({"api_id": "3c2b", "error": "PHLO not found"})),
    );
    match mpc.member("+14152225555").unhold().await {
        Err(e @ Error::Api { .. }) => println!("scripted failure: {e}"),
        Err(e) => return Err(format!("expected the scripted 404, got: {e}").into()),
        Ok(_) => return Err("expected the scripted 404, got a success".into()),
    }
    println!("{} requests reached the mock", mock.hits());
    Ok(())
}
