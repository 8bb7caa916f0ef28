//! Parsing: decoding a form body, and each of the 23 event types from its sample body.
//!
//! `cargo bench --bench parse`

// `criterion_group!` generates an undocumented `pub fn`.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use twilio_webhooks::conversations::Attributes;
use twilio_webhooks::conversations::Media;
use twilio_webhooks::conversations::OnMessageAdd;
use twilio_webhooks::testing::{sample_params, EVENT_TYPES};
use twilio_webhooks::{ConversationsEvent, Event, Params};

#[path = "common/mod.rs"]
mod common;

fn decode(c: &mut Criterion) {
    let form = common::message_add(common::MESSAGE_BODY).to_form();
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(form.len() as u64));
    group.bench_function("Params::parse/onMessageAdd", |b| {
        b.iter(|| Params::parse(black_box(form.as_bytes())).unwrap())
    });
    group.finish();

    // The typical onMessageAdd from decoded parameters, and its two JSON-valued parameters.
    let params = common::message_add(common::MESSAGE_BODY);
    let mut group = c.benchmark_group("typed");
    group.bench_function("OnMessageAdd::from_params", |b| {
        b.iter(|| OnMessageAdd::from_params(black_box(&params)).unwrap())
    });
    let attributes = params.get("Attributes").unwrap();
    // Kept as text when the event is parsed; the JSON is parsed when a handler reads it.
    group.bench_function("Attributes", |b| {
        b.iter(|| Attributes::from_text(black_box(attributes)))
    });
    group.bench_function("Attributes+json", |b| {
        b.iter(|| {
            Attributes::from_text(black_box(attributes))
                .json()
                .is_some()
        })
    });
    let media = params.get("Media").unwrap();
    group.bench_function("Media", |b| {
        b.iter(|| serde_json::from_str::<Vec<Media>>(black_box(media)).unwrap())
    });
    group.finish();
}

fn events(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for event_type in EVENT_TYPES {
        let form = sample_params(event_type).unwrap().to_form();
        group.throughput(Throughput::Bytes(form.len() as u64));
        group.bench_function(event_type, |b| {
            b.iter(|| Event::from_form(black_box(form.as_bytes())).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, decode, events);
criterion_main!(benches);
