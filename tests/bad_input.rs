//! A bad-input matrix over real HTTP: the profanity filter example's router, with signature
//! validation, served on 127.0.0.1:0 the way `examples/common/mod.rs` serves it (hyper HTTP/1.1,
//! a header read timeout, a connection limit), driven with raw bytes over `TcpStream`.
//!
//! Each row sends one request on a fresh connection and expects its documented status and a body
//! that says what was wrong (SECURITY.md, the error types' messages). Whatever the row, the answer
//! is never a 5xx, and afterwards a valid signed request on a fresh connection still gets 200.
//! Every exchange is bounded in time.

mod common;

#[allow(dead_code)] // The example binary uses all of it; these tests use the router and filter.
#[path = "../examples/profanity_filter/filter.rs"]
mod filter;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::raw::{
    chunked, find, form_post, head, serve_webhooks_like_examples, wire, Conn, RawReply,
};
use common::{
    bounded, mismatch, modified_body as masked, sample_replacing, signed, url, PATH, TOKEN,
};
use twilio_webhooks::testing::{self, TestRequest};
use twilio_webhooks::Params;

/// The header read timeout of the matrix's servers (the examples use 10 s; shorter here so the
/// slow-header row is quick).
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(1);

/// The body timeout of the server for the slow-body rows.
const BODY_TIMEOUT: Duration = Duration::from_millis(500);

/// The router's default body limit.
const LIMIT: usize = twilio_webhooks::router::DEFAULT_BODY_LIMIT;

/// Serves the profanity filter's router (built as its `main.rs` builds it, default word list)
/// on `path`, with `body_timeout` when given.
async fn server_on(path: &str, body_timeout: Option<Duration>) -> SocketAddr {
    let default_filter = filter::Filter::from_config(None, "");
    serve_webhooks_like_examples(
        filter::webhooks().path(path),
        default_filter,
        HEADER_READ_TIMEOUT,
        body_timeout,
    )
    .await
}

/// [`server_on`] the default path.
async fn server(body_timeout: Option<Duration>) -> SocketAddr {
    server_on(PATH, body_timeout).await
}

/// The sample onMessageAdd with this body.
fn message_params(body: &str) -> Params {
    sample_replacing("onMessageAdd", &[("Body", body)])
}

/// An onMessageAdd with this body, signed for `addr`.
fn message(addr: SocketAddr, body: &str) -> http::Request<String> {
    signed(addr, PATH, message_params(body))
}

/// The signature `request` carries.
fn signature_of(request: &http::Request<String>) -> &[u8] {
    request.headers()["x-twilio-signature"].as_bytes()
}

/// `request` with header `name` removed and, for each of `values`, added again.
fn with_header(
    mut request: http::Request<String>,
    name: &'static str,
    values: &[&[u8]],
) -> http::Request<String> {
    request.headers_mut().remove(name);
    for value in values {
        request
            .headers_mut()
            .append(name, http::HeaderValue::from_bytes(value).unwrap());
    }
    request
}

/// A POST of `body` as sent (not re-encoded) with a signature over the URL and `body`'s
/// parameters as the router decodes them (or over no parameters when it cannot decode them:
/// decoding comes first, so the signature is then never looked at).
fn post_raw(addr: SocketAddr, body: &[u8]) -> Vec<u8> {
    let params = Params::parse(body).unwrap_or_default();
    let signature = testing::sign(&url(addr, PATH), &params, TOKEN);
    let length = body.len().to_string();
    let mut bytes = form_post(
        addr,
        signature.as_bytes(),
        ("content-length", length.as_bytes()),
    );
    bytes.extend_from_slice(body);
    bytes
}

/// Sends `bytes` on a fresh connection and reads one answer, within the exchange bound.
async fn exchange(addr: SocketAddr, what: &str, bytes: &[u8], head_only: bool) -> RawReply {
    bounded(what, async {
        let mut conn = Conn::connect(addr).await.expect("connect");
        conn.write(bytes).await.expect("write the request");
        conn.read_reply(head_only)
            .await
            .expect("read the answer")
            .unwrap_or_else(|| panic!("{what}: closed without an answer"))
    })
    .await
}

/// Checks a row's answer: never a 5xx, then exactly `status` and `body`; then that the server
/// still answers a valid signed request on a fresh connection.
async fn check(addr: SocketAddr, row: &str, reply: &RawReply, status: u16, body: &str) {
    assert!(reply.status < 500, "{row}: a server error: {reply:?}");
    assert_eq!(
        (reply.status, reply.text().as_str()),
        (status, body),
        "{row}"
    );
    if status >= 400 && !body.is_empty() {
        assert_eq!(
            reply.header("content-type"),
            Some("text/plain; charset=utf-8"),
            "{row}"
        );
    }
    still_serving(addr, row).await;
}

/// A valid signed request on a fresh connection gets 200 with the masked body.
async fn still_serving(addr: SocketAddr, after: &str) {
    let reply = exchange(
        addr,
        "a valid request",
        &wire(&message(addr, "what the heck")),
        false,
    )
    .await;
    assert_eq!(
        (reply.status, reply.text()),
        (200, masked("what the ****")),
        "a valid request after {after}"
    );
}

/// Sends `bytes` and checks the answer (see [`check`]).
async fn row(addr: SocketAddr, row: &str, bytes: &[u8], status: u16, body: &str) -> RawReply {
    let reply = exchange(addr, row, bytes, false).await;
    check(addr, row, &reply, status, body).await;
    reply
}

/// Each [`row`] in turn: (name, bytes, status, body).
async fn rows(addr: SocketAddr, rows: Vec<(&str, Vec<u8>, u16, &str)>) {
    for (what, bytes, status, body) in rows {
        row(addr, what, &bytes, status, body).await;
    }
}

const MISSING_SIGNATURE: &str = "missing X-Twilio-Signature";
const MISSING_EVENT_TYPE: &str = "missing parameter EventType: not a Twilio Conversations webhook";
const MALFORMED_SIGNATURE: &str = "malformed X-Twilio-Signature";

/// The 400 message for a body the form decoder refuses.
fn form_error(body: &[u8]) -> String {
    Params::parse(body).unwrap_err().to_string()
}

#[tokio::test]
async fn signature_header_rows() {
    let addr = server(None).await;
    let valid = message(addr, "what the heck");
    let signature = signature_of(&valid);
    let twice = [signature, signature];
    let with_signature =
        |values: &[&[u8]]| wire(&with_header(valid.clone(), "x-twilio-signature", values));
    let mismatch = mismatch();
    let forged = TestRequest::new(url(addr, PATH), "not the token")
        .params(message_params("heck"))
        .build();
    // The signature of one body on another.
    let tampered =
        message(addr, "what the heck").map(|body| body.replace("what+the+heck", "what+the+darn"));
    #[rustfmt::skip]
    rows(addr, vec![
        ("no signature", with_signature(&[]), 400, MISSING_SIGNATURE),
        ("an empty signature", with_signature(&[b""]), 400, MISSING_SIGNATURE),
        ("a blank signature", with_signature(&[b"   "]), 400, MISSING_SIGNATURE),
        // Twice, even twice the right value: one header, one value.
        ("a duplicate signature", with_signature(&twice), 400, MALFORMED_SIGNATURE),
        ("a garbage signature", with_signature(&[b"not base64 at all!"]), 403, &mismatch),
        // Bytes that are not visible ASCII (obs-text): hyper passes them on, the validator refuses.
        ("a non-ASCII signature", with_signature(&[b"\xff\xfe\x80abc="]), 400, MALFORMED_SIGNATURE),
        ("a signature made with another token", wire(&forged), 403, &mismatch),
        ("a body changed after signing", wire(&tampered), 403, &mismatch),
    ])
    .await;
}

#[tokio::test]
async fn content_type_and_method_rows() {
    let addr = server(None).await;
    let valid = message(addr, "what the heck");

    for content_type in [
        &b"application/json"[..],
        b"text/plain",
        b"multipart/form-data; boundary=x",
    ] {
        let request = with_header(valid.clone(), "content-type", &[content_type]);
        let what = format!("content type {}", String::from_utf8_lossy(content_type));
        let expected = "expected Content-Type: application/x-www-form-urlencoded";
        row(addr, &what, &wire(&request), 415, expected).await;
    }

    let query = "EventType=onMessageAdded&Body=100%";
    let bad_query = form_error(query.as_bytes());
    #[rustfmt::skip]
    rows(addr, vec![
        // A GET without a query: nothing signed, nothing to parse.
        ("an unsigned GET", head("GET", PATH.as_bytes(), addr, &[]), 400, MISSING_SIGNATURE),
        // A GET's query is decoded as strictly as a body, before the signature check.
        (
            "a GET with a bad escape in its query",
            head("GET", format!("{PATH}?{query}").as_bytes(), addr, &[]),
            400,
            &bad_query,
        ),
    ])
    .await;

    let not_allowed = "Twilio webhooks are POST (or GET) requests";
    for method in ["PUT", "DELETE", "PATCH", "OPTIONS"] {
        let mut request = valid.clone();
        *request.method_mut() = method.parse().unwrap();
        let reply = row(addr, method, &wire(&request), 405, not_allowed).await;
        assert_eq!(reply.header("allow"), Some("POST, GET"), "{method}");
    }

    // HEAD: the same status and headers, no body.
    let mut request = valid.clone();
    *request.method_mut() = http::Method::HEAD;
    let reply = exchange(addr, "HEAD", &wire(&request), true).await;
    check(addr, "HEAD", &reply, 405, "").await;
    assert_eq!(reply.header("allow"), Some("POST, GET"));
}

#[tokio::test]
async fn body_size_rows() {
    let addr = server(None).await;
    let too_large = format!("request body is larger than the limit of {LIMIT} bytes");

    // Content-Length over the limit: the answer comes before any of the body is sent, and the
    // server does not wait for the body.
    let length = (LIMIT + 1).to_string();
    let valid = message(addr, "what the heck");
    let signature = signature_of(&valid);
    let headers_only = form_post(addr, signature, ("content-length", length.as_bytes()));
    let what = "a Content-Length over the limit";
    bounded(what, async {
        let mut conn = Conn::connect(addr).await.unwrap();
        conn.write(&headers_only).await.unwrap();
        let reply = conn.read_reply(false).await.unwrap().expect("an answer");
        check(addr, what, &reply, 413, &too_large).await;
        conn.closed().await.unwrap();
    })
    .await;

    // Chunked, with no length: cut off with 413 once past the limit, while the client is still
    // sending (so the answer is read concurrently with the writing).
    let body = vec![b'x'; LIMIT + 64 * 1024];
    let mut request = form_post(addr, signature, ("transfer-encoding", b"chunked"));
    request.extend_from_slice(&chunked(&body, 8 * 1024));
    let what = "a chunked body over the limit";
    let reply = bounded(what, async {
        let mut conn = Conn::connect(addr).await.unwrap();
        let mut writer = conn.take_writer();
        let writing = tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            // The server stops reading: the write may fail, which is what it should do.
            let _ = writer.write_all(&request).await;
            writer
        });
        let reply = conn.read_reply(false).await.unwrap().expect("an answer");
        conn.closed().await.unwrap();
        drop(writing.await);
        reply
    })
    .await;
    check(addr, what, &reply, 413, &too_large).await;

    // Exactly at the limit is read (and then refused for what it is, not for its size).
    let mut body = b"Body=".to_vec();
    body.resize(LIMIT, b'a');
    let what = "a body of exactly the limit";
    row(addr, what, &post_raw(addr, &body), 400, MISSING_EVENT_TYPE).await;
}

#[tokio::test]
async fn broken_framing_rows() {
    let addr = server(None).await;
    let request = message(addr, "what the heck");
    let post = |framing| form_post(addr, signature_of(&request), framing);

    // A chunk size that is not hex: the body fails while the router reads it.
    let mut bad_chunk = post(("transfer-encoding", b"chunked"));
    bad_chunk.extend_from_slice(b"5\r\nBody=\r\nzz\r\nxx\r\n0\r\n\r\n");
    let unreadable = "could not read the request body: error reading a body from connection";
    row(addr, "a bad chunk size", &bad_chunk, 400, unreadable).await;

    // The client stops sending half-way through the body (and half-closes): still answered.
    let mut cut = post(("content-length", b"100"));
    cut.extend_from_slice(b"Body=half");
    let reply = bounded("a body cut short", async {
        let mut conn = Conn::connect(addr).await.unwrap();
        conn.write(&cut).await.unwrap();
        let mut writer = conn.take_writer();
        tokio::io::AsyncWriteExt::shutdown(&mut writer)
            .await
            .unwrap();
        conn.read_reply(false).await.unwrap().expect("an answer")
    })
    .await;
    check(addr, "a body cut short", &reply, 400, unreadable).await;

    // Framing and header bytes hyper refuses itself, with a bare 400, before the router.
    #[rustfmt::skip]
    rows(addr, vec![
        ("a Content-Length that is not a number", post(("content-length", b"ten")), 400, ""),
        ("a NUL in a header value", post(("x-twilio-signature", b"ab\0cd")), 400, ""),
    ])
    .await;
}

#[tokio::test]
async fn chunked_valid_bodies_are_answered() {
    let addr = server(None).await;
    for size in [1, 7, 64, 4096] {
        let request = message(addr, "what the heck");
        let mut bytes = form_post(
            addr,
            signature_of(&request),
            ("transfer-encoding", b"chunked"),
        );
        bytes.extend_from_slice(&chunked(request.body().as_bytes(), size));
        let what = format!("a chunked body in {size}-byte chunks");
        row(addr, &what, &bytes, 200, &masked("what the ****")).await;
    }
}

#[tokio::test]
async fn a_body_slower_than_the_body_timeout_is_408() {
    let addr = server(Some(BODY_TIMEOUT)).await;
    let request = message(addr, "what the heck");
    let length = request.body().len().to_string();
    for (what, framing) in [
        ("with a length", ("content-length", length.as_bytes())),
        ("chunked", ("transfer-encoding", &b"chunked"[..])),
    ] {
        let row_name = format!("a body trickling in {what}");
        let bytes = form_post(addr, signature_of(&request), framing);
        let body = match framing.0 {
            "content-length" => request.body().as_bytes().to_vec(),
            _ => chunked(request.body().as_bytes(), 1),
        };
        let started = Instant::now();
        let reply = bounded(&row_name, async {
            let mut conn = Conn::connect(addr).await.unwrap();
            conn.write(&bytes).await.unwrap();
            let trickle = conn.trickle(body, Duration::from_millis(100));
            let reply = conn.read_reply(false).await.unwrap().expect("an answer");
            trickle.abort();
            reply
        })
        .await;
        let elapsed = started.elapsed();
        let expected = "the request body did not arrive within 500 ms";
        check(addr, &row_name, &reply, 408, expected).await;
        assert!(
            elapsed >= BODY_TIMEOUT && elapsed < BODY_TIMEOUT + Duration::from_secs(3),
            "{row_name}: answered after {elapsed:?}"
        );
    }
}

#[tokio::test]
async fn headers_slower_than_the_header_read_timeout_are_dropped() {
    let addr = server(None).await;
    let request = wire(&message(addr, "what the heck"));
    for (what, sent) in [
        ("headers trickling in", &request[..]),
        ("a connection that sends nothing", &[][..]),
    ] {
        let started = Instant::now();
        bounded(what, async {
            let mut conn = Conn::connect(addr).await.unwrap();
            // Never the whole head: one byte every 100 ms, stopping short of the blank line.
            let head_start = sent[..sent.len().saturating_sub(4)].to_vec();
            let trickle = conn.trickle(head_start, Duration::from_millis(100));
            // hyper closes the connection without an answer when the head is late.
            let reply = conn.read_reply(false).await;
            assert!(
                matches!(reply, Ok(None)) || reply.as_ref().is_err(),
                "{what}: {reply:?}"
            );
            trickle.abort();
        })
        .await;
        let elapsed = started.elapsed();
        assert!(
            elapsed >= HEADER_READ_TIMEOUT
                && elapsed < HEADER_READ_TIMEOUT + Duration::from_secs(3),
            "{what}: closed after {elapsed:?}"
        );
        still_serving(addr, what).await;
    }
}

#[tokio::test]
async fn decoding_rows() {
    let addr = server(None).await;
    let sample = testing::sample_params("onMessageAdd").unwrap().to_form();

    // Strict decoding comes before the signature check: these are 400 with the decoder's
    // message, whatever the signature.
    for (what, suffix) in [
        ("a % at the end", &b"&Body=100%"[..]),
        ("a % without hex digits", b"&Body=%zz"),
        ("a bad escape in a name", b"&B%4=x"),
        ("%FF in a value", b"&Body=%FF"),
        ("an overlong UTF-8 escape", b"&Body=%C0%AF"),
        ("a lone surrogate escape", b"&Body=%ED%A0%80"),
        ("%FE in a name", b"&%FE=x"),
        ("a raw 0xFF byte", b"&Body=\xff"),
        ("a cut UTF-8 sequence", b"&Body=\xe2\x82"),
    ] {
        let body = [sample.as_bytes(), suffix].concat();
        let expected = form_error(&body);
        assert!(expected.starts_with("form body: "), "{what}: {expected}");
        row(addr, what, &post_raw(addr, &body), 400, &expected).await;
    }

    // NUL bytes decode to valid text: correctly signed, they reach the handler.
    let nul_value = message_params("what\0the heck\0");
    let mut nul_name = message_params("what the heck");
    nul_name.push("Extra\0Name", "x");
    nul_name.push("\0", "\0");
    let raw_nul = [
        message_params("x")
            .to_form()
            .replace("Body=x", "Body=heck\0heck")
            .as_bytes(),
        b"&\0=\0",
    ]
    .concat();
    let (nul_value_masked, masked_heck) = (masked("what\0the ****\0"), masked("what the ****"));
    let raw_nul_masked = masked("****\0****");
    #[rustfmt::skip]
    rows(addr, vec![
        ("an escaped NUL in a value", wire(&signed(addr, PATH, nul_value)), 200, &nul_value_masked),
        ("escaped NULs in names", wire(&signed(addr, PATH, nul_name)), 200, &masked_heck),
        ("raw NUL bytes in a name and a value", post_raw(addr, &raw_nul), 200, &raw_nul_masked),
    ])
    .await;
}

#[tokio::test]
async fn size_and_count_rows() {
    let addr = server(None).await;
    let bound = Duration::from_secs(5);
    let masked_heck = masked("what the ****");

    // 10,000 distinct parameters, then 10,000 values of one name: answered like any message.
    let mut many = message_params("what the heck");
    let mut repeated = message_params("what the heck");
    for index in 0..10_000 {
        many.push(&format!("Extra{index}"), &index.to_string());
        repeated.push("Extra", &index.to_string());
    }
    for (what, params) in [
        ("10,000 parameters", many),
        ("10,000 values of one name", repeated),
    ] {
        let started = Instant::now();
        let request = wire(&signed(addr, PATH, params));
        row(addr, what, &request, 200, &masked_heck).await;
        let elapsed = started.elapsed();
        assert!(elapsed < bound, "{what}: {elapsed:?}");
    }

    // A 100 KiB value and a 100 KiB name; a value of almost the whole limit in one parameter.
    let long_body = "heck ".repeat(100 * 1024 / 5);
    let long_masked = masked(&"**** ".repeat(100 * 1024 / 5));
    let mut long_name = message_params("what the heck");
    long_name.push(&"N".repeat(100 * 1024), "x");
    let huge = "a".repeat(LIMIT - 4096);
    #[rustfmt::skip]
    rows(addr, vec![
        ("a 100 KiB value", wire(&message(addr, &long_body)), 200, &long_masked),
        ("a 100 KiB name", wire(&signed(addr, PATH, long_name)), 200, &masked_heck),
        ("a value of nearly 1 MiB", wire(&message(addr, &huge)), 200, "{}"),
    ])
    .await;
}

#[tokio::test]
async fn event_type_and_empty_body_rows() {
    let addr = server(None).await;
    let with_event_type = |event_type| {
        let mut params = message_params("what the heck");
        params.push("EventType", event_type);
        wire(&signed(addr, PATH, params))
    };
    let twice = "parameter EventType appears 2 times; a webhook has exactly one";

    let empty_signed = signed(addr, PATH, Params::default());
    assert!(empty_signed.body().is_empty());
    let unsigned = with_header(empty_signed.clone(), "x-twilio-signature", &[]);
    let forged = with_header(empty_signed.clone(), "x-twilio-signature", &[b"bm9wZQ=="]);
    let mismatch = mismatch();

    let unknown = sample_replacing("onMessageAdd", &[("EventType", "onSomethingNew")]);
    #[rustfmt::skip]
    rows(addr, vec![
        ("two EventType values", with_event_type("onMessageAdd"), 400, twice),
        ("two different EventType values", with_event_type("onMessageAdded"), 400, twice),
        // An empty body: the signature is checked first (over the URL alone), then EventType.
        ("an empty body, signed", wire(&empty_signed), 400, MISSING_EVENT_TYPE),
        ("an empty body, unsigned", wire(&unsigned), 400, MISSING_SIGNATURE),
        ("an empty body, wrongly signed", wire(&forged), 403, &mismatch),
        // An unknown EventType is acknowledged, not an error.
        ("an unknown EventType", wire(&signed(addr, PATH, unknown)), 200, "{}"),
    ])
    .await;
}

#[tokio::test]
async fn non_ascii_path_and_query_rows() {
    let addr = server(None).await;
    let heck_to = |target: &str| signed(addr, target, message_params("what the heck"));
    let masked_heck = masked("what the ****");

    // A query Twilio's URL carries is signed with it, percent-encoded as sent.
    let target = format!("{PATH}?caf%C3%A9=%E2%82%AC%20%F0%9F%98%80");
    let request = wire(&heck_to(&target));

    // The same query with another encoding of the same text is another URL: not what was signed.
    let mut resent = request.clone();
    let at = find(&resent, b"%C3%A9").unwrap();
    resent.splice(at..at + 6, b"%c3%a9".iter().copied());
    let resent_mismatch = mismatch();

    // Raw UTF-8 in the query (http accepts it): signed over the URL as sent, byte for byte.
    let raw = heck_to(&format!("{PATH}?café=€ 😀").replace(' ', ""));
    assert!(!raw.uri().query().unwrap().is_ascii());
    #[rustfmt::skip]
    rows(addr, vec![
        ("a percent-encoded non-ASCII query", request, 200, &masked_heck),
        ("a query re-encoded after signing", resent, 403, &resent_mismatch),
        ("a raw UTF-8 query", wire(&raw), 200, &masked_heck),
    ])
    .await;

    // Bytes that are not UTF-8, or a NUL, in the request target: hyper refuses the request
    // line with a bare 400 before the router sees it.
    for target in [
        [PATH.as_bytes(), b"?x=\xff"].concat(),
        b"/twilio/\xffconversations".to_vec(),
        [PATH.as_bytes(), b"?x=\0"].concat(),
    ] {
        let what = format!("the target {}", String::from_utf8_lossy(&target));
        let bytes = head("POST", &target, addr, &[("content-length", b"0")]);
        let reply = exchange(addr, &what, &bytes, false).await;
        check(addr, &what, &reply, 400, "").await;
    }

    // Other paths, percent-encoded or raw UTF-8, are not the webhook's: 404 (axum's, no body).
    for path in [
        format!("{PATH}/caf%C3%A9"),
        "/twilio/conversatiöns".to_owned(),
    ] {
        let what = format!("the path {path}");
        row(addr, &what, &wire(&heck_to(&path)), 404, "").await;
    }
}

#[tokio::test]
async fn a_router_on_a_non_ascii_path() {
    let path = "/hooks/caf%C3%A9";
    let addr = server_on(path, None).await;
    let request = signed(addr, path, message_params("what the heck"));
    let reply = exchange(addr, "a non-ASCII path", &wire(&request), false).await;
    assert_eq!((reply.status, reply.text()), (200, masked("what the ****")));
}
