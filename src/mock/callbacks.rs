//! The mock's event callbacks: what a Multi-Party Call node posts to its
//! webhook, signed, in order, with scriptable faults.

use std::{
    collections::{HashMap, VecDeque, hash_map::RandomState},
    hash::BuildHasher as _,
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use backon::{ConstantBuilder, Retryable as _};
use http_body_util::{BodyExt as _, Full};
use hyper::{Request, body::Bytes, header::HeaderMap};
use hyper_util::rt::TokioIo;
use reqwest::{Method, StatusCode};
use tokio::{net::TcpStream, sync::mpsc, sync::watch};

use super::{Call, state::Log};
use crate::callback::{Callback, NONCE_V3_HEADER, SIGNATURE_V3_HEADER, SignatureV3};
#[cfg(feature = "multi-party-call")]
use crate::generated::types::MemberAction;
use crate::generated::types::{MultiPartyCallEvent, MultiPartyCallEventName};

/// How many events wait to be sent at most; past that, new ones are dropped
/// (and counted in [`MockPhlo::callbacks_dropped`](super::MockPhlo::callbacks_dropped)).
pub const CALLBACK_QUEUE_LIMIT: usize = 256;

/// How many times a callback is retried after a connection error or a 5xx
/// answer (100 ms apart), besides the first attempt.
pub const CALLBACK_RETRIES: usize = 2;

/// How long one attempt may take before it counts as failed.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);

/// A scripted fault for the next event callback, set with
/// [`MockPhlo::fault_next_callback`](super::MockPhlo::fault_next_callback).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackFault {
    /// Waits this long before sending it (later events wait behind it: the
    /// order is kept).
    Delay(Duration),
    /// Sends it twice, with the same nonce and signature (a retry Plivo
    /// might make).
    Duplicate,
    /// Holds it back and sends it right after the next event (never, if no
    /// event follows).
    OutOfOrder,
    /// Signs it with a wrong auth token.
    BadSignature,
}

/// One event callback the mock sent (or tried to send).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SentCallback {
    /// The event, as encoded in the body.
    pub event: MultiPartyCallEvent,
    /// The URL it was posted to.
    pub url: String,
    /// The headers sent (content type, signature, nonce).
    pub headers: HeaderMap,
    /// The form-encoded body sent.
    pub body: Bytes,
    /// The fault it was sent with, if one was scripted.
    pub fault: Option<CallbackFault>,
    /// The webhook's answer to the last attempt; `None` when no attempt got
    /// one (connection refused, timed out).
    pub status: Option<StatusCode>,
}

struct Pending {
    event: MultiPartyCallEvent,
    fault: Option<CallbackFault>,
}

#[derive(Default)]
pub(super) struct Inner {
    queue: Option<mpsc::Sender<Pending>>,
    url: Option<String>,
    /// Faults for the next events, one each, in order.
    pub(super) faults: VecDeque<CallbackFault>,
    /// Events dropped because the queue was full.
    pub(super) dropped: usize,
    /// Member ids by address, for the exit of a member who entered.
    members: HashMap<String, u64>,
    next_member: u64,
}

/// The mock's callback state: shared by the server and the sending task.
pub(super) struct Callbacks {
    inner: Mutex<Inner>,
    /// The newest callbacks sent (as many as the mock keeps requests by
    /// default: a long-running `phlo mock` stays bounded), watched by
    /// `next_callback`.
    pub(super) sent: watch::Sender<Log<SentCallback>>,
    /// The sequence number of the next one `next_callback` returns.
    cursor: AtomicUsize,
    auth_token: String,
}

impl Callbacks {
    pub(super) fn new(auth_token: &str) -> Arc<Self> {
        Arc::new(Callbacks {
            inner: Mutex::default(),
            sent: watch::channel(Log::default()).0,
            cursor: AtomicUsize::new(0),
            auth_token: auth_token.to_string(),
        })
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Points the callbacks at `url` (an `http://` URL), starting the
    /// sending task the first time. Needs a Tokio runtime.
    pub(super) fn point_at(self: &Arc<Self>, url: &str) -> std::io::Result<()> {
        let uri: http::Uri = url
            .parse()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        if uri.scheme_str() != Some("http") || uri.host().is_none() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the mock posts callbacks to http:// URLs with a host only",
            ));
        }
        let mut inner = self.lock();
        inner.url = Some(url.to_string());
        if inner.queue.is_none() {
            let (tx, rx) = mpsc::channel(CALLBACK_QUEUE_LIMIT);
            inner.queue = Some(tx);
            tokio::spawn(send_all(self.clone(), rx));
        }
        Ok(())
    }

    /// The callback after the last one `next` returned, once it is sent,
    /// or `None` after `timeout`.
    pub(super) async fn next(&self, timeout: Duration) -> Option<SentCallback> {
        let index = self.cursor.load(Ordering::Relaxed);
        let mut sent = self.sent.subscribe();
        let sent = tokio::time::timeout(timeout, sent.wait_for(|log| log.end() > index));
        let log = sent.await.ok()?.ok()?;
        // Past the forgotten ones: the oldest kept.
        let index = index.max(log.first);
        let callback = log.get(index).cloned()?;
        self.cursor.store(index + 1, Ordering::Relaxed);
        Some(callback)
    }

    /// What a real node would post after `call` was answered with `status`:
    /// queued without waiting (a full queue drops it).
    pub(super) fn after(&self, call: &Call, status: StatusCode) {
        if !status.is_success() {
            return;
        }
        let mut inner = self.lock();
        let Some(queue) = inner.queue.clone() else {
            return;
        };
        let Some((name, address, from)) = event(call) else {
            return;
        };
        let member_id = match name {
            MultiPartyCallEventName::ConferenceExit => inner.members.remove(address),
            _ => None,
        };
        let member_id = member_id.unwrap_or_else(|| {
            inner.next_member += 1;
            inner.next_member
        });
        if name == MultiPartyCallEventName::ConferenceEnter {
            inner.members.insert(address.to_string(), member_id);
        }
        let event = MultiPartyCallEvent {
            event: name,
            from,
            to: Some(address.to_string()),
            direction: Some("outbound".into()),
            caller_name: None,
            call_status: Some("in-progress".into()),
            call_uuid: Some(format!("00000000-0000-4000-9000-{member_id:012x}")),
            conference_name: Some("mock-conference".into()),
            conference_uuid: Some("00000000-0000-4000-a000-000000000001".into()),
            member_id: Some(member_id.to_string()),
            bill_rate: Some("0.0085".into()),
            to_iso2: None,
            from_iso2: None,
        };
        let fault = inner.faults.pop_front();
        if queue.try_send(Pending { event, fault }).is_err() {
            inner.dropped += 1;
        }
    }
}

/// The sending task: one event at a time, in order, so that faults (and
/// nothing else) change the order.
async fn send_all(callbacks: Arc<Callbacks>, mut rx: mpsc::Receiver<Pending>) {
    let mut held: Option<Pending> = None;
    while let Some(pending) = rx.recv().await {
        if pending.fault == Some(CallbackFault::OutOfOrder) && held.is_none() {
            held = Some(pending);
            continue;
        }
        send_one(&callbacks, pending).await;
        if let Some(held) = held.take() {
            send_one(&callbacks, held).await;
        }
    }
}

async fn send_one(callbacks: &Callbacks, pending: Pending) {
    let Some(url) = callbacks.lock().url.clone() else {
        return;
    };
    if let Some(CallbackFault::Delay(delay)) = pending.fault {
        tokio::time::sleep(delay).await;
    }
    let pairs = form_pairs(&pending.event);
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();
    let params: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let nonce = nonce();
    let token = match pending.fault {
        Some(CallbackFault::BadSignature) => "not-the-mock-auth-token",
        _ => callbacks.auth_token.as_str(),
    };
    let callback = Callback {
        method: &Method::POST,
        url: &url,
        params: &params,
        nonce: &nonce,
    };
    let Ok(signature) = SignatureV3::new(token.to_string()).sign(&callback) else {
        return;
    };
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: &str| {
        if let Ok(value) = value.parse() {
            headers.insert(name, value);
        }
    };
    set("content-type", "application/x-www-form-urlencoded");
    set(SIGNATURE_V3_HEADER, &signature);
    set(NONCE_V3_HEADER, &nonce);
    let body = Bytes::from(body);
    let duplicate = pending.fault == Some(CallbackFault::Duplicate);
    for _ in 0..1 + usize::from(duplicate) {
        let status = post(&url, &headers, body.clone()).await;
        callbacks.sent.send_modify(|log| {
            log.push(SentCallback {
                event: pending.event.clone(),
                url: url.clone(),
                headers: headers.clone(),
                body: body.clone(),
                fault: pending.fault,
                status,
            });
        });
    }
}

/// Posts with bounded retries; the last answer's status.
async fn post(url: &str, headers: &HeaderMap, body: Bytes) -> Option<StatusCode> {
    let attempt = || async {
        let status = tokio::time::timeout(ATTEMPT_TIMEOUT, post_once(url, headers, body.clone()))
            .await
            .map_err(|_| None)?
            .map_err(|_| None)?;
        if status.is_server_error() {
            Err(Some(status))
        } else {
            Ok(status)
        }
    };
    attempt
        .retry(
            ConstantBuilder::default()
                .with_delay(Duration::from_millis(100))
                .with_max_times(CALLBACK_RETRIES),
        )
        .sleep(tokio::time::sleep)
        .await
        .map_or_else(|status| status, Some)
}

async fn post_once(
    url: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<StatusCode, Box<dyn std::error::Error + Send + Sync>> {
    let uri: http::Uri = url.parse()?;
    let host = uri.host().ok_or("no host")?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let stream = TcpStream::connect((host, uri.port_u16().unwrap_or(80))).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    let connection = tokio::spawn(connection);
    let mut request = Request::post(uri.path_and_query().map_or("/", |p| p.as_str()))
        .header(
            hyper::header::HOST,
            uri.authority().map_or(host, |a| a.as_str()),
        )
        .body(Full::new(body))?;
    request.headers_mut().extend(headers.clone());
    let response = sender.send_request(request).await?;
    let status = response.status();
    // Read (and bound) the answer so the connection ends cleanly.
    let _ = http_body_util::Limited::new(response.into_body(), 64 * 1024)
        .collect()
        .await;
    connection.abort();
    Ok(status)
}

fn form_pairs(event: &MultiPartyCallEvent) -> Vec<(&'static str, String)> {
    let fields = [
        ("event", Some(event.event.as_str().to_string())),
        ("from", event.from.clone()),
        ("to", event.to.clone()),
        ("direction", event.direction.clone()),
        ("caller_name", event.caller_name.clone()),
        ("call_status", event.call_status.clone()),
        ("call_uuid", event.call_uuid.clone()),
        ("conference_name", event.conference_name.clone()),
        ("conference_uuid", event.conference_uuid.clone()),
        ("member_id", event.member_id.clone()),
        ("bill_rate", event.bill_rate.clone()),
        ("to_iso2", event.to_iso2.clone()),
        ("from_iso2", event.from_iso2.clone()),
    ];
    fields
        .into_iter()
        .filter_map(|(name, value)| Some((name, value?)))
        .collect()
}

/// A fresh 20-digit nonce, as Plivo's look.
fn nonce() -> String {
    let n = RandomState::new().hash_one(std::time::SystemTime::now());
    format!("{n:020}")
}

/// The event a real node posts after `call`: a member entered or left
/// (operations of tag `multi_party_call`; none without it).
fn event(call: &Call) -> Option<(MultiPartyCallEventName, &str, Option<String>)> {
    match call {
        #[cfg(feature = "multi-party-call")]
        Call::UpdateMultiPartyCall { body, .. } => Some((
            MultiPartyCallEventName::ConferenceEnter,
            body.to.as_str(),
            Some(body.trigger_source.to_string()),
        )),
        #[cfg(feature = "multi-party-call")]
        Call::UpdateMultiPartyCallMember {
            member_address,
            body,
            ..
        } if body.action == MemberAction::Hangup => Some((
            MultiPartyCallEventName::ConferenceExit,
            member_address.as_str(),
            None,
        )),
        _ => None,
    }
}
