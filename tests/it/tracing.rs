//! One span per request with the operationId, method, path template, status,
//! duration and Plivo's api_id, and never the token or the Authorization
//! header; events per attempt, retry and failure; and no personal data
//! (phone numbers, SIP addresses) anywhere in what tracing sees, at TRACE,
//! for every target, nor in what the `log` crate sees (reqwest logs
//! through it), unless the client opted in.
#![cfg(feature = "tracing")]

use std::{
    cell::RefCell,
    collections::BTreeMap,
    sync::{Arc, Mutex, OnceLock},
};

use plivo_phlo::{
    Role,
    mock::{Fault, MockPhlo},
};
use tracing::{
    Event, Subscriber,
    field::{Field, Visit},
    span::{Attributes, Id, Record},
};
use tracing_subscriber::{Layer, layer::Context, prelude::*, registry::LookupSpan};

type Spans = Arc<Mutex<Vec<(String, BTreeMap<String, String>)>>>;

/// Collects every span's name and fields (at creation and when recorded),
/// and every event's target, level and fields, from every target, made on
/// a thread that is capturing (see [`capture`]).
struct Capture;

thread_local! {
    /// This thread's spans and events, while it captures.
    static CAPTURING: RefCell<Option<(Spans, Spans)>> = const { RefCell::new(None) };
}

/// This thread's (spans, events), if it captures.
fn capturing() -> Option<(Spans, Spans)> {
    CAPTURING.with_borrow(Clone::clone)
}

/// Stops capturing when dropped.
struct Capturing;

impl Drop for Capturing {
    fn drop(&mut self) {
        CAPTURING.set(None);
    }
}

/// Starts capturing this thread's spans and events. The subscriber is the
/// process's global one, installed once: this binary runs other tests in
/// parallel, and a thread-local subscriber (`set_default`) on one thread
/// can lose events to a race in tracing's per-callsite interest cache when
/// another thread, without one, registers the same callsite at the same
/// time. With one global subscriber every callsite is always enabled, and
/// each capturing test (on a current-thread runtime: client, MockPhlo and
/// their tasks on its one thread) sees its own thread's records alone.
fn capture() -> (Spans, Spans, Capturing) {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Capture))
            .expect("no other global subscriber in this test binary");
    });
    let (spans, events): (Spans, Spans) = (Arc::default(), Arc::default());
    CAPTURING.set(Some((spans.clone(), events.clone())));
    (spans, events, Capturing)
}

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
        let Some((spans, _)) = capturing() else {
            return;
        };
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        let mut spans = spans.lock().unwrap();
        spans.push((
            format!("{}#{}", attrs.metadata().name(), id.into_u64()),
            fields,
        ));
    }
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let Some((_, events)) = capturing() else {
            return;
        };
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let meta = event.metadata();
        let name = format!("{} {} {}", meta.target(), meta.level(), meta.name());
        events.lock().unwrap().push((name, fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let Some((spans, _)) = capturing() else {
            return;
        };
        let mut spans = spans.lock().unwrap();
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

#[tokio::test(flavor = "current_thread")]
async fn each_request_gets_one_span_with_its_facts_and_no_secret() {
    let (spans, _, _capturing) = capture();

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
        Fault::status(404).json(
            serde_json::json!({"api_id": "3c2b1a09-8f7e-4d6c-b5a4-938271605f4e", "error": "node not found"}),
        ),
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
    assert_eq!(second["api_id"], "3c2b1a09-8f7e-4d6c-b5a4-938271605f4e");

    let everything = format!("{spans:?}");
    assert!(!everything.contains(MockPhlo::AUTH_TOKEN), "{everything}");
    assert!(
        !everything.to_ascii_lowercase().contains("authorization"),
        "{everything}"
    );
    assert!(!everything.contains("Basic "), "{everything}");
}

/// Every number and address used below, and forms of them that could leak.
const PERSONAL: &[&str] = &[
    "+14155550123",
    "14155550123",
    "4155550123",
    "+14155550199",
    "4155550199",
    "sip:secret.agent@pii.example.com",
    "secret.agent",
    "pii.example.com",
];

/// Every `log` record (reqwest's connection logs), at TRACE, made on a
/// thread that is capturing. The logger is the process's, and this binary
/// runs other tests in parallel: each capturing test runs on a
/// current-thread runtime (client, MockPhlo and their tasks on its one
/// thread) and sees that thread's records alone, none of another test's.
struct LogCapture;

thread_local! {
    static LOGGED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

impl log::Log for LogCapture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        LOGGED.with_borrow_mut(|logged| {
            if let Some(logged) = logged {
                let line = format!("{} {} {}", record.level(), record.target(), record.args());
                logged.push(line);
            }
        });
    }
    fn flush(&self) {}
}

/// Installs the logger once for the process (a second `set_logger` fails),
/// and starts capturing this thread's records.
fn capture_logs() {
    static LOGGER: LogCapture = LogCapture;
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        log::set_logger(&LOGGER).expect("no other logger in this test binary");
        log::set_max_level(log::LevelFilter::Trace);
    });
    LOGGED.set(Some(Vec::new()));
}

/// Stops capturing this thread's records and returns them.
fn captured_logs() -> Vec<String> {
    LOGGED
        .take()
        .expect("capture_logs was called on this thread")
}

#[tokio::test(flavor = "current_thread")]
async fn no_personal_data_reaches_tracing_at_trace_level_for_any_target() {
    capture_logs();
    let (spans, events, _capturing) = capture();

    let mock = MockPhlo::start().await.unwrap();
    let policy = plivo_phlo::RetryPolicy::exponential()
        .max_attempts(3)
        .base_delay(std::time::Duration::from_millis(1))
        .jitter(false);
    let client = mock.client_builder().retry(policy.clone()).build().unwrap();
    let mpc = client.multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID);
    // Success, with a phone number and a SIP address in the body.
    mpc.add_user(
        "+14155550123",
        Role::Agent,
        "sip:secret.agent@pii.example.com",
    )
    .await
    .unwrap();
    // The address in the path; an API error (not retried: a POST).
    mock.fail_next(1, Fault::status(503));
    mpc.member("sip:secret.agent@pii.example.com")
        .hold()
        .await
        .unwrap_err();
    // A reset mid-exchange, the number in the path.
    mock.fail_next(1, Fault::reset());
    mpc.member("+14155550199").hangup().await.unwrap_err();
    // Retried GETs: warn events.
    mock.fail_next(2, Fault::status(503));
    client.phlo(MockPhlo::PHLO_ID).get().await.unwrap();
    // Connection refused, a member path: retried (provably not sent), then failed.
    let closed = plivo_phlo::PhloClient::builder()
        .credentials(MockPhlo::AUTH_ID, MockPhlo::AUTH_TOKEN)
        .base_url("http://127.0.0.1:1/v1")
        .retry(policy)
        .build()
        .unwrap();
    let refused = closed
        .multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID)
        .member("+14155550123")
        .hangup()
        .await
        .unwrap_err();
    // The error itself, its Debug and its source chain hold no URL either.
    let mut texts = vec![format!("{refused} {refused:?}")];
    let mut source = std::error::Error::source(&refused);
    while let Some(s) = source {
        texts.push(format!("{s} {s:?}"));
        source = s.source();
    }
    assert!(texts.len() > 1, "the source is kept");
    for text in &texts {
        assert!(
            !text.contains("4155550123") && !text.contains("/members/"),
            "{text}"
        );
    }

    let spans = spans.lock().unwrap().clone();
    let events = events.lock().unwrap().clone();
    let logged = captured_logs();
    // reqwest logged its connections: the log check is not vacuous.
    assert!(logged.iter().any(|l| l.contains("reqwest")), "{logged:?}");
    let everything = format!("{spans:?} {events:?} {logged:?}");
    for personal in PERSONAL {
        assert!(
            !everything.contains(personal),
            "{personal} reached tracing or log: {everything}"
        );
    }
    assert!(!everything.contains(MockPhlo::AUTH_TOKEN), "{everything}");

    let requests: Vec<_> = spans
        .iter()
        .filter(|(n, _)| n.starts_with("phlo.request#"))
        .map(|(_, f)| f)
        .collect();
    assert_eq!(requests.len(), 5, "{spans:?}");
    let errors: Vec<&str> = requests
        .iter()
        .filter_map(|f| f.get("error").map(String::as_str))
        .collect();
    assert_eq!(
        errors,
        ["api", "transport/reset", "transport/connect"],
        "{requests:?}"
    );
    assert_eq!(requests[3]["attempts"], "3");
    assert_eq!(requests[4]["attempts"], "3");

    let named = |name: &'static str| {
        events.iter().filter(move |(n, f)| {
            n.starts_with("plivo_phlo ") && f.get("message").is_some_and(|m| m == name)
        })
    };
    assert_eq!(named("sending PHLO request").count(), 1 + 1 + 1 + 3 + 3);
    assert!(
        named("sending PHLO request")
            .all(|(n, f)| n.contains("DEBUG") && f.contains_key("attempt"))
    );
    let retries: Vec<_> = named("retrying PHLO request").collect();
    assert_eq!(retries.len(), 4, "{events:?}");
    for (name, fields) in &retries {
        assert!(name.contains("WARN"), "{name}");
        assert!(
            ["attempt", "delay_ms", "reason"]
                .iter()
                .all(|k| fields.contains_key(*k)),
            "{fields:?}"
        );
    }
    assert_eq!(retries[0].1["reason"], "api");
    assert_eq!(retries[0].1["status"], "503");
    assert_eq!(retries[2].1["reason"], "transport/connect");
    let failures: Vec<_> = named("PHLO request failed").collect();
    assert_eq!(failures.len(), 3, "{events:?}");
    assert_eq!(failures[1].1["error"], "transport/reset");
    assert_eq!(failures[1].1["may_have_reached_server"], "true");
}

#[tokio::test(flavor = "current_thread")]
async fn personal_data_is_recorded_only_when_the_client_opts_in() {
    let (spans, _, _capturing) = capture();
    let mock = MockPhlo::start().await.unwrap();
    for opted_in in [false, true] {
        let client = mock
            .client_builder()
            .record_personal_data(opted_in)
            .build()
            .unwrap();
        client
            .multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID)
            .member("+14155550123")
            .hold()
            .await
            .unwrap();
    }
    let spans = spans.lock().unwrap().clone();
    let paths: Vec<Option<&String>> = spans
        .iter()
        .filter(|(n, _)| n.starts_with("phlo.request#"))
        .map(|(_, f)| f.get("url.path"))
        .collect();
    assert_eq!(paths.len(), 2);
    assert_eq!(paths[0], None);
    assert!(
        paths[1].is_some_and(|p| p.ends_with("/members/+14155550123")),
        "{paths:?}"
    );
}
