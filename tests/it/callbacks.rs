//! MockPhlo's event callbacks drive a downstream webhook (a small hyper
//! server here) that checks and decodes them with `callback::Receiver`.

use std::{net::SocketAddr, time::Duration};

use http_body_util::{BodyExt as _, Full, Limited};
use hyper::{Request, Response, StatusCode, body::Bytes, server::conn::http1, service::service_fn};
use hyper_util::rt::TokioIo;
use plivo_phlo::{
    Role,
    callback::{CallbackRefusal, MAX_CALLBACK_BODY, Receiver},
    mock::{CallbackFault, MockPhlo},
    reqwest::{Method, header::HeaderMap},
    types::{MultiPartyCallEvent, MultiPartyCallEventName},
};
use tokio::{net::TcpListener, sync::mpsc};

const WAIT: Duration = Duration::from_secs(10);

type Outcome = Result<MultiPartyCallEvent, CallbackRefusal>;

/// A webhook on a free port: each request checked with the mock's token;
/// 200 for an event, 403 for a refusal; every outcome sent to the test.
async fn webhook() -> (String, mpsc::UnboundedReceiver<Outcome>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let url = format!("http://{addr}/phlo/events");
    let (tx, rx) = mpsc::unbounded_channel();
    let receiver = Receiver::new(MockPhlo::AUTH_TOKEN);
    let full_url = url.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (tx, receiver, url) = (tx.clone(), receiver.clone(), full_url.clone());
            let service = service_fn(move |req: Request<hyper::body::Incoming>| {
                let (tx, receiver, url) = (tx.clone(), receiver.clone(), url.clone());
                async move {
                    let (parts, body) = req.into_parts();
                    let body = Limited::new(body, MAX_CALLBACK_BODY + 1)
                        .collect()
                        .await
                        .map(|b| b.to_bytes())
                        .unwrap_or_default();
                    let outcome =
                        receiver.multi_party_call_event(&parts.method, &url, &parts.headers, &body);
                    let status = if outcome.is_ok() {
                        StatusCode::OK
                    } else {
                        StatusCode::FORBIDDEN
                    };
                    let _ = tx.send(outcome);
                    let mut response = Response::new(Full::new(Bytes::new()));
                    *response.status_mut() = status;
                    Ok::<_, std::convert::Infallible>(response)
                }
            });
            tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        }
    });
    (url, rx)
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Outcome>) -> Outcome {
    tokio::time::timeout(WAIT, rx.recv())
        .await
        .expect("a callback in time")
        .expect("the webhook runs")
}

async fn mock_calling(url: &str) -> MockPhlo {
    let mock = MockPhlo::start().await.unwrap();
    mock.callback_to(url).unwrap();
    mock
}

#[tokio::test]
async fn conference_enter_after_add_user_and_exit_after_hangup() {
    let (url, mut rx) = webhook().await;
    let mock = mock_calling(&url).await;
    let mpc = mock
        .client()
        .multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID);
    mpc.add_user("+14152225555", Role::Agent, "+14152223333")
        .await
        .unwrap();
    let enter = next(&mut rx).await.unwrap();
    assert_eq!(enter.event, MultiPartyCallEventName::ConferenceEnter);
    assert_eq!(enter.to.as_deref(), Some("+14152225555"));
    assert_eq!(enter.from.as_deref(), Some("+14152223333"));

    mpc.member("+14152225555").hangup().await.unwrap();
    let exit = next(&mut rx).await.unwrap();
    assert_eq!(exit.event, MultiPartyCallEventName::ConferenceExit);
    assert_eq!(exit.to.as_deref(), Some("+14152225555"));
    assert_eq!(
        exit.member_id, enter.member_id,
        "the member who entered left"
    );

    // The mock's own view agrees, in order (waiting for it to record the
    // webhook's answers).
    let first = mock.next_callback(WAIT).await.unwrap();
    assert_eq!(first.event, enter);
    assert_eq!(mock.next_callback(WAIT).await.unwrap().event, exit);
    assert!(
        mock.next_callback(Duration::from_millis(50))
            .await
            .is_none()
    );
    // What went on the wire: a signed form post, accepted.
    let sent = mock.callbacks_sent();
    assert_eq!(sent.len(), 2);
    for s in &sent {
        assert_eq!(s.status, Some(StatusCode::OK));
        assert_eq!(
            s.headers["content-type"],
            "application/x-www-form-urlencoded"
        );
        assert!(s.headers.contains_key("x-plivo-signature-v3"));
        assert!(s.headers.contains_key("x-plivo-signature-v3-nonce"));
    }
    assert_ne!(
        sent[0].headers["x-plivo-signature-v3-nonce"],
        sent[1].headers["x-plivo-signature-v3-nonce"]
    );
    assert!(
        std::str::from_utf8(&sent[0].body)
            .unwrap()
            .starts_with("event=ConferenceEnter&")
    );
}

#[tokio::test]
async fn transfers_call_back_and_other_actions_do_not() {
    let (url, mut rx) = webhook().await;
    let mock = mock_calling(&url).await;
    let mpc = mock
        .client()
        .multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID);
    mpc.member("+14152225555").hold().await.unwrap();
    mpc.warm_transfer("sip:agent1@phone.plivo.com", "+14152223333")
        .await
        .unwrap();
    let enter = next(&mut rx).await.unwrap();
    assert_eq!(enter.event, MultiPartyCallEventName::ConferenceEnter);
    assert_eq!(enter.to.as_deref(), Some("sip:agent1@phone.plivo.com"));
    mock.next_callback(WAIT).await.unwrap();
    assert_eq!(mock.callbacks_sent().len(), 1, "hold sends no event");
}

#[tokio::test]
async fn a_badly_signed_callback_is_refused() {
    let (url, mut rx) = webhook().await;
    let mock = mock_calling(&url).await;
    mock.fault_next_callback(CallbackFault::BadSignature);
    let mpc = mock
        .client()
        .multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID);
    mpc.add_user("+14152225555", Role::Agent, "+14152223333")
        .await
        .unwrap();
    assert!(matches!(
        next(&mut rx).await,
        Err(CallbackRefusal::BadSignature(_))
    ));
    mpc.add_user("+14152226666", Role::Customer, "+14152223333")
        .await
        .unwrap();
    assert!(next(&mut rx).await.is_ok(), "the fault was for one event");
    let sent = mock.callbacks_sent();
    assert_eq!(sent[0].status, Some(StatusCode::FORBIDDEN));
    assert_eq!(sent[0].fault, Some(CallbackFault::BadSignature));
}

#[tokio::test]
async fn a_duplicate_is_seen_twice() {
    let (url, mut rx) = webhook().await;
    let mock = mock_calling(&url).await;
    mock.fault_next_callback(CallbackFault::Duplicate);
    let mpc = mock
        .client()
        .multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID);
    mpc.add_user("+14152225555", Role::Agent, "+14152223333")
        .await
        .unwrap();
    let first = next(&mut rx).await.unwrap();
    let second = next(&mut rx).await.unwrap();
    assert_eq!(first, second);
    mock.next_callback(WAIT).await.unwrap();
    mock.next_callback(WAIT).await.unwrap();
    let sent = mock.callbacks_sent();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].headers, sent[1].headers, "same nonce and signature");
}

#[tokio::test]
async fn out_of_order_sends_the_held_one_after_the_next() {
    let (url, mut rx) = webhook().await;
    let mock = mock_calling(&url).await;
    mock.fault_next_callback(CallbackFault::OutOfOrder);
    let mpc = mock
        .client()
        .multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID);
    mpc.add_user("+14152225555", Role::Agent, "+14152223333")
        .await
        .unwrap();
    mpc.member("+14152225555").hangup().await.unwrap();
    let first = next(&mut rx).await.unwrap();
    let second = next(&mut rx).await.unwrap();
    assert_eq!(first.event, MultiPartyCallEventName::ConferenceExit);
    assert_eq!(second.event, MultiPartyCallEventName::ConferenceEnter);
}

#[tokio::test]
async fn a_delayed_callback_does_not_hold_up_the_answer() {
    let (url, mut rx) = webhook().await;
    let mock = mock_calling(&url).await;
    mock.fault_next_callback(CallbackFault::Delay(Duration::from_millis(300)));
    let mpc = mock
        .client()
        .multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID);
    let started = std::time::Instant::now();
    mpc.add_user("+14152225555", Role::Agent, "+14152223333")
        .await
        .unwrap();
    assert!(
        mock.callbacks_sent().is_empty(),
        "not sent before the delay"
    );
    assert!(next(&mut rx).await.is_ok());
    assert!(started.elapsed() >= Duration::from_millis(300));
}

/// A callback the mock sent, replayed with changes: what the receiver
/// makes of tampering.
#[tokio::test]
async fn tampered_and_oversized_bodies_are_refused() {
    let (url, mut rx) = webhook().await;
    let mock = mock_calling(&url).await;
    let mpc = mock
        .client()
        .multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID);
    mpc.add_user("+14152225555", Role::Agent, "+14152223333")
        .await
        .unwrap();
    next(&mut rx).await.unwrap();
    let sent = mock.next_callback(WAIT).await.unwrap();
    let receiver = Receiver::new(MockPhlo::AUTH_TOKEN);
    let receive = |headers: &HeaderMap, body: &[u8]| {
        receiver.multi_party_call_event(&Method::POST, &url, headers, body)
    };
    assert!(receive(&sent.headers, &sent.body).is_ok());

    let body = std::str::from_utf8(&sent.body).unwrap();
    let tampered = [
        body.replace("ConferenceEnter", "ConferenceExit"),
        body.replace("%2B14152225555", "%2B14152229999"),
        format!("{body}&extra=1"),
        body.replace("&bill_rate=0.0085", ""),
    ];
    for tampered in &tampered {
        assert!(
            matches!(
                receive(&sent.headers, tampered.as_bytes()),
                Err(CallbackRefusal::BadSignature(_))
            ),
            "{tampered}"
        );
    }
    let other_url = url.replace("/phlo/events", "/phlo/other");
    assert!(matches!(
        receiver.multi_party_call_event(&Method::POST, &other_url, &sent.headers, &sent.body),
        Err(CallbackRefusal::BadSignature(_))
    ));

    let oversized = vec![b'a'; MAX_CALLBACK_BODY + 1];
    assert_eq!(
        receive(&sent.headers, &oversized),
        Err(CallbackRefusal::BodyTooLarge {
            len: MAX_CALLBACK_BODY + 1,
            limit: MAX_CALLBACK_BODY
        })
    );
    // Through the webhook as well.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = plivo_phlo::reqwest::Client::new()
        .post(&url)
        .headers(sent.headers.clone())
        .body(vec![b'a'; MAX_CALLBACK_BODY + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(matches!(
        next(&mut rx).await,
        Err(CallbackRefusal::BodyTooLarge { .. })
    ));
}

#[tokio::test]
async fn headers_and_content_types_are_checked() {
    let (url, _rx) = webhook().await;
    let mock = mock_calling(&url).await;
    let mpc = mock
        .client()
        .multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID);
    mpc.add_user("+14152225555", Role::Agent, "+14152223333")
        .await
        .unwrap();
    let sent = mock.next_callback(WAIT).await.unwrap();
    let receiver = Receiver::new(MockPhlo::AUTH_TOKEN);
    let receive = |headers: &HeaderMap| {
        receiver.multi_party_call_event(&Method::POST, &url, headers, &sent.body)
    };

    let mut h = sent.headers.clone();
    h.remove("x-plivo-signature-v3");
    assert_eq!(receive(&h), Err(CallbackRefusal::MissingSignature));
    let mut h = sent.headers.clone();
    h.append("x-plivo-signature-v3", "AAAA".parse().unwrap());
    assert_eq!(
        receive(&h),
        Err(CallbackRefusal::DuplicatedHeader {
            header: "X-Plivo-Signature-V3"
        })
    );
    let mut h = sent.headers.clone();
    h.remove("x-plivo-signature-v3-nonce");
    assert_eq!(receive(&h), Err(CallbackRefusal::MissingNonce));
    let mut h = sent.headers.clone();
    h.append("x-plivo-signature-v3-nonce", "1".parse().unwrap());
    assert_eq!(
        receive(&h),
        Err(CallbackRefusal::DuplicatedHeader {
            header: "X-Plivo-Signature-V3-Nonce"
        })
    );
    let mut h = sent.headers.clone();
    h.insert(
        "x-plivo-signature-v3",
        "not base64 ü".as_bytes().try_into().unwrap(),
    );
    assert_eq!(
        receive(&h),
        Err(CallbackRefusal::UnreadableHeader {
            header: "X-Plivo-Signature-V3"
        })
    );
    let mut h = sent.headers.clone();
    h.insert("content-type", "text/plain".parse().unwrap());
    assert_eq!(
        receive(&h),
        Err(CallbackRefusal::UnsupportedContentType {
            content_type: Some("text/plain".into())
        })
    );
    h.insert("content-type", "application/json".parse().unwrap());
    assert!(
        matches!(
            receive(&h),
            Err(CallbackRefusal::UnsupportedContentType { .. })
        ),
        "JSON is opt-in"
    );
    assert_eq!(
        receiver.multi_party_call_event(&Method::PUT, &url, &sent.headers, &sent.body),
        Err(CallbackRefusal::UnsupportedMethod(Method::PUT))
    );
    // Parameters and case: `Content-Type: application/x-www-form-urlencoded; charset=utf-8`.
    let mut h = sent.headers.clone();
    h.insert(
        "content-type",
        "Application/X-WWW-Form-Urlencoded; charset=utf-8"
            .parse()
            .unwrap(),
    );
    assert!(receive(&h).is_ok());
}

/// Signs a form body the way Plivo (and the mock) do.
fn signed(url: &str, body: &str, nonce: &str) -> HeaderMap {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let params: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let callback = plivo_phlo::callback::Callback {
        method: &Method::POST,
        url,
        params: &params,
        nonce,
    };
    let signature = plivo_phlo::callback::SignatureV3::new(MockPhlo::AUTH_TOKEN)
        .sign(&callback)
        .unwrap();
    let mut headers = HeaderMap::new();
    headers.insert(
        "content-type",
        "application/x-www-form-urlencoded".parse().unwrap(),
    );
    headers.insert("x-plivo-signature-v3", signature.parse().unwrap());
    headers.insert("x-plivo-signature-v3-nonce", nonce.parse().unwrap());
    headers
}

#[test]
fn required_fields_unknown_events_and_repeated_keys() {
    let url = "https://example.com/events";
    let receiver = Receiver::new(MockPhlo::AUTH_TOKEN);
    let receive = |body: &str| {
        receiver.multi_party_call_event(
            &Method::POST,
            url,
            &signed(url, body, "42"),
            body.as_bytes(),
        )
    };

    assert_eq!(
        receive("member_id=1"),
        Err(CallbackRefusal::MissingField {
            field: "event".into()
        })
    );
    assert_eq!(
        receive("event=&member_id=1"),
        Err(CallbackRefusal::MissingField {
            field: "event".into()
        })
    );
    let later = receive("event=MemberMuted").unwrap();
    assert_eq!(
        later.event,
        MultiPartyCallEventName::Other("MemberMuted".into())
    );
    let last = receive("event=ConferenceEnter&event=ConferenceExit").unwrap();
    assert_eq!(
        last.event,
        MultiPartyCallEventName::ConferenceExit,
        "the last value wins"
    );
    let extra = receive("event=Record&to_country=US").unwrap();
    assert_eq!(
        extra.event,
        MultiPartyCallEventName::Record,
        "unknown keys are ignored"
    );
}

#[test]
fn refusals_hold_no_personal_data() {
    let url = "https://example.com/events";
    let receiver = Receiver::new(MockPhlo::AUTH_TOKEN);
    let body = "event=ConferenceEnter&to=%2B14152225555&caller_name=Ada+Lovelace";
    let mut headers = signed(url, body, "42");
    let tampered = body.replace("Ada", "Bob");
    let refusals = [
        receiver
            .multi_party_call_event(&Method::POST, url, &headers, tampered.as_bytes())
            .unwrap_err(),
        receiver
            .multi_party_call_event(
                &Method::POST,
                url,
                &headers,
                b"to=%2B14152225555&caller_name=Ada",
            )
            .unwrap_err(),
        {
            headers.insert("content-type", "application/json".parse().unwrap());
            Receiver::new(MockPhlo::AUTH_TOKEN)
                .accept_json(true)
                .multi_party_call_event(
                    &Method::POST,
                    url,
                    &headers,
                    br#"{"event": 7, "to": "+14152225555"}"#,
                )
                .unwrap_err()
        },
    ];
    for refusal in refusals {
        let text = format!("{refusal} {refusal:?}");
        for secret in ["14152225555", "Ada", "Bob", "Lovelace"] {
            assert!(!text.contains(secret), "{text}");
        }
    }
}

#[test]
fn json_bodies_when_accepted_sign_like_a_post_without_parameters() {
    let url = "https://example.com/events";
    let nonce = "42";
    let callback = plivo_phlo::callback::Callback {
        method: &Method::POST,
        url,
        params: &[],
        nonce,
    };
    let signature = plivo_phlo::callback::SignatureV3::new(MockPhlo::AUTH_TOKEN)
        .sign(&callback)
        .unwrap();
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/json".parse().unwrap());
    headers.insert("x-plivo-signature-v3", signature.parse().unwrap());
    headers.insert("x-plivo-signature-v3-nonce", nonce.parse().unwrap());
    let receiver = Receiver::new(MockPhlo::AUTH_TOKEN).accept_json(true);
    let event = receiver
        .multi_party_call_event(
            &Method::POST,
            url,
            &headers,
            br#"{"event":"ConferenceExit","member_id":"3"}"#,
        )
        .unwrap();
    assert_eq!(event.event, MultiPartyCallEventName::ConferenceExit);
    assert_eq!(
        receiver.multi_party_call_event(&Method::POST, url, &headers, b"[1]"),
        Err(CallbackRefusal::UndecodableBody {
            reason: "the JSON body is not an object"
        })
    );
    // The main account's header alone passes with its token.
    let main = plivo_phlo::callback::SignatureV3::new("main-token")
        .sign(&callback)
        .unwrap();
    let mut headers_ma = headers.clone();
    headers_ma.remove("x-plivo-signature-v3");
    headers_ma.insert("x-plivo-signature-ma-v3", main.parse().unwrap());
    let body = br#"{"event":"Redirect"}"#;
    assert_eq!(
        receiver.multi_party_call_event(&Method::POST, url, &headers_ma, body),
        Err(CallbackRefusal::MissingSignature)
    );
    assert!(
        receiver
            .clone()
            .main_account_token("main-token")
            .multi_party_call_event(&Method::POST, url, &headers_ma, body)
            .is_ok()
    );
}
