//! [`MockPhlo`]: the server, its connections, and what tests read back.

use std::{
    net::{Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use base64::Engine as _;
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response, body::Bytes, server::conn::http1, service::service_fn};
use hyper_util::rt::TokioIo;
use reqwest::{Method, StatusCode};
use tokio::{
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};

use super::{
    Call,
    callbacks::Callbacks,
    callbacks::{CallbackFault, SentCallback},
    refusal::Refusal,
    reply::{Kind, Reply},
    routes,
    state::{Recorded, Route, Shared, State},
};

use crate::{PhloClient, PhloClientBuilder};

/// A local mock PHLO runner on `127.0.0.1`, answering every operation of
/// `spec/phlo.yaml` with the spec's own examples, checking credentials,
/// path values and bodies the way Plivo does (400 `{"api_id", "error"}` for
/// a bad body), and recording every request. Routes the spec lacks can be
/// added with [`on`](Self::on); failures scripted with
/// [`fail_next`](Self::fail_next). It stops when dropped.
pub struct MockPhlo {
    addr: SocketAddr,
    pub(super) shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for MockPhlo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockPhlo")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for MockPhlo {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockPhlo {
    /// The auth_id [`MockPhlo::client`] uses and the mock accepts.
    pub const AUTH_ID: &'static str = "MAMOCKMOCKMOCKMOCK01";
    /// The auth_token [`MockPhlo::client`] uses and the mock accepts.
    pub const AUTH_TOKEN: &'static str = "mock-auth-token";
    /// A PHLO id to use with the mock (any well-formed id works).
    pub const PHLO_ID: &'static str = "4c9b2a31-7f8e-4d2c-9a6b-3e1d5f7a9b20";
    /// A node id to use with the mock (any well-formed id works).
    pub const NODE_ID: &'static str = "2e8f6d4b-1a3c-4e5f-8b7d-9c0a1b2c3d4e";

    /// Starts the mock on a free loopback port with [`AUTH_ID`](Self::AUTH_ID)
    /// and [`AUTH_TOKEN`](Self::AUTH_TOKEN). Needs a Tokio runtime.
    pub async fn start() -> std::io::Result<Self> {
        Self::serve(("127.0.0.1", 0), Self::AUTH_ID, Self::AUTH_TOKEN).await
    }

    /// Starts the mock on `addr` (e.g. `("127.0.0.1", 8080)`), accepting
    /// the given credentials: what `phlo mock` runs.
    ///
    /// Credentials a [`PhloClient`] would refuse (an auth_id that is not
    /// `MA…`/`SA…`, an empty token, …) are an [`std::io::ErrorKind::InvalidInput`]
    /// error, before anything listens; its inner error is the
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) naming the field
    /// (`err.get_ref()` and `downcast_ref::<plivo_phlo::Error>()`).
    pub async fn serve(
        addr: impl tokio::net::ToSocketAddrs,
        auth_id: &str,
        auth_token: &str,
    ) -> std::io::Result<Self> {
        crate::client::builder::check_credentials(auth_id, auth_token)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let basic =
            base64::engine::general_purpose::STANDARD.encode(format!("{auth_id}:{auth_token}"));
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            answered: tokio::sync::broadcast::channel(1024).0,
            auth: format!("Basic {basic}"),
            auth_id: auth_id.to_string(),
            auth_token: auth_token.to_string(),
            connections: AtomicUsize::new(0),
            ids: AtomicUsize::new(0),
            callbacks: Callbacks::new(auth_token),
        });
        let accepting = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                accepting.connections.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(connection(accepting.clone(), stream));
            }
        });
        Ok(MockPhlo { addr, shared, task })
    }

    /// The mock's base URL, `http://127.0.0.1:<port>/v1`. A mock on every
    /// address (`0.0.0.0`, `::`) is reached on loopback (`127.0.0.1`,
    /// `[::1]`), which a client accepts over plain http.
    pub fn base_url(&self) -> String {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(match addr {
                SocketAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
            });
        }
        format!("http://{addr}/v1")
    }

    /// The socket address the mock listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A builder already pointed at the mock with the mock's credentials.
    /// A mock on a non-loopback address (it serves plain http) is allowed
    /// with [`allow_http`](PhloClientBuilder::allow_http).
    pub fn client_builder(&self) -> PhloClientBuilder {
        let ip = self.addr.ip();
        PhloClient::builder()
            .credentials(&self.shared.auth_id, &self.shared.auth_token)
            .base_url(self.base_url())
            .allow_http(!ip.is_loopback() && !ip.is_unspecified())
    }

    /// A [`PhloClient`] pointed at the mock with the mock's credentials.
    pub fn client(&self) -> PhloClient {
        self.client_builder()
            .build()
            .expect("serve checked the credentials, and the base URL is the mock's own")
    }

    /// Every request received so far (at most the record limit, the
    /// newest), in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().recorded.iter().cloned().collect()
    }

    /// Keeps at most `limit` requests (10 000 by default), dropping the
    /// oldest: a long-running mock stays bounded. [`hits`](Self::hits)
    /// still counts every request.
    pub fn set_record_limit(&self, limit: usize) {
        self.shared.lock().recorded.set_limit(limit);
    }

    /// The decoded operations received so far, in order.
    pub fn calls(&self) -> Vec<Call> {
        let state = self.shared.lock();
        state.recorded.iter().map(|r| r.call.clone()).collect()
    }

    /// How many requests reached the mock since it started (or since
    /// [`reset`](Self::reset)), kept or not.
    pub fn hits(&self) -> usize {
        self.shared.lock().hits
    }

    /// How many TCP connections the mock accepted.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::Relaxed)
    }

    /// Each request as soon as it is answered (or dropped without an
    /// answer), with its status: what `phlo mock` prints. A receiver that
    /// falls more than 1024 requests behind misses the oldest.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Recorded> {
        self.shared.answered.subscribe()
    }

    /// Forgets the recorded requests and any scripted fault not used yet
    /// (routes added with [`on`](Self::on) stay).
    pub fn reset(&self) {
        let mut state = self.shared.lock();
        state.recorded.clear();
        state.hits = 0;
        state.faults.clear();
    }

    /// Answers the next `n` requests, whatever they are, with `fault`
    /// (queued after any earlier script).
    pub fn fail_next(&self, n: usize, fault: Reply) {
        self.script(None, n, fault);
    }

    /// Answers the next `n` requests routed to `target` (an operationId such
    /// as `update_multi_party_call`, or the template of a route added with
    /// [`on`](Self::on)) with `fault`; other requests are answered as usual.
    pub fn fail_next_for(&self, target: &str, n: usize, fault: Reply) {
        self.script(Some(target.to_string()), n, fault);
    }

    fn script(&self, target: Option<String>, n: usize, fault: Reply) {
        if n > 0 {
            self.shared.lock().faults.push((target, n, fault));
        }
    }

    /// Answers `method` on `template` (below `/v1`, with `{name}`
    /// placeholders for whole segments, e.g. `/phlo/{phlo_id}/notes`) with
    /// `reply`, after checking credentials: for operations the spec does
    /// not have yet. Each request is recorded as [`Call::Custom`] with its
    /// path values and JSON body. A later route for the same method and
    /// template wins; routes win over the spec's operations.
    pub fn on(&self, method: Method, template: &str, reply: Reply) {
        let template = format!("/{}", template.trim_start_matches('/'));
        self.shared.lock().routes.push(Route {
            method,
            template,
            reply,
        });
    }

    // Event callbacks.

    /// Posts the events a Multi-Party Call node would send to `url` (an
    /// `http://` URL, e.g. a test's webhook): `ConferenceEnter` after each
    /// successful [`update_multi_party_call`](crate::MultiPartyCall::add_user)
    /// (`to` is the added member), `ConferenceExit` after a member's
    /// [`hangup`](crate::Member::hangup). Each is form-encoded and signed
    /// (V3, with the mock's auth token and a fresh nonce), as
    /// [`Receiver`](crate::callback::Receiver) expects.
    ///
    /// Sending never holds up the mock's answers: events are queued (at
    /// most [`CALLBACK_QUEUE_LIMIT`](super::CALLBACK_QUEUE_LIMIT); past that
    /// they are dropped and counted) and sent one at a time, in order, by a
    /// task of their own, each retried at most
    /// [`CALLBACK_RETRIES`](super::CALLBACK_RETRIES) times after a connection
    /// error or a 5xx. Calling it again changes the URL for the events
    /// still to be sent. Needs a Tokio runtime.
    ///
    /// # Errors
    ///
    /// [`std::io::ErrorKind::InvalidInput`] for a URL that is not `http://`
    /// with a host.
    pub fn callback_to(&self, url: &str) -> std::io::Result<()> {
        self.shared.callbacks.point_at(url)
    }

    /// Applies `fault` to the next event callback not yet given a fault
    /// (faults queue up: one per event, in order).
    pub fn fault_next_callback(&self, fault: CallbackFault) {
        self.shared.callbacks.lock().faults.push_back(fault);
    }

    /// Every event callback sent so far (at most the newest 10 000), in
    /// the order sent (a duplicate twice).
    pub fn callbacks_sent(&self) -> Vec<SentCallback> {
        let sent = self.shared.callbacks.sent.borrow();
        sent.iter().cloned().collect()
    }

    /// How many events were dropped because the queue was full.
    pub fn callbacks_dropped(&self) -> usize {
        self.shared.callbacks.lock().dropped
    }

    /// The next event callback sent (after the last one this returned),
    /// waiting up to `timeout` for it; `None` if none came by then.
    pub async fn next_callback(&self, timeout: Duration) -> Option<SentCallback> {
        self.shared.callbacks.next(timeout).await
    }
}

/// Serves one connection; a [`Fault::reset`](super::Fault::reset) ends it
/// with a TCP RST once the request is read.
async fn connection(shared: Arc<Shared>, stream: TcpStream) {
    // A second handle on the socket, to set SO_LINGER 0 before the last close.
    let spare = stream
        .into_std()
        .and_then(|s| Ok((s.try_clone()?, s)))
        .and_then(|(spare, s)| Ok((Arc::new(spare), TcpStream::from_std(s)?)));
    let Ok((spare, stream)) = spare else { return };
    let service = service_fn(move |req| {
        let (shared, spare) = (shared.clone(), spare.clone());
        async move { handle(&shared, req, &spare).await }
    });
    // Ends with the answer's error for a close or a reset.
    let _ = http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// What a connection ends with when it sends no answer.
const DROPPED: &str = "closed without an answer (scripted)";

async fn handle(
    shared: &Shared,
    req: Request<hyper::body::Incoming>,
    socket: &std::net::TcpStream,
) -> std::io::Result<Response<Full<Bytes>>> {
    let (parts, body) = req.into_parts();
    let read = match read_body(body).await {
        Ok(body) => Ok((body.clone(), routes::answer(shared, &parts, &body))),
        Err(BodyRead::TooLarge) => {
            let refusal = Refusal::new(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large.");
            Ok((Bytes::new(), routes::refuse(shared, None, refusal)))
        }
        Err(BodyRead::Broken) => Err(()),
    };
    let record = |body, call| Recorded {
        method: parts.method,
        path: parts
            .uri
            .path_and_query()
            .map_or(parts.uri.path(), |p| p.as_str())
            .to_string(),
        headers: parts.headers,
        body,
        call,
        status: None,
    };
    let Ok((body, answer)) = read else {
        // The body was cut off: nothing to answer, but the attempt counts.
        let reason = "the request body could not be read".to_string();
        shared
            .lock()
            .record(record(Bytes::new(), Call::Rejected { reason }));
        return Err(std::io::Error::other(DROPPED));
    };
    // Recorded on arrival, so a request whose client gave up still counts.
    let (fault, index) = {
        let mut state = shared.lock();
        let fault = state.take_fault(answer.target.as_deref());
        (fault, state.record(record(body, answer.call)))
    };
    let scripted = fault.or(answer.custom);
    let delay = scripted.as_ref().map_or(Duration::ZERO, |r| r.delay);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let reply = match scripted {
        Some(reply) if reply.kind != Kind::Normal => reply,
        _ => answer.reply,
    };
    let Kind::Status(status) = reply.kind else {
        answered(shared, index, None);
        if reply.kind == Kind::Reset {
            // The error makes hyper drop the connection: a reset, not a close.
            let _ = socket2::SockRef::from(socket).set_linger(Some(Duration::ZERO));
        }
        return Err(std::io::Error::other(DROPPED));
    };
    answered(shared, index, Some(status));
    Ok(reply.response(status))
}

/// Notes the status of request `index` and tells the subscribers.
fn answered(shared: &Shared, index: usize, status: Option<StatusCode>) {
    let record = {
        let mut state = shared.lock();
        let Some(record) = state.recorded.get_mut(index) else {
            return;
        };
        record.status = status;
        record.clone()
    };
    if let Some(status) = status {
        shared.callbacks.after(&record.call, status);
    }
    // Nobody subscribed: fine.
    let _ = shared.answered.send(record);
}

// Reading a request's body within bounds: what the mock keeps, and how
// much of a too-large body it drains before answering 413.

/// The largest request body the mock keeps (Plivo's requests are under
/// 1 KiB); a larger one is answered 413 and recorded as refused.
pub const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// How much of a too-large body is read (and dropped) before the 413, so
/// the client gets the answer rather than a reset mid-upload.
const DRAIN_LIMIT: usize = 16 * MAX_REQUEST_BODY;

pub(super) enum BodyRead {
    TooLarge,
    Broken,
}

/// The body, at most [`MAX_REQUEST_BODY`] of it kept; memory stays bounded
/// whatever the client sends.
pub(super) async fn read_body(mut body: hyper::body::Incoming) -> Result<Bytes, BodyRead> {
    let mut kept = bytes::BytesMut::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map_err(|_| BodyRead::Broken)?.into_data() else {
            continue; // trailers
        };
        seen = seen.saturating_add(data.len());
        if seen <= MAX_REQUEST_BODY {
            kept.extend_from_slice(&data);
        } else if seen > DRAIN_LIMIT {
            break;
        }
    }
    if seen > MAX_REQUEST_BODY {
        return Err(BodyRead::TooLarge);
    }
    Ok(kept.freeze())
}
