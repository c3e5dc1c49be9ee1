//! Shared by the examples: Plivo when credentials are set, the embedded mock
//! otherwise, and a printout of what went over the wire.

// Each example uses a part of this module.
#![allow(dead_code)]
use std::{error::Error, process::ExitCode};

use plivo_phlo::{PhloClient, mock::MockPhlo};

/// Ends an example: on failure, the error as its readable `Display` (and
/// its causes), not a `Debug` dump.
pub fn exit(result: Result<(), Box<dyn Error>>) -> ExitCode {
    let Err(error) = result else {
        return ExitCode::SUCCESS;
    };
    eprintln!("error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        eprintln!("  caused by: {cause}");
        source = cause.source();
    }
    ExitCode::FAILURE
}

/// An optional text, or a dash.
pub fn or_dash(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("-")
}

/// Where an example sends its requests.
pub struct Target {
    /// The client to use.
    pub client: PhloClient,
    /// The PHLO to act on.
    pub phlo_id: String,
    /// The node to act on (empty when the example needs none).
    pub node_id: String,
    /// The embedded mock, when no credentials were set.
    pub mock: Option<MockPhlo>,
}

/// Plivo when `PLIVO_AUTH_ID`, `PLIVO_AUTH_TOKEN`, `PLIVO_PHLO_ID` and (if
/// given) `node_var` are all set; the embedded mock when none is; an error
/// naming the missing ones otherwise.
pub async fn target(node_var: Option<&str>) -> Result<Target, Box<dyn Error>> {
    let mut vars = vec!["PLIVO_AUTH_ID", "PLIVO_AUTH_TOKEN", "PLIVO_PHLO_ID"];
    vars.extend(node_var);
    let set: Vec<&str> = vars
        .iter()
        .copied()
        .filter(|v| std::env::var_os(v).is_some())
        .collect();
    if set.len() == vars.len() {
        let client = PhloClient::from_env()?;
        println!(
            "Calling Plivo at {} as {}",
            client.base_url(),
            client.auth_id()
        );
        let node_id = node_var.map(std::env::var).transpose()?.unwrap_or_default();
        return Ok(Target {
            client,
            phlo_id: std::env::var("PLIVO_PHLO_ID")?,
            node_id,
            mock: None,
        });
    }
    if !set.is_empty() {
        let missing: Vec<&str> = vars.iter().copied().filter(|v| !set.contains(v)).collect();
        return Err(format!(
            "{} set but {} missing: set all of them to call Plivo, or none to use the embedded mock",
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
    Ok(Target {
        client: mock.client(),
        phlo_id: MockPhlo::PHLO_ID.into(),
        node_id: MockPhlo::NODE_ID.into(),
        mock: Some(mock),
    })
}

/// Prints what the embedded mock received and answered.
pub fn report(target: &Target) {
    let Some(mock) = &target.mock else { return };
    println!("\nOn the wire:");
    for request in mock.requests() {
        let status = request
            .status
            .map_or_else(|| "no answer".to_string(), |s| s.to_string());
        println!("  {} {}", request.method, request.path);
        if !request.body.is_empty() {
            println!("    body: {}", String::from_utf8_lossy(&request.body));
        }
        println!("    -> {status}");
    }
}
