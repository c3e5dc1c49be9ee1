//! `phlo mock`: `MockPhlo` as a standalone server for services written in
//! any language. One JSON line on stdout when it listens, then one per
//! request; Ctrl-C (SIGINT) or SIGTERM stops it.

use std::{future::Future, hash::BuildHasher, io::Write, net::IpAddr, pin::Pin, process::ExitCode};

use clap::{Arg, ArgMatches, Command, parser::ValueSource};
use plivo_phlo::mock::{Call, MockPhlo, Recorded};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;

use crate::{flags::flag, output};

pub(crate) fn command() -> Command {
    Command::new("mock")
        .about("Run a local mock PHLO runner (MockPhlo) until Ctrl-C or SIGTERM")
        .long_about(
            "Run a local mock PHLO runner (MockPhlo) until Ctrl-C or SIGTERM. It answers every operation of \
             the spec from its examples, refuses what Plivo refuses, and prints one JSON line on \
             stdout when it listens ({\"event\":\"listening\",\"base_url\",\"auth_id\",\
             \"auth_token\"}) and one per request ({\"event\":\"request\",\"method\",\"path\",\
             \"operation_id\",\"status\",\"body\"}).",
        )
        .args([
            flag("host")
                .value_parser(clap::value_parser!(IpAddr))
                .default_value("127.0.0.1")
                .value_name("IP")
                .help(
                    "The address to listen on. 127.0.0.1 is this machine only; 0.0.0.0 (or ::) \
                     exposes the mock, and the credentials it accepts, to the network",
                ),
            flag("port")
                .value_parser(clap::value_parser!(u16))
                .default_value("0")
                .value_name("PORT")
                .help("The port to listen on (0: any free port)"),
            Arg::new("mock-auth-token")
                .long("auth-token")
                .value_name("TOKEN")
                .help(
                    "The token the mock accepts: a test credential, never a real one \
                     [default: generated]. The auth_id is --auth-id, given on the command line \
                     [default: generated]",
                ),
            flag("callback-url")
                .value_name("URL")
                .help(
                    "Post signed Multi-Party Call events (ConferenceEnter after add_user and \
                     transfers, ConferenceExit after a member hangup) to this http:// URL, \
                     signed with the mock's auth token",
                ),
        ])
}

pub(crate) async fn run(matches: &ArgMatches) -> ExitCode {
    let host: IpAddr = *matches.get_one("host").expect("--host has a default");
    let port: u16 = *matches.get_one("port").expect("--port has a default");
    // Only an auth_id given here, not one from PLIVO_AUTH_ID: the mock
    // never takes on the account's real credentials by accident.
    let (generated_id, generated_token) = generated_credentials();
    let given_id = (matches.value_source("auth-id") == Some(ValueSource::CommandLine))
        .then(|| matches.get_one::<String>("auth-id").cloned())
        .flatten();
    let auth_id = given_id.unwrap_or(generated_id);
    let token = matches
        .get_one::<String>("mock-auth-token")
        .cloned()
        .unwrap_or(generated_token);
    // Armed before the first line: a signal sent once a script has read it
    // always stops the mock cleanly.
    let mut stop = match stop_signals() {
        Ok(stop) => stop,
        Err(e) => return output::fail(&format!("cannot watch for Ctrl-C: {e}")),
    };
    let addr = std::net::SocketAddr::new(host, port);
    // The mock refuses credentials no client could send.
    let mock = match MockPhlo::serve(addr, &auth_id, &token).await {
        Ok(mock) => mock,
        Err(e) => match e
            .get_ref()
            .and_then(|e| e.downcast_ref::<plivo_phlo::Error>())
        {
            Some(invalid) => return output::invalid(&format!("phlo mock: {invalid}")),
            None => return output::fail(&format!("cannot listen on {addr}: {e}")),
        },
    };
    if let Some(url) = matches.get_one::<String>("callback-url")
        && let Err(e) = mock.callback_to(url)
    {
        return output::invalid(&format!("phlo mock: --callback-url: {e}"));
    }
    let mut requests = mock.subscribe();
    // On every address (0.0.0.0, ::), a loopback URL.
    let base_url = mock.base_url();
    let listening = serde_json::to_string(&Line::Listening {
        base_url: base_url.clone(),
        auth_id: &auth_id,
        auth_token: &token,
    });
    line(&listening.unwrap_or_default());
    eprintln!("phlo mock: listening on {}", mock.addr());
    eprintln!(
        "  export PLIVO_PHLO_URL={base_url} PLIVO_AUTH_ID={auth_id} PLIVO_AUTH_TOKEN={token}"
    );
    if !host.is_loopback() {
        eprintln!("  listening beyond this machine: anyone who can reach {addr} can use it");
    }
    eprintln!("  Ctrl-C (or SIGTERM) to stop");
    // Lines are written by a thread of their own: a reader that stops
    // reading stdout blocks that thread, never the server.
    let printer = Printer::start();
    loop {
        tokio::select! {
            signal = &mut stop => {
                eprintln!("phlo mock: {signal}, stopping");
                break;
            }
            request = requests.recv() => match request {
                Ok(request) => printer.print(&Line::request(&request)),
                Err(RecvError::Lagged(missed)) => printer.missed(missed as usize),
                Err(RecvError::Closed) => break,
            },
        }
    }
    printer.finish();
    eprintln!("phlo mock: stopped after {} requests", mock.hits());
    ExitCode::SUCCESS
}

/// Writes request lines to stdout from its own thread, through a bounded
/// queue: lines that do not fit (stdout not read) are counted, not kept.
struct Printer {
    queue: std::sync::mpsc::SyncSender<String>,
    done: std::sync::mpsc::Receiver<()>,
    dropped: std::cell::Cell<usize>,
}

/// Lines waiting for stdout, at most.
const PRINT_QUEUE: usize = 1024;

impl Printer {
    fn start() -> Printer {
        let (queue, lines) = std::sync::mpsc::sync_channel::<String>(PRINT_QUEUE);
        let (finished, done) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            lines.into_iter().for_each(|text| line(&text));
            let _ = finished.send(());
        });
        Printer {
            queue,
            done,
            dropped: std::cell::Cell::new(0),
        }
    }

    fn print(&self, value: &impl Serialize) {
        let Ok(text) = serde_json::to_string(value) else {
            return;
        };
        if self.queue.try_send(text).is_err() {
            self.missed(1);
        }
    }

    fn missed(&self, n: usize) {
        let before = self.dropped.get();
        self.dropped.set(before + n);
        // Said once per thousand, not once per line.
        if before / 1000 != (before + n) / 1000 || before == 0 {
            eprintln!(
                "phlo mock: {} request lines not printed so far (stdout not read)",
                before + n
            );
        }
    }

    /// Lets the queue drain, for a second at most (a reader that never
    /// reads must not keep the mock from stopping).
    fn finish(self) {
        drop(self.queue);
        let _ = self.done.recv_timeout(std::time::Duration::from_secs(1));
    }
}

/// Resolves on the first SIGINT or SIGTERM (Ctrl-C elsewhere), naming it.
/// The handlers are registered here, not at the first poll.
type Stop = Pin<Box<dyn Future<Output = &'static str>>>;

#[cfg(unix)]
fn stop_signals() -> std::io::Result<Stop> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(Box::pin(async move {
        tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        }
    }))
}

#[cfg(windows)]
fn stop_signals() -> std::io::Result<Stop> {
    let mut ctrl_c = tokio::signal::windows::ctrl_c()?;
    Ok(Box::pin(async move {
        ctrl_c.recv().await;
        "Ctrl-C"
    }))
}

/// A line on stdout: `{"event": ..}`, then its fields in this order.
#[derive(Serialize)]
#[serde(tag = "event", rename_all = "lowercase")]
enum Line<'a> {
    /// The first line: where the mock listens and what it accepts.
    Listening {
        base_url: String,
        auth_id: &'a str,
        auth_token: &'a str,
    },
    /// One line per request.
    Request {
        method: &'a str,
        path: &'a str,
        operation_id: Option<&'static str>,
        status: Option<u16>,
        body: Value,
        #[serde(skip_serializing_if = "Option::is_none")]
        rejected: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        route: Option<&'a str>,
    },
}

impl<'a> Line<'a> {
    fn request(request: &'a Recorded) -> Self {
        let body = if request.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&request.body).unwrap_or_else(|_| {
                Value::String(String::from_utf8_lossy(&request.body).into_owned())
            })
        };
        Line::Request {
            method: request.method.as_str(),
            path: &request.path,
            operation_id: request.call.operation_id(),
            status: request.status.map(|s| s.as_u16()),
            body,
            rejected: match &request.call {
                Call::Rejected { reason } => Some(reason),
                _ => None,
            },
            route: match &request.call {
                Call::Custom { template, .. } => Some(template),
                _ => None,
            },
        }
    }
}

/// One line on stdout, which is flushed at each newline; a reader gone is
/// not a reason to stop.
fn line(text: &str) {
    let _ = writeln!(std::io::stdout(), "{text}");
}

/// A fresh auth_id (`MA` and 18 upper-case letters or digits) and token,
/// from the process's random hasher keys: test credentials, not secrets
/// anyone else holds.
fn generated_credentials() -> (String, String) {
    let state = std::hash::RandomState::new();
    let mut counter = 0u64;
    let mut pick = |alphabet: &[u8], n: usize| -> String {
        (0..n)
            .map(|_| {
                counter += 1;
                alphabet[(state.hash_one(counter) % alphabet.len() as u64) as usize] as char
            })
            .collect()
    };
    let auth_id = format!("MA{}", pick(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 18));
    let token = pick(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        32,
    );
    (auth_id, token)
}
