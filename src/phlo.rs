//! A PHLO: run it, retrieve it, retrieve one of its runs.

use reqwest::Method;
use serde::Serialize;

use crate::{
    address::{self, Rejected},
    client::PhloClient,
    error::Error,
    generated::types,
    transport::send,
};

/// A PHLO, from [`PhloClient::phlo`].
#[derive(Clone, Debug)]
pub struct Phlo {
    client: PhloClient,
    phlo_id: Result<types::Id, Rejected>,
}

impl Phlo {
    pub(crate) fn new(client: PhloClient, phlo_id: &str) -> Self {
        Phlo {
            client,
            phlo_id: address::id("phlo_id", phlo_id),
        }
    }

    /// Runs the PHLO with `payload`, which must serialise to a JSON object
    /// (`{}` for none). Its keys are whatever the PHLO's Start node defines
    /// and go out verbatim. The answer's `api_id` is the run's id.
    pub async fn run(&self, payload: impl Serialize) -> Result<types::RunPhloResponse, Error> {
        let phlo_id = self.phlo_id.as_ref().map_err(Error::from)?;
        let body = match serde_json::to_value(payload) {
            Ok(serde_json::Value::Object(map)) => types::RunPhloRequest(map),
            Ok(other) => {
                let kind = match other {
                    serde_json::Value::Null => "null",
                    serde_json::Value::Bool(_) => "a boolean",
                    serde_json::Value::Number(_) => "a number",
                    serde_json::Value::String(_) => "a string",
                    _ => "an array",
                };
                return Err(Error::invalid(
                    "payload",
                    &other.to_string(),
                    format!("is {kind}; a PHLO run takes a JSON object (use {{}} for none)"),
                ));
            }
            Err(e) => {
                return Err(Error::invalid(
                    "payload",
                    "",
                    format!("cannot be serialised: {e}"),
                ));
            }
        };
        let api = self.client.generated();
        let auth_id = self.client.typed_auth_id();
        send(self.client.retry_policy(), Method::POST, || {
            api.run_phlo(auth_id, phlo_id, &body)
        })
        .await
    }

    /// Retrieves the PHLO.
    pub async fn get(&self) -> Result<types::Phlo, Error> {
        let phlo_id = self.phlo_id.as_ref().map_err(Error::from)?;
        let api = self.client.generated();
        send(self.client.retry_policy(), Method::GET, || {
            api.get_phlo(phlo_id)
        })
        .await
    }

    /// Retrieves one run of the PHLO: the calls, messages and recordings it
    /// produced.
    pub async fn get_run(&self, run_id: &str) -> Result<types::PhloRun, Error> {
        let phlo_id = self.phlo_id.as_ref().map_err(Error::from)?;
        let run_id = address::id("run_id", run_id)?;
        let api = self.client.generated();
        send(self.client.retry_policy(), Method::GET, || {
            api.get_phlo_run(phlo_id, &run_id)
        })
        .await
    }
}
