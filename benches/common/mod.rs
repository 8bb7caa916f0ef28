//! What the benches share: a typical `onMessageAdd`, its URL and auth token, signed requests, and
//! the profanity filter example's webhooks.

#![allow(dead_code)]

/// The profanity filter example's handlers.
#[path = "../../examples/profanity_filter/filter.rs"]
pub mod filter;

use http::Request;
use twilio_webhooks::router::WebhookService;
use twilio_webhooks::signature::Validator;
use twilio_webhooks::testing::{self, sample_params};
use twilio_webhooks::Params;

/// An auth token shaped like Twilio's (32 hex digits).
pub const AUTH_TOKEN: &str = "9f1d3c5e7a9b2d4f6a8c0e1b3d5f7a9c";

/// The public base URL Twilio is configured with.
pub const PUBLIC_URL: &str = "https://hooks.example.com";

/// The path the webhooks arrive at.
pub const PATH: &str = "/twilio/conversations";

/// The full URL Twilio signs.
pub const URL: &str = "https://hooks.example.com/twilio/conversations";

/// The message body of the typical request: one listed word (`heck`) to mask.
pub const MESSAGE_BODY: &str =
    "Hi Alice, the replacement for order 1042 still has not arrived and the tracking page says \
     \"delivered\". What the heck? Can you check with the courier, please?";

/// The same length, nothing to mask.
pub const CLEAN_BODY: &str =
    "Hi Alice, the replacement for order 1042 still has not arrived and the tracking page says \
     \"delivered\". What is up?! Can you check with the courier, please?";

/// The masked body the filter answers with.
pub const MASKED_BODY: &str =
    "Hi Alice, the replacement for order 1042 still has not arrived and the tracking page says \
     \"delivered\". What the ****? Can you check with the courier, please?";

/// A typical `onMessageAdd` as Twilio posts it from an SDK client: the common parameters, the
/// conversation, a two-sentence body, author, participant, attributes, one attached photo and
/// `RetryCount`. About 600 bytes form-encoded.
pub fn message_add(body: &str) -> Params {
    let sample = sample_params("onMessageAdd").expect("onMessageAdd sample");
    let mut params = Params::default();
    for (name, value) in sample.iter() {
        params.push(name, if name == "Body" { body } else { value });
    }
    params.push("RetryCount", "0");
    params
}

/// The validator the benches use: the auth token and the public URL.
pub fn validator() -> Validator {
    Validator::from_auth_tokens(AUTH_TOKEN)
        .expect("auth token")
        .public_url(PUBLIC_URL)
        .expect("public URL")
}

/// The profanity filter example's webhooks with [`validator`] and `filter` as their state: as a
/// tower service and as an axum router. Without duplicate suppression: the benches send one
/// request over and over, which with it on would be replays (see [`filter_service_idempotent`]).
pub fn filter_service(filter: &filter::Filter) -> (WebhookService<filter::Filter>, axum::Router) {
    let service = filter::webhooks()
        .validator(validator())
        .without_idempotency()
        .into_service(filter.clone())
        .unwrap();
    let router = filter::webhooks()
        .validator(validator())
        .without_idempotency()
        .into_router()
        .unwrap()
        .with_state(filter.clone());
    (service, router)
}

/// The profanity filter example's webhooks as a tower service with duplicate suppression on (the
/// default, in memory): send each request with [`with_fresh_token`].
#[allow(dead_code)] // not every bench uses it
pub fn filter_service_idempotent(filter: &filter::Filter) -> WebhookService<filter::Filter> {
    filter::webhooks()
        .validator(validator())
        .into_service(filter.clone())
        .unwrap()
}

/// `request` with an `I-Twilio-Idempotency-Token` no earlier request had: a new delivery.
#[allow(dead_code)] // not every bench uses it
pub fn with_fresh_token<B>(mut request: Request<B>) -> Request<B> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let token = http::HeaderValue::from_str(&format!("bench-{n:016x}")).expect("ASCII");
    request
        .headers_mut()
        .insert("i-twilio-idempotency-token", token);
    request
}

/// A signed POST of `params` to [`URL`] as Twilio sends it: request target, `Host`, content
/// type, signature, and the headers Twilio adds (user agent, idempotency token).
pub fn signed_request(params: &Params) -> Request<String> {
    let (mut parts, body) = testing::signed_request(URL, params, AUTH_TOKEN)
        .expect("the bench URL is valid")
        .into_parts();
    parts.headers.insert(
        http::header::USER_AGENT,
        http::HeaderValue::from_static("TwilioProxy/1.1"),
    );
    parts.headers.insert(
        "i-twilio-idempotency-token",
        http::HeaderValue::from_static("8a9c36b2-2f5b-4d8e-a1f0-3c6d9e2b7f10"),
    );
    Request::from_parts(parts, body)
}
