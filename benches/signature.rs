//! Signature validation of a typical `onMessageAdd` (about 600 bytes of form) and of a 64 KiB
//! body, and validation plus parsing of the typical request together (the library's whole cost
//! before the handler runs).
//!
//! `cargo bench --bench signature`

// `criterion_group!` generates an undocumented `pub fn`.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use twilio_webhooks::signature::{validate, Keyring};
use twilio_webhooks::{ConversationsEvent, Event, Params};

#[path = "common/mod.rs"]
mod common;

/// A message body that makes the form body 64 KiB.
fn large_params() -> Params {
    let base = common::message_add("").to_form().len();
    let sentence = "The quick brown fox jumps over the lazy dog. ";
    let mut body = sentence.repeat(64 * 1024 / sentence.len() + 1);
    // Spaces encode as `+` (one byte), so the encoded body is as long as the text.
    body.truncate(64 * 1024 - base);
    let params = common::message_add(&body);
    assert_eq!(params.to_form().len(), 64 * 1024);
    params
}

fn signature(c: &mut Criterion) {
    let validator = common::validator();
    let keyring = Keyring::from_tokens(common::AUTH_TOKEN).unwrap();
    let mut group = c.benchmark_group("signature");
    for (name, params) in [
        ("onMessageAdd", common::message_add(common::MESSAGE_BODY)),
        ("64KiB", large_params()),
    ] {
        let (parts, body) = common::signed_request(&params).into_parts();
        let signature = parts.headers["x-twilio-signature"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(validator.verify(&parts, &params, body.as_bytes()), Ok(()));
        group.throughput(Throughput::Bytes(body.len() as u64));
        // What the router runs: headers, the signed URL rebuilt, HMAC over the decoded params.
        group.bench_function(format!("Validator::verify/{name}"), |b| {
            b.iter(|| validator.verify(black_box(&parts), black_box(&params), body.as_bytes()))
        });
        // The framework-free function, given the URL and decoded parameters.
        group.bench_function(format!("validate/{name}"), |b| {
            b.iter(|| validate(common::URL, black_box(&params), &signature, &keyring))
        });
    }
    group.finish();
}

fn signature_and_parse(c: &mut Criterion) {
    let validator = common::validator();
    let params = common::message_add(common::MESSAGE_BODY);
    let (parts, body) = common::signed_request(&params).into_parts();
    let mut group = c.benchmark_group("signature+parse");
    group.throughput(Throughput::Bytes(body.len() as u64));
    // Decode once, check the signature over the decoded list, parse the event from it.
    group.bench_function("onMessageAdd/Event", |b| {
        b.iter(|| {
            let params = Params::parse(black_box(body.as_bytes())).unwrap();
            validator.verify(&parts, &params, body.as_bytes()).unwrap();
            Event::from_params(&params).unwrap()
        })
    });
    group.bench_function("onMessageAdd/OnMessageAdd", |b| {
        b.iter(|| {
            let params = Params::parse(black_box(body.as_bytes())).unwrap();
            validator.verify(&parts, &params, body.as_bytes()).unwrap();
            twilio_webhooks::conversations::OnMessageAdd::from_params(&params).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, signature, signature_and_parse);
criterion_main!(benches);
