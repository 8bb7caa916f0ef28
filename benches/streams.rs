//! Event Streams: a realistic 100-event delivery, verified (`validate_body`: the URL's HMAC and
//! the body's SHA-256) and parsed into typed events, next to `serde_json`'s untyped parse of the
//! same bytes (`Vec<serde_json::Value>`), all in MB/s.
//!
//! `cargo bench --bench streams -- --warm-up-time 1 --measurement-time 3`

// `criterion_group!` generates an undocumented `pub fn`.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use serde_json::json;
use twilio_webhooks::signature::{validate_body, Keyring};
use twilio_webhooks::streams::{parse_batch, Batch, Event};
use twilio_webhooks::testing::EventBatch;

const TOKEN: &str = "bench-auth-token";
const URL: &str = "https://hooks.example.com/twilio/events";

/// What a busy support account's sink receives: mostly messages, with participants,
/// conversation changes, users, and a Studio IVR's executions and steps.
fn delivery() -> EventBatch {
    let bodies = [
        "ok",
        "Hi, my order 1042 arrived damaged",
        "Thanks! Could you send a photo of the box and the item? We will arrange a replacement right away.",
        "Sure, here it is. The corner is crushed and the lid does not close anymore, which is a shame because it was a gift.",
    ];
    let mut batch = EventBatch::new();
    for n in 0..100u64 {
        batch = match n % 20 {
            0..=7 => batch.sample_with(
                "com.twilio.conversations.message.added",
                [
                    ("MessageBody", json!(bodies[(n % 4) as usize])),
                    ("Index", json!(n)),
                ],
            ),
            8 | 9 => batch.sample_with(
                "com.twilio.conversations.message.updated",
                [("MessageBody", json!(bodies[3]))],
            ),
            10 => batch.sample("com.twilio.conversations.participant.added"),
            11 => batch.sample("com.twilio.conversations.participant.updated"),
            12 => batch.sample("com.twilio.conversations.conversation.added"),
            13 => batch.sample("com.twilio.conversations.conversation-state.updated"),
            14 => batch.sample("com.twilio.conversations.user.updated"),
            15 => batch.sample("com.twilio.studio.flow.execution.started"),
            16 | 17 => batch.sample("com.twilio.studio.flow.step.ended"),
            18 => batch.sample("com.twilio.studio.flow.execution.ended"),
            _ => batch.sample("com.twilio.conversations.message.removed"),
        };
    }
    batch
}

/// The dispatch stage: look at each event's variant, as a router does to pick its handler.
fn dispatch(batch: &Batch) -> [usize; 4] {
    let mut counts = [0; 4];
    for item in batch {
        let slot = match item {
            Ok(event) => match &event.data {
                Event::MessageAdded(_) | Event::MessageUpdated(_) | Event::MessageRemoved(_) => 0,
                Event::ExecutionStarted(_) | Event::ExecutionEnded(_) | Event::StepEnded(_) => 1,
                _ => 2,
            },
            Err(_) => 3,
        };
        counts[slot] += 1;
    }
    counts
}

fn streams(c: &mut Criterion) {
    let request = delivery()
        .request(URL, TOKEN)
        .expect("the bench URL is valid");
    let (parts, body) = request.into_parts();
    let url = format!("https://hooks.example.com{}", parts.uri);
    let signature = parts.headers["x-twilio-signature"]
        .to_str()
        .unwrap()
        .to_owned();
    let keyring = Keyring::from_tokens(TOKEN).unwrap();
    let body = body.into_bytes();
    // Sanity: the delivery verifies and every event parses.
    validate_body(&url, &body, &signature, &keyring).unwrap();
    let parsed = parse_batch(&body).unwrap();
    assert_eq!(parsed.len(), 100);
    assert_eq!(parsed.invalid().count(), 0);
    assert_eq!(dispatch(&parsed), [55, 20, 25, 0]);

    let mut group = c.benchmark_group(format!("streams/100 events, {} bytes", body.len()));
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("serde_json::from_slice::<Vec<Value>>", |b| {
        b.iter(|| serde_json::from_slice::<Vec<serde_json::Value>>(black_box(&body)).unwrap())
    });
    group.bench_function("parse_batch", |b| {
        b.iter(|| parse_batch(black_box(&body)).unwrap())
    });
    group.bench_function("validate_body + parse_batch", |b| {
        b.iter(|| {
            validate_body(black_box(&url), black_box(&body), &signature, &keyring).unwrap();
            parse_batch(black_box(&body)).unwrap()
        })
    });
    group.bench_function("validate_body + parse_batch + dispatch", |b| {
        b.iter(|| {
            validate_body(black_box(&url), black_box(&body), &signature, &keyring).unwrap();
            dispatch(&parse_batch(black_box(&body)).unwrap())
        })
    });
    group.bench_function("validate_body", |b| {
        b.iter(|| validate_body(black_box(&url), black_box(&body), &signature, &keyring).unwrap())
    });
    group.finish();
}

criterion_group!(benches, streams);
criterion_main!(benches);
