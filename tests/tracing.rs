//! One span per request with the operationId, method, path template, status,
//! duration and Plivo's api_id, and never the token or the Authorization header.
#![cfg(feature = "tracing")]

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
};

use plivo_phlo::{
    Role,
    mock::{Fault, MockPhlo},
};
use tracing::{
    Subscriber,
    field::{Field, Visit},
    span::{Attributes, Id, Record},
};
use tracing_subscriber::{Layer, layer::Context, prelude::*, registry::LookupSpan};

type Spans = Arc<Mutex<Vec<(String, BTreeMap<String, String>)>>>;

/// Collects every span's name and fields (at creation and when recorded).
struct Capture(Spans);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        let mut spans = self.0.lock().unwrap();
        spans.push((
            format!("{}#{}", attrs.metadata().name(), id.into_u64()),
            fields,
        ));
    }
    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let mut spans = self.0.lock().unwrap();
        let key = format!("#{}", id.into_u64());
        if let Some((_, fields)) = spans
            .iter_mut()
            .rev()
            .find(|(name, _)| name.ends_with(&key))
        {
            values.record(&mut Fields(fields));
        }
    }
}

#[tokio::test]
async fn each_request_gets_one_span_with_its_facts_and_no_secret() {
    let spans: Spans = Arc::default();
    let subscriber = tracing_subscriber::registry().with(Capture(spans.clone()));
    let _guard = tracing::subscriber::set_default(subscriber);

    let mock = MockPhlo::start().await.unwrap();
    let client = mock
        .client_builder()
        .credentials(MockPhlo::AUTH_ID, MockPhlo::AUTH_TOKEN)
        .build()
        .unwrap();
    let mpc = client.multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID);
    let added = mpc
        .add_user("+14152225555", Role::Agent, "+14152223333")
        .await
        .unwrap();
    mock.fail_next(
        1,
        Fault::status(404).json(serde_json::json!({"api_id": "nf-1", "error": "node not found"})),
    );
    mpc.member("sip:agent1@phone.plivo.com")
        .hold()
        .await
        .unwrap_err();

    let spans = spans.lock().unwrap().clone();
    let requests: Vec<_> = spans
        .iter()
        .filter(|(name, _)| name.starts_with("phlo.request#"))
        .map(|(_, f)| f)
        .collect();
    assert_eq!(requests.len(), 2, "{spans:?}");

    let first = requests[0];
    assert_eq!(first["operation_id"], "update_multi_party_call");
    assert_eq!(first["method"], "POST");
    assert_eq!(first["path"], "/phlo/{phlo_id}/multi_party_call/{node_id}");
    assert_eq!(first["status"], "201");
    assert_eq!(first["api_id"], added.api_id);
    assert!(first["duration_ms"].parse::<f64>().unwrap() >= 0.0);

    let second = requests[1];
    assert_eq!(second["operation_id"], "update_multi_party_call_member");
    assert_eq!(
        second["path"],
        "/phlo/{phlo_id}/multi_party_call/{node_id}/members/{member_address}"
    );
    assert_eq!(second["status"], "404");
    assert_eq!(second["api_id"], "nf-1");

    let everything = format!("{spans:?}");
    assert!(!everything.contains(MockPhlo::AUTH_TOKEN), "{everything}");
    assert!(
        !everything.to_ascii_lowercase().contains("authorization"),
        "{everything}"
    );
    assert!(!everything.contains("Basic "), "{everything}");
}
