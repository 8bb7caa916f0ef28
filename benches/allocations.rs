//! Heap allocations per request, counted by a counting global allocator.
//!
//! `cargo bench --bench allocations`
//!
//! Prints, for each step of the request path and for the whole service path, the allocations
//! (including reallocations) and bytes allocated per request, averaged over many requests after a
//! warm-up. Everything runs on one thread (a current-thread runtime), so the counts are this
//! request's alone; the requests themselves are built before counting starts.

use std::alloc::System;

use http::Request;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use tower::ServiceExt;
use twilio_webhooks::conversations::Attributes;
use twilio_webhooks::conversations::Media;
use twilio_webhooks::conversations::OnMessageAdd;
use twilio_webhooks::testing::sample_params;
use twilio_webhooks::{ConversationsEvent, Event, Params};

#[path = "common/mod.rs"]
mod common;

use common::filter;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const ROUNDS: usize = 1_000;

/// Allocations and bytes per call of `step`, after a warm-up.
fn count<T>(mut step: impl FnMut() -> T) -> (f64, f64) {
    for _ in 0..100 {
        drop(std::hint::black_box(step()));
    }
    let region = Region::new(GLOBAL);
    for _ in 0..ROUNDS {
        drop(std::hint::black_box(step()));
    }
    let stats = region.change();
    let n = ROUNDS as f64;
    (
        (stats.allocations + stats.reallocations) as f64 / n,
        stats.bytes_allocated as f64 / n,
    )
}

/// The same for one request each through a service, requests built beforehand.
fn count_requests<B, F, Fut>(
    rt: &tokio::runtime::Runtime,
    make: impl Fn() -> Request<B>,
    mut call: F,
) -> (f64, f64)
where
    F: FnMut(Request<B>) -> Fut,
    Fut: std::future::Future,
{
    let warm: Vec<_> = (0..100).map(|_| make()).collect();
    for request in warm {
        drop(rt.block_on(call(request)));
    }
    let requests: Vec<_> = (0..ROUNDS).map(|_| make()).collect();
    let region = Region::new(GLOBAL);
    for request in requests {
        drop(rt.block_on(call(request)));
    }
    let stats = region.change();
    let n = ROUNDS as f64;
    (
        (stats.allocations + stats.reallocations) as f64 / n,
        stats.bytes_allocated as f64 / n,
    )
}

fn row(what: &str, (allocations, bytes): (f64, f64)) {
    println!("| {what:<64} | {allocations:>11.1} | {bytes:>9.0} |");
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not supported here.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let validator = common::validator();
    let params = common::message_add(common::MESSAGE_BODY);
    let request = common::signed_request(&params);
    let (parts, body) = request.into_parts();
    let form = body.as_bytes();

    println!(
        "typical onMessageAdd: {} bytes of form, {} parameters",
        form.len(),
        params.len()
    );
    println!();
    println!(
        "| {:<64} | {:>11} | {:>9} |",
        "per request", "allocations", "bytes"
    );
    println!("| {:-<64} | {:->11} | {:->9} |", "", "", "");
    row("Params::parse", count(|| Params::parse(form).unwrap()));
    row(
        "signature: Validator::verify (decoded params)",
        count(|| validator.verify(&parts, &params, form).unwrap()),
    );
    row(
        "event parse: OnMessageAdd::from_params",
        count(|| OnMessageAdd::from_params(&params).unwrap()),
    );
    let attributes = params.get("Attributes").unwrap();
    row(
        "  of which Attributes (JSON object, 1 key)",
        count(|| Attributes::from_text(attributes)),
    );
    let media = params.get("Media").unwrap();
    row(
        "  of which Media (JSON array, 1 item)",
        count(|| serde_json::from_str::<Vec<Media>>(media).unwrap()),
    );
    row(
        "event parse: Event::from_params",
        count(|| Event::from_params(&params).unwrap()),
    );
    row(
        "decode + signature + parse (Event)",
        count(|| {
            let params = Params::parse(form).unwrap();
            validator.verify(&parts, &params, form).unwrap();
            Event::from_params(&params).unwrap()
        }),
    );

    let filter = filter::Filter::new(filter::DEFAULT_WORDS.iter(), ["blocked-author"]);
    let (service, router) = common::filter_service(&filter);
    let idempotent = common::filter_service_idempotent(&filter);
    let cases = [
        ("onMessageAdd, masked (modify)", params.clone()),
        (
            "onMessageAdd, clean (accept)",
            common::message_add(common::CLEAN_BODY),
        ),
        (
            "onMessageAdded, no handler (ack)",
            sample_params("onMessageAdded").unwrap(),
        ),
    ];
    for (name, params) in cases {
        let (parts, body) = common::signed_request(&params).into_parts();
        let make = || Request::from_parts(parts.clone(), body.clone());
        let check = rt.block_on(service.clone().oneshot(make())).unwrap();
        assert_eq!(check.status(), 200, "{name}");
        row(
            &format!("service (tower oneshot): {name}"),
            count_requests(&rt, make, |request| service.clone().oneshot(request)),
        );
        // Duplicate suppression on (in memory, its default), each request a new delivery.
        row(
            &format!("service + idempotency (tower oneshot): {name}"),
            count_requests(
                &rt,
                || common::with_fresh_token(make()),
                |request| idempotent.clone().oneshot(request),
            ),
        );
        row(
            &format!("service (axum Router oneshot): {name}"),
            count_requests(
                &rt,
                || make().map(axum::body::Body::from),
                |request| router.clone().oneshot(request),
            ),
        );
    }
    println!();
    println!("profanity handler alone (Filter::message_decision, masked):");
    row(
        "Filter::message_decision",
        count(|| filter.message_decision("alice", common::MESSAGE_BODY)),
    );
}
