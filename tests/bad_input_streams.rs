//! The bad-input matrix of the Event Streams sink, over real HTTP: a sink served the way the
//! example servers serve (hyper HTTP/1.1, header read timeout, connection limit), driven with raw
//! bytes over `TcpStream`.
//!
//! Each row sends one delivery on a fresh connection and expects its documented status: never a
//! 5xx, a panic or a hang; afterwards a valid signed delivery still gets 200. Every exchange is
//! bounded in time.

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::raw::{head, serve_webhooks_like_examples, Conn, RawReply};
use common::{bounded, url, TOKEN};
use serde_json::json;
use sha2::{Digest, Sha256};
use twilio_webhooks::handler::State;
use twilio_webhooks::signature::compute_signature;
use twilio_webhooks::streams::BatchItem;
use twilio_webhooks::testing::EventBatch;
use twilio_webhooks::Webhooks;

const EVENTS: &str = "/twilio/events";

/// How many events the sink's handler saw.
#[derive(Clone, Default)]
struct Count(Arc<AtomicUsize>);

async fn count(_: BatchItem, State(count): State<Count>) {
    count.0.fetch_add(1, Ordering::Relaxed);
}

async fn sink() -> (SocketAddr, Count) {
    let counted = Count::default();
    let addr = serve_webhooks_like_examples(
        Webhooks::new().stream_event(count),
        counted.clone(),
        Duration::from_secs(1),
        None,
    )
    .await;
    (addr, counted)
}

fn hex_sha256(body: &[u8]) -> String {
    Sha256::digest(body)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A POST of `body` to the events path, with `query` as the query and a signature over that URL.
fn delivery_with_query(addr: SocketAddr, query: &str, content_type: &[u8], body: &[u8]) -> Vec<u8> {
    let target = format!("{EVENTS}?{query}");
    let signature = compute_signature(&url(addr, &target), [], TOKEN);
    let length = body.len().to_string();
    let mut bytes = head(
        "POST",
        target.as_bytes(),
        addr,
        &[
            ("content-type", content_type),
            ("x-twilio-signature", signature.as_bytes()),
            ("content-length", length.as_bytes()),
        ],
    );
    bytes.extend_from_slice(body);
    bytes
}

/// A correctly signed JSON delivery of `body`, whatever its bytes.
fn delivery(addr: SocketAddr, body: &[u8]) -> Vec<u8> {
    let query = format!("bodySHA256={}", hex_sha256(body));
    delivery_with_query(addr, &query, b"application/json", body)
}

async fn exchange(addr: SocketAddr, what: &str, bytes: &[u8]) -> RawReply {
    bounded(what, async {
        let mut conn = Conn::connect(addr).await.expect("connect");
        conn.write(bytes).await.expect("write the request");
        conn.read_reply(false)
            .await
            .expect("read the answer")
            .unwrap_or_else(|| panic!("{what}: closed without an answer"))
    })
    .await
}

/// Sends one row; checks it is never a 5xx and is `status`, with `body_has` in the answer; then
/// that a valid delivery still gets 200.
async fn row(addr: SocketAddr, what: &str, bytes: &[u8], status: u16, body_has: &str) {
    let reply = exchange(addr, what, bytes).await;
    assert!(reply.status < 500, "{what}: a server error: {reply:?}");
    assert_eq!(reply.status, status, "{what}: {}", reply.text());
    assert!(reply.text().contains(body_has), "{what}: {}", reply.text());
    let valid = EventBatch::new()
        .sample("com.twilio.conversations.user.added")
        .to_json();
    let after = exchange(addr, "a valid delivery", &delivery(addr, valid.as_bytes())).await;
    assert_eq!(
        after.status,
        200,
        "a valid delivery after {what}: {}",
        after.text()
    );
}

#[tokio::test]
async fn malformed_bodies_are_400_and_odd_but_valid_ones_200() {
    let (addr, counted) = sink().await;

    let mut not_utf8 = br#"[{"id":"EZ1","type":"com.example.x","data":{"text":""#.to_vec();
    not_utf8.extend_from_slice(b"\xff\xfe\"}}]");
    row(
        addr,
        "a body that is not UTF-8",
        &delivery(addr, &not_utf8),
        400,
        "invalid unicode",
    )
    .await;

    // Data of an unknown type is kept as received: any depth is a 200. In a known type's
    // `Attributes`, the event is handled or set aside as invalid, and the batch is a 200 either
    // way. Neither overflows the stack.
    let depth = 1_000_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let deep = format!(r#"[{{"id":"EZ2","type":"com.example.x","data":{nested}}}]"#);
    row(
        addr,
        "unknown data nested 1,000,000 deep",
        &delivery(addr, deep.as_bytes()),
        200,
        "",
    )
    .await;
    let deep_attributes = EventBatch::new()
        .sample_with(
            "com.twilio.conversations.message.added",
            [(
                "Attributes",
                serde_json::from_str::<serde_json::Value>("[]").unwrap(),
            )],
        )
        .to_json()
        .replace(r#""Attributes":[]"#, &format!(r#""Attributes":{nested}"#));
    row(
        addr,
        "attributes nested 1,000,000 deep",
        &delivery(addr, deep_attributes.as_bytes()),
        200,
        "",
    )
    .await;

    let before = counted.0.load(Ordering::Relaxed);
    let huge = EventBatch::new()
        .sample_with(
            "com.twilio.conversations.message.added",
            [("MessageBody", json!("x".repeat(1024 * 1024)))],
        )
        .to_json();
    row(
        addr,
        "a 1 MB string",
        &delivery(addr, huge.as_bytes()),
        200,
        "",
    )
    .await;
    assert_eq!(
        counted.0.load(Ordering::Relaxed),
        before + 2,
        "the big event (and the check's) handled"
    );

    let duplicated = EventBatch::new()
        .sample("com.twilio.conversations.user.added")
        .with_id("EZ-same")
        .sample("com.twilio.conversations.user.added")
        .with_id("EZ-same")
        .to_json();
    row(
        addr,
        "duplicate ids in one batch",
        &delivery(addr, duplicated.as_bytes()),
        200,
        "",
    )
    .await;

    for (what, body, has) in [
        ("an empty body", &b""[..], "line 1"),
        ("a JSON string", br#""hello""#, "CloudEvent"),
        (
            "an event without an id",
            br#"[{"type":"x","data":{}}]"#,
            "id",
        ),
        (
            "an event without data",
            br#"[{"id":"EZ3","type":"x"}]"#,
            "data",
        ),
        ("trailing bytes", br#"[] x"#, "trailing"),
    ] {
        row(addr, what, &delivery(addr, body), 400, has).await;
    }
}

#[tokio::test]
async fn a_hundred_thousand_events_are_handled_within_the_bound() {
    let (addr, counted) = sink().await;
    let events: Vec<String> = (0..100_000)
        .map(|n| format!(r#"{{"id":"load-{n}","type":"com.example.x","data":{{}}}}"#))
        .collect();
    let body = format!("[{}]", events.join(","));
    assert!(body.len() < twilio_webhooks::router::DEFAULT_EVENTS_BODY_LIMIT);
    row(
        addr,
        "100,000 events",
        &delivery(addr, body.as_bytes()),
        200,
        "",
    )
    .await;
    // Each once, and one for the check after the row.
    assert_eq!(counted.0.load(Ordering::Relaxed), 100_001);
}

#[tokio::test]
async fn what_the_signature_does_not_cover_is_refused() {
    let (addr, counted) = sink().await;
    let good = EventBatch::new()
        .sample("com.twilio.conversations.user.added")
        .to_json();
    let hash = hex_sha256(good.as_bytes());

    row(
        addr,
        "a wrong content type",
        &delivery_with_query(
            addr,
            &format!("bodySHA256={hash}"),
            b"text/plain",
            good.as_bytes(),
        ),
        415,
        "application/json",
    )
    .await;

    let tampered = good.replace("user.added", "user.updated");
    row(
        addr,
        "a body changed after signing",
        &delivery_with_query(
            addr,
            &format!("bodySHA256={hash}"),
            b"application/json",
            tampered.as_bytes(),
        ),
        403,
        "body does not match bodySHA256",
    )
    .await;

    row(
        addr,
        "no bodySHA256",
        &delivery_with_query(addr, "other=1", b"application/json", good.as_bytes()),
        403,
        "body not covered by the signature",
    )
    .await;

    row(
        addr,
        "bodySHA256 given twice",
        &delivery_with_query(
            addr,
            &format!("bodySHA256={hash}&bodySHA256={hash}"),
            b"application/json",
            good.as_bytes(),
        ),
        400,
        "bodySHA256 given more than once",
    )
    .await;

    // Only the valid checks after each row reached the handler.
    assert_eq!(counted.0.load(Ordering::Relaxed), 4);
}
