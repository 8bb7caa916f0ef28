//! The whole webhook service fed arbitrary requests.
//!
//! The input is an HTTP/1-like request, so seeds are readable and realistic:
//!
//! ```text
//! POST /twilio/conversations?x=1
//! host: example.com
//! content-type: application/x-www-form-urlencoded
//! x-twilio-signature: ...
//!
//! EventType=onMessageAdd&Body=...
//! ```
//!
//! The first line is the method and the request target; then `name: value` header lines (lines
//! that are not valid headers are skipped) up to an empty line; the rest is the body. Two
//! pseudo-headers shape the body and are not sent: `x-fuzz-chunks: N` delivers it in chunks of
//! N bytes (no size hint) instead of one, and `x-fuzz-error: 1` makes it fail after the last
//! chunk.
//!
//! Each request goes to three services (handlers for a pre-action event with a modification, a
//! pre-action event with a rejection, and post-action events; body limit 4 KiB):
//! 1. signature validation on, the request as it is: never 5xx; a 2xx only when it carries the
//!    right signature (for the URL the validator rebuilds, or its port variant);
//! 2. signature validation on, the request re-signed correctly: never 5xx, and never refused
//!    for its signature when it is a form request Twilio could have sent;
//! 3. signature validation off: never 5xx (the parser and handlers are reached).
//!
//! The handlers never fail, so the documented handler-failure 500 cannot happen: any 5xx is a
//! bug, as is a panic or a hang.
#![no_main]

mod common;

use common::TOKEN;

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use http_body::{Body, Frame, SizeHint};
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;
use twilio_webhooks::conversations::Rejection;
use twilio_webhooks::conversations::{
    OnConversationAdd, OnMessageAdd, OnMessageAdded, OnParticipantAdd, OnUserAdded,
};
use twilio_webhooks::router::{WebhookService, Webhooks};
use twilio_webhooks::signature::{compute_signature, Validator};
use twilio_webhooks::{Decision, DecisionFor, Params};

const BODY_LIMIT: usize = 4096;
const SIGNATURE: &str = "x-twilio-signature";
const SETTINGS: &str = "x-twilio-webhooks-signature-settings";

async fn mask(message: OnMessageAdd) -> DecisionFor<OnMessageAdd> {
    if message.body.contains("heck") {
        Decision::modify_body(message.body.replace("heck", "****"))
    } else {
        Decision::accept()
    }
}

async fn rename(conversation: OnConversationAdd) -> DecisionFor<OnConversationAdd> {
    match conversation.friendly_name {
        Some(name) if name.contains("heck") => Decision::rename(name.replace("heck", "****")),
        _ => Decision::accept(),
    }
}

async fn gate(participant: OnParticipantAdd) -> DecisionFor<OnParticipantAdd> {
    if format!("{participant:?}").contains("mallory") {
        Rejection::with_status(StatusCode::UNPROCESSABLE_ENTITY)
            .expect("4xx")
            .reason("not welcome")
            .into()
    } else {
        Decision::accept()
    }
}

async fn added(message: OnMessageAdded) {
    let _ = message.body.len();
}

async fn user_added(user: OnUserAdded) {
    let _ = user.identity;
}

fn webhooks() -> Webhooks {
    Webhooks::new()
        .pre_action(mask)
        .pre_action(rename)
        .pre_action(gate)
        .post_action(added)
        .post_action(user_added)
        .body_limit(BODY_LIMIT)
}

struct Fixture {
    runtime: tokio::runtime::Runtime,
    validator: Validator,
    validated: WebhookService<()>,
    open: WebhookService<()>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let validator = Validator::from_auth_tokens(TOKEN).expect("valid token");
        Fixture {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .expect("runtime"),
            validated: webhooks()
                .validator(validator.clone())
                .into_service(())
                .expect("valid router"),
            open: webhooks()
                .without_signature_validation()
                .into_service(())
                .expect("valid router"),
            validator,
        }
    })
}

/// A body delivered in chunks, with no size hint, optionally failing at the end.
struct Chunks {
    chunks: VecDeque<Bytes>,
    fail: bool,
}

impl Body for Chunks {
    type Data = Bytes;
    type Error = &'static str;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, &'static str>>> {
        match self.chunks.pop_front() {
            Some(chunk) => Poll::Ready(Some(Ok(Frame::data(chunk)))),
            None if self.fail => {
                self.fail = false;
                Poll::Ready(Some(Err("connection reset")))
            }
            None => Poll::Ready(None),
        }
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

/// A request as parsed from the fuzz input, before it becomes an `http::Request`.
#[derive(Clone)]
struct Raw {
    method: Method,
    target: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    chunk: Option<usize>,
    fail: bool,
    body: Bytes,
}

fn parse(data: &[u8]) -> Raw {
    let (head, body) = match find(data, b"\r\n\r\n")
        .map(|i| (i, 4))
        .or(find(data, b"\n\n").map(|i| (i, 2)))
    {
        Some((at, len)) => (&data[..at], &data[at + len..]),
        None => (data, &data[data.len()..]),
    };
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line));
    let first = lines.next().unwrap_or_default();
    let (method, target) = match first.iter().position(|&b| b == b' ') {
        Some(space) => (&first[..space], &first[space + 1..]),
        None => (first, &b"/"[..]),
    };
    let mut raw = Raw {
        method: Method::from_bytes(method).unwrap_or(Method::POST),
        target: String::from_utf8_lossy(target).into_owned(),
        headers: Vec::new(),
        chunk: None,
        fail: false,
        body: Bytes::copy_from_slice(body),
    };
    for line in lines {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let Ok(name) = HeaderName::from_bytes(&line[..colon]) else {
            continue;
        };
        let value = line[colon + 1..]
            .strip_prefix(b" ")
            .unwrap_or(&line[colon + 1..]);
        match name.as_str() {
            "x-fuzz-chunks" => {
                raw.chunk = std::str::from_utf8(value)
                    .ok()
                    .and_then(|n| n.trim().parse().ok())
                    .filter(|&n: &usize| n > 0);
            }
            "x-fuzz-error" => raw.fail = value == b"1",
            _ => {
                if let Ok(value) = HeaderValue::from_bytes(value) {
                    raw.headers.push((name, value));
                }
            }
        }
    }
    raw
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

impl Raw {
    fn request(&self) -> Option<Request<Chunks>> {
        let mut builder = Request::builder()
            .method(self.method.clone())
            .uri(self.target.as_str());
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        let chunks = match self.chunk {
            Some(size) => self.body.chunks(size).map(Bytes::copy_from_slice).collect(),
            None if self.body.is_empty() => VecDeque::new(),
            None => VecDeque::from([self.body.clone()]),
        };
        builder
            .body(Chunks {
                chunks,
                fail: self.fail,
            })
            .ok()
    }

    fn header<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a HeaderValue> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v)
    }

    fn set_header(&mut self, name: &'static str, value: &str) {
        self.headers.retain(|(n, _)| n != name);
        self.headers.push((
            HeaderName::from_static(name),
            value.parse().expect("header value"),
        ));
    }
}

fn call(service: &WebhookService<()>, request: Request<Chunks>) -> (StatusCode, Bytes) {
    fixture().runtime.block_on(async {
        let response = service.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let body = http_body_util::BodyExt::collect(response.into_body())
            .await
            .expect("infallible")
            .to_bytes();
        (status, body)
    })
}

#[track_caller]
fn assert_no_5xx(which: &str, status: StatusCode, body: &Bytes) {
    assert!(
        !status.is_server_error(),
        "{which}: {status} {:?}",
        String::from_utf8_lossy(body)
    );
}

fuzz_target!(|data: &[u8]| {
    let fixture = fixture();
    let raw = parse(data);
    let Some(request) = raw.request() else {
        return;
    };
    let (parts, ()) = request.map(|_| ()).into_parts();

    // 1. Validation on, as sent.
    let (status, body) = call(&fixture.validated, raw.request().expect("built once"));
    assert_no_5xx("validated", status, &body);
    if status.is_success() {
        // Only a request with the right signature gets through.
        let presented: Vec<&HeaderValue> = raw.header(SIGNATURE).collect();
        let url = fixture
            .validator
            .signed_url(&parts)
            .expect("accepted, so it has a URL");
        let params = match raw.method {
            Method::GET => Params::default(),
            _ => Params::parse(&raw.body).expect("accepted, so it decodes"),
        };
        let expected: Vec<String> = std::iter::once(url.clone())
            .chain(common::port_variant(&url))
            .map(|url| compute_signature(&url, &params, TOKEN))
            .collect();
        assert!(
            presented.len() == 1
                && expected
                    .iter()
                    .any(|signature| presented[0] == signature.as_str()),
            "accepted with signature {presented:?}; expected one of {expected:?} for {url:?}"
        );
    }

    // 2. Validation on, signed correctly.
    if let Ok(url) = fixture.validator.signed_url(&parts) {
        let decoded = match raw.method {
            Method::GET => Ok(Params::default()),
            _ => Params::parse(&raw.body),
        };
        let params = decoded.clone().unwrap_or_default();
        let signature = compute_signature(&url, &params, TOKEN);
        let mut signed = raw.clone();
        signed.set_header(SIGNATURE, &signature);
        if let Some(request) = signed.request() {
            let (status, body) = call(&fixture.validated, request);
            assert_no_5xx("signed", status, &body);
            // A form request as Twilio sends it is never refused for its signature.
            let form = raw.header("content-type").all(|value| {
                value
                    .to_str()
                    .is_ok_and(|v| v.starts_with("application/x-www-form-urlencoded"))
            }) && raw.header("content-type").count() == 1;
            let twilio_like = (raw.method == Method::GET || (raw.method == Method::POST && form))
                && decoded.is_ok()
                && raw.header(SETTINGS).next().is_none()
                && !common::has_body_sha256(&url)
                && !(raw.method == Method::POST && params.is_empty() && !raw.body.is_empty());
            if twilio_like {
                assert_ne!(
                    status,
                    StatusCode::FORBIDDEN,
                    "refused a correctly signed request for {url:?}: {:?}",
                    String::from_utf8_lossy(&body)
                );
            }
        }
    }

    // 3. Validation off.
    let (status, body) = call(&fixture.open, raw.request().expect("built once"));
    assert_no_5xx("open", status, &body);
});
