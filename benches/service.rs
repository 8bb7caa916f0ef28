//! The whole service path for one request, in process: signature, parse, dispatch, the
//! profanity filter's handler, response; through `tower::ServiceExt::oneshot`.
//!
//! `cargo bench --bench service`

// `criterion_group!` generates an undocumented `pub fn`.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use http::Request;
use tower::ServiceExt;
use twilio_webhooks::testing::sample_params;
use twilio_webhooks::Params;

#[path = "common/mod.rs"]
mod common;

use common::filter;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The requests: a message to mask (modify), a clean one (accept), a post-action event nobody
/// handles (acknowledge).
fn cases() -> Vec<(&'static str, Params, u16, &'static str)> {
    vec![
        (
            "onMessageAdd/modify",
            common::message_add(common::MESSAGE_BODY),
            200,
            "{\"body\":",
        ),
        (
            "onMessageAdd/accept",
            common::message_add(common::CLEAN_BODY),
            200,
            "{}",
        ),
        (
            "onMessageAdded/ack",
            sample_params("onMessageAdded").unwrap(),
            200,
            "{}",
        ),
    ]
}

fn service(c: &mut Criterion) {
    let rt = runtime();
    let filter = filter::Filter::new(filter::DEFAULT_WORDS.iter(), ["blocked-author"]);
    let (service, router) = common::filter_service(&filter);
    let idempotent = common::filter_service_idempotent(&filter);

    let mut group = c.benchmark_group("service");
    for (name, params, status, answer) in cases() {
        let (parts, body) = common::signed_request(&params).into_parts();
        let request = || Request::from_parts(parts.clone(), body.clone());

        // Check the answer once, outside the measurement.
        let response = rt.block_on(service.clone().oneshot(request())).unwrap();
        assert_eq!(response.status(), status, "{name}");
        let bytes = rt
            .block_on(http_body_util::BodyExt::collect(response.into_body()))
            .unwrap()
            .to_bytes();
        assert!(bytes.starts_with(answer.as_bytes()), "{name}: {bytes:?}");

        group.bench_function(format!("tower/{name}"), |b| {
            b.to_async(&rt).iter_batched(
                request,
                |request| service.clone().oneshot(request),
                BatchSize::SmallInput,
            )
        });
        // Duplicate suppression on (in memory), each request a new delivery: claim + complete.
        group.bench_function(format!("tower+idempotency/{name}"), |b| {
            b.to_async(&rt).iter_batched(
                || common::with_fresh_token(request()),
                |request| idempotent.clone().oneshot(request),
                BatchSize::SmallInput,
            )
        });
        group.bench_function(format!("axum/{name}"), |b| {
            b.to_async(&rt).iter_batched(
                || request().map(axum::body::Body::from),
                |request| router.clone().oneshot(request),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, service);
criterion_main!(benches);
