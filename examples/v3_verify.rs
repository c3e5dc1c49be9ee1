//! Checks V3 callback signatures read from stdin, one JSON object a line:
//!
//! ```text
//! {"method": "POST", "url": "https://example.com/cb?a=b", "nonce": "123",
//!  "token": "…", "signature": "sig1,sig2", "params": [["To", "1"], ["To", "2"]]}
//! ```
//!
//! and prints one line per case: `valid`, or `invalid` and the reason
//! (`.ci/v3-crosscheck` compares these with the official Python SDK's).
//!
//! `cargo run --example v3_verify < cases.jsonl`

use std::io::{self, BufRead, Write};

use plivo_phlo::callback::{Callback, SignatureV3};
use plivo_phlo::reqwest::Method;
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    method: String,
    url: String,
    nonce: String,
    token: String,
    signature: String,
    #[serde(default)]
    params: Vec<(String, String)>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for line in io::stdin().lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let case: Case = serde_json::from_str(&line)?;
        let method = Method::from_bytes(case.method.as_bytes())?;
        let params: Vec<(&str, &str)> = case
            .params
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        let callback = Callback {
            method: &method,
            url: &case.url,
            params: &params,
            nonce: &case.nonce,
        };
        match SignatureV3::new(case.token).verify(&callback, &case.signature) {
            Ok(()) => writeln!(out, "valid")?,
            Err(e) => writeln!(out, "invalid {e:?}")?,
        }
    }
    out.flush()?;
    Ok(())
}
