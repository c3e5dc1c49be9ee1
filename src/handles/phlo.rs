//! A PHLO: run it, retrieve it, retrieve one of its runs; and
//! `PhloClient::phlo`.

use std::future::Future;

use serde::Serialize;

use super::BadArgument;
use crate::{client::PhloClient, error::Error, generated::types, values::ids::Id};

/// A PHLO, from [`PhloClient::phlo`].
#[derive(Clone, Debug)]
pub struct Phlo {
    client: PhloClient,
    phlo_id: Result<Id, BadArgument>,
}

impl Phlo {
    pub(crate) fn new(client: PhloClient, phlo_id: &str) -> Self {
        Phlo {
            client,
            phlo_id: super::id("phlo_id", phlo_id),
        }
    }

    /// Runs the PHLO with `payload`, which must serialise to a JSON object
    /// (`{}` for none). Its keys are whatever the PHLO's Start node defines
    /// and go out verbatim. The answer's `api_id` is the run's id.
    pub fn run(
        &self,
        payload: impl Serialize,
    ) -> impl Future<Output = Result<types::RunPhloResponse, Error>> + Send + '_ {
        let sent = self
            .phlo_id
            .as_ref()
            .map_err(Error::from)
            .and_then(|phlo_id| {
                let body = types::RunPhloRequest(payload_object(payload)?);
                let auth_id = self.client.typed_auth_id();
                Ok(self
                    .client
                    .operations()
                    .run_phlo(auth_id, phlo_id, Some(&body)))
            });
        async move { sent?.await }
    }

    /// Retrieves the PHLO.
    pub fn get(&self) -> impl Future<Output = Result<types::Phlo, Error>> + Send + '_ {
        let sent = self
            .phlo_id
            .as_ref()
            .map_err(Error::from)
            .map(|phlo_id| self.client.operations().get_phlo(phlo_id));
        async move { sent?.await }
    }

    /// Retrieves one run of the PHLO: the calls, messages and recordings it
    /// produced.
    pub fn get_run(
        &self,
        run_id: &str,
    ) -> impl Future<Output = Result<types::PhloRun, Error>> + Send + '_ {
        let sent = self
            .phlo_id
            .as_ref()
            .map_err(Error::from)
            .and_then(|phlo_id| {
                let run_id = super::id("run_id", run_id)?;
                Ok(self.client.operations().get_phlo_run(phlo_id, &run_id))
            });
        async move { sent?.await }
    }
}

/// A run's payload as a JSON object, or why it is not one.
fn payload_object(
    payload: impl Serialize,
) -> Result<serde_json::Map<String, serde_json::Value>, Error> {
    match serde_json::to_value(payload) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(other) => {
            let kind = match other {
                serde_json::Value::Null => "null",
                serde_json::Value::Bool(_) => "a boolean",
                serde_json::Value::Number(_) => "a number",
                serde_json::Value::String(_) => "a string",
                _ => "an array",
            };
            Err(Error::invalid(
                "payload",
                &other.to_string(),
                format!("is {kind}; a PHLO run takes a JSON object (use {{}} for none)"),
            ))
        }
        Err(e) => Err(Error::invalid(
            "payload",
            "",
            format!("cannot be serialised: {e}"),
        )),
    }
}
