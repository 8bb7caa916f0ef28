//! The router's semantics with small handlers: in process with `tower::ServiceExt::oneshot`, and
//! over real HTTP on 127.0.0.1 as an axum `Router` (alone and nested), as a `Layer` over another
//! service, and with hyper directly.

mod common;

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use common::{
    bounded, plain_get, sample_replacing, sample_with, send, send_sample, serve, signed, signed_by,
    url, PATH, TOKEN,
};
use http::{Request, StatusCode};
use http_body::Frame;
use http_body_util::BodyExt;
use tokio::net::TcpListener;
use tower::ServiceExt;
use twilio_webhooks::conversations::{
    OnConversationAdd, OnMessageAdd, OnMessageAdded, OnMessageUpdate, OnParticipantAdded,
    OnUserAdded,
};
use twilio_webhooks::handler::{Delivery, State};
use twilio_webhooks::router::{
    BuildError, DeadlineOutcome, WebhookService, Webhooks, DEFAULT_DEADLINE, DEFAULT_PATH,
};
use twilio_webhooks::testing::{self, TestRequest};
use twilio_webhooks::{
    Decision, DecisionFor, Event, Params, PostActionEvent, PreActionEvent, Rejection, Validator,
};

/// The URL in-process requests are signed over.
const LOCAL_URL: &str = "http://example.com/twilio/conversations";

fn validator() -> Validator {
    Validator::from_auth_tokens(TOKEN).unwrap()
}

/// A router with a validator for [`TOKEN`].
fn webhooks<S: Clone + Send + Sync + 'static>() -> Webhooks<S> {
    Webhooks::new().validator(validator())
}

/// A router with the [`slow`] handler and this deadline.
fn slow_webhooks(deadline_millis: u64) -> Webhooks<Seen> {
    webhooks()
        .deadline(Duration::from_millis(deadline_millis))
        .pre_action(slow)
}

/// What handlers saw, shared through the router's state.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>);

impl Seen {
    fn push(&self, entry: impl Into<String>) {
        self.0.lock().unwrap().push(entry.into());
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// Sends `request` through `service` in process and returns (status, body).
async fn call(
    service: &WebhookService<impl Clone + Send + Sync + 'static>,
    request: Request<String>,
) -> (u16, String) {
    let (status, _, body) = call_full(service, request).await;
    (status, body)
}

/// As [`call`], with the headers.
async fn call_full<S: Clone + Send + Sync + 'static>(
    service: &WebhookService<S>,
    request: Request<String>,
) -> (u16, http::HeaderMap, String) {
    bounded("a oneshot call", async {
        let response = service.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let body = body.collect().await.unwrap().to_bytes();
        (
            parts.status.as_u16(),
            parts.headers,
            String::from_utf8(body.to_vec()).unwrap(),
        )
    })
    .await
}

/// A request for the sample of `event_type`, signed over [`LOCAL_URL`].
fn sample_request(event_type: &str) -> Request<String> {
    testing::signed_event_request(LOCAL_URL, event_type, TOKEN).unwrap()
}

/// A request for `params`, signed over [`LOCAL_URL`].
fn local(params: Params) -> Request<String> {
    TestRequest::new(LOCAL_URL, TOKEN).params(params).build()
}

fn message_add(body: &str) -> Request<String> {
    local(sample_replacing("onMessageAdd", &[("Body", body)]))
}

// Handlers.

async fn accept(_: OnMessageAdd) -> DecisionFor<OnMessageAdd> {
    Decision::accept()
}

async fn shout(message: OnMessageAdd) -> DecisionFor<OnMessageAdd> {
    Decision::modify_body(message.body.to_uppercase())
}

/// Takes as long as the body says (in milliseconds), then modifies.
async fn slow(message: OnMessageAdd, State(seen): State<Seen>) -> DecisionFor<OnMessageAdd> {
    let millis: u64 = message.body.parse().unwrap();
    tokio::time::sleep(Duration::from_millis(millis)).await;
    seen.push("slow handler finished");
    Decision::modify_body("in time")
}

async fn slow_post(_: OnMessageAdded, State(seen): State<Seen>) {
    tokio::time::sleep(Duration::from_millis(300)).await;
    seen.push("post-action handler finished");
}

async fn failing(message: OnMessageAdd) -> Result<DecisionFor<OnMessageAdd>, std::io::Error> {
    match message.body.as_str() {
        "fail" => Err(std::io::Error::other("the database is down")),
        _ => Ok(Decision::accept()),
    }
}

async fn failing_post(_: OnMessageAdded) -> Result<(), String> {
    Err("could not store it".to_owned())
}

async fn panicking(message: OnMessageAdd) -> DecisionFor<OnMessageAdd> {
    if message.body == "panic" {
        panic!("the handler panicked on purpose");
    }
    Decision::modify_body("survived")
}

async fn panicking_post(_: OnUserAdded) {
    panic!("the post-action handler panicked on purpose");
}

async fn rejecting(message: OnMessageAdd) -> DecisionFor<OnMessageAdd> {
    match message.body.as_str() {
        "422" => Rejection::with_status(StatusCode::UNPROCESSABLE_ENTITY)
            .unwrap()
            .reason("unprocessable")
            .into(),
        _ => Decision::reject_because("not today"),
    }
}

async fn rename(_: OnConversationAdd) -> DecisionFor<OnConversationAdd> {
    Decision::rename("Renamed")
}

async fn index_of(message: OnMessageUpdate) -> DecisionFor<OnMessageUpdate> {
    Decision::modify_body(format!("index {}", message.index))
}

async fn record_delivery(message: OnMessageAdded, delivery: Delivery, State(seen): State<Seen>) {
    seen.push(format!(
        "{} token={:?} retry={:?} params={}",
        message.body,
        delivery.idempotency_token,
        delivery.retry_count,
        delivery.params.len()
    ));
}

async fn record_delivery_state_first(
    participant: OnParticipantAdded,
    State(seen): State<Seen>,
    delivery: Delivery,
) {
    seen.push(format!(
        "{} token={:?}",
        participant.participant_sid, delivery.idempotency_token
    ));
}

async fn record_message(message: OnMessageAdded, State(seen): State<Seen>) {
    seen.push(message.body);
}

async fn record_any_post(event: PostActionEvent, State(seen): State<Seen>) {
    seen.push(event.event_type());
}

// Deadlines.

#[tokio::test]
async fn a_missed_deadline_accepts_by_default() {
    let seen = Seen::default();
    let service = slow_webhooks(100).into_service(seen.clone()).unwrap();
    let started = Instant::now();
    assert_eq!(
        call(&service, message_add("8000")).await,
        (200, "{}".to_owned())
    );
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(100) && elapsed < Duration::from_millis(4000),
        "{elapsed:?}"
    );
    // A handler within the deadline is answered as it decided.
    assert_eq!(
        call(&service, message_add("0")).await,
        (200, r#"{"body":"in time"}"#.to_owned())
    );
    assert_eq!(seen.take(), ["slow handler finished"]);
}

#[tokio::test]
async fn a_missed_deadline_rejects_when_configured() {
    let service = slow_webhooks(100)
        .on_deadline(DeadlineOutcome::Reject(
            Rejection::with_status(StatusCode::SERVICE_UNAVAILABLE)
                .unwrap()
                .reason("moderation timed out"),
        ))
        .into_service(Seen::default())
        .unwrap();
    let started = Instant::now();
    assert_eq!(
        call(&service, message_add("8000")).await,
        (503, "moderation timed out".to_owned())
    );
    assert!(started.elapsed() < Duration::from_millis(4000));
    assert_eq!(
        call(&service, message_add("0")).await,
        (200, r#"{"body":"in time"}"#.to_owned())
    );

    let service = slow_webhooks(50)
        .on_deadline(DeadlineOutcome::Reject(Rejection::new()))
        .into_service(Seen::default())
        .unwrap();
    assert_eq!(
        call(&service, message_add("8000")).await,
        (403, String::new())
    );
}

#[tokio::test]
async fn the_deadline_both_ways_over_http() {
    for (outcome, expected) in [
        (DeadlineOutcome::Accept, (200, "{}")),
        (
            DeadlineOutcome::Reject(Rejection::new().reason("too slow")),
            (403, "too slow"),
        ),
    ] {
        let router = slow_webhooks(100)
            .on_deadline(outcome)
            .into_router()
            .unwrap();
        let addr = serve(router.with_state(Seen::default())).await;
        let started = Instant::now();
        let reply = send_sample(addr, "onMessageAdd", &[("Body", "8000")]).await;
        assert_eq!((reply.status, reply.body.as_str()), expected);
        assert!(started.elapsed() < Duration::from_millis(4000));
    }
}

#[tokio::test]
async fn post_action_handlers_finish_before_the_acknowledgement() {
    let seen = Seen::default();
    let service = webhooks()
        .deadline(Duration::from_millis(50))
        .post_action(slow_post)
        .into_service(seen.clone())
        .unwrap();
    assert_eq!(
        call(&service, sample_request("onMessageAdded")).await,
        (200, "{}".to_owned())
    );
    assert_eq!(seen.take(), ["post-action handler finished"]);
}

#[test]
fn the_default_deadline_is_under_twilios_five_seconds() {
    assert!(DEFAULT_DEADLINE < Duration::from_secs(5));
    assert_eq!(DEFAULT_PATH, "/twilio/conversations");
}

// Handler errors and panics.

#[tokio::test]
async fn handler_errors_answer_500_without_details() {
    let service = webhooks()
        .pre_action(failing)
        .post_action(failing_post)
        .into_service(())
        .unwrap();
    let (status, body) = call(&service, message_add("fail")).await;
    assert_eq!(status, 500);
    assert!(!body.contains("database"), "{body}");
    let (status, body) = call(&service, sample_request("onMessageAdded")).await;
    assert_eq!(status, 500);
    assert!(!body.contains("store"), "{body}");
    // The Ok side of a Result is answered normally.
    assert_eq!(
        call(&service, message_add("fine")).await,
        (200, "{}".to_owned())
    );
}

#[tokio::test]
async fn the_handler_error_status_is_configurable() {
    let service = webhooks()
        .handler_error_status(StatusCode::SERVICE_UNAVAILABLE)
        .pre_action(failing)
        .post_action(failing_post)
        .into_service(())
        .unwrap();
    assert_eq!(call(&service, message_add("fail")).await.0, 503);
    assert_eq!(
        call(&service, sample_request("onMessageAdded")).await.0,
        503
    );

    // Failing open: a 2xx error status answers like an accept.
    let service = webhooks()
        .handler_error_status(StatusCode::OK)
        .pre_action(failing)
        .pre_action(panicking_sync_closure())
        .into_service(())
        .unwrap();
    assert_eq!(
        call(&service, message_add("fail")).await,
        (200, "{}".to_owned())
    );
    assert_eq!(
        call(&service, local(sample_with("onMessageUpdate", &[]))).await,
        (200, "{}".to_owned())
    );
}

/// A handler that panics while being called, before it returns its future.
fn panicking_sync_closure(
) -> impl Fn(OnMessageUpdate) -> std::future::Ready<DecisionFor<OnMessageUpdate>> + Clone {
    |message: OnMessageUpdate| {
        if message.index == 7 {
            panic!("panicked before returning a future");
        }
        std::future::ready(Decision::accept())
    }
}

#[tokio::test]
async fn a_panicking_handler_answers_500_and_the_next_request_works() {
    let service = webhooks()
        .pre_action(panicking)
        .pre_action(panicking_sync_closure())
        .post_action(panicking_post)
        .into_service(())
        .unwrap();
    for _ in 0..3 {
        assert_eq!(call(&service, message_add("panic")).await.0, 500);
        assert_eq!(
            call(&service, message_add("hello")).await,
            (200, r#"{"body":"survived"}"#.to_owned())
        );
    }
    assert_eq!(
        call(&service, sample_request("onMessageUpdate")).await.0,
        500
    );
    let params = sample_replacing("onMessageUpdate", &[("Index", "8")]);
    assert_eq!(call(&service, local(params)).await, (200, "{}".to_owned()));
    assert_eq!(call(&service, sample_request("onUserAdded")).await.0, 500);
}

#[tokio::test]
async fn a_panicking_handler_does_not_stop_the_server() {
    let router = webhooks().pre_action(panicking).into_router().unwrap();
    let addr = serve(router.with_state(())).await;
    let client = common::client();
    for body in ["panic", "hello", "panic", "panic", "hello"] {
        let params = sample_replacing("onMessageAdd", &[("Body", body)]);
        let reply = common::send_via(&client, addr, signed(addr, PATH, params)).await;
        match body {
            "panic" => assert_eq!(reply.status, 500),
            _ => assert_eq!(
                (reply.status, reply.body.as_str()),
                (200, r#"{"body":"survived"}"#)
            ),
        }
    }
}

// Decisions.

#[tokio::test]
async fn decisions_become_answers() {
    let service = webhooks()
        .pre_action(shout)
        .pre_action(rename)
        .pre_action(index_of)
        .into_service(())
        .unwrap();
    let (status, headers, body) = call_full(&service, message_add("hi there")).await;
    assert_eq!((status, body.as_str()), (200, r#"{"body":"HI THERE"}"#));
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(
        call(&service, sample_request("onConversationAdd")).await,
        (200, r#"{"friendly_name":"Renamed"}"#.to_owned())
    );
    assert_eq!(
        call(&service, sample_request("onMessageUpdate")).await,
        (200, r#"{"body":"index 7"}"#.to_owned())
    );

    let service = webhooks().pre_action(rejecting).into_service(()).unwrap();
    assert_eq!(
        call(&service, message_add("no")).await,
        (403, "not today".to_owned())
    );
    assert_eq!(
        call(&service, message_add("422")).await,
        (422, "unprocessable".to_owned())
    );
}

// Events without a handler, unknown events.

#[tokio::test]
async fn events_without_a_handler_are_accepted_or_acknowledged() {
    let empty = webhooks::<()>().into_service(()).unwrap();
    let one = webhooks().pre_action(shout).into_service(()).unwrap();
    for event_type in testing::EVENT_TYPES {
        let (status, headers, body) = call_full(&empty, sample_request(event_type)).await;
        assert_eq!((status, body.as_str()), (200, "{}"), "{event_type}");
        assert_eq!(headers["content-type"], "application/json");
        if event_type != "onMessageAdd" {
            assert_eq!(
                call(&one, sample_request(event_type)).await,
                (200, "{}".to_owned()),
                "{event_type}"
            );
        }
    }
}

#[tokio::test]
async fn unknown_event_types_are_acknowledged() {
    let service = webhooks()
        .pre_action(shout)
        .post_action(record_any_post)
        .into_service(Seen::default())
        .unwrap();
    for params in [
        Params::from_pairs([
            ("AccountSid", "ACe268443e43d93dab7ebef303bbe9642f"),
            ("EventType", "onSomethingNew"),
            ("Whatever", "x"),
        ]),
        Params::from_pairs([("EventType", "")]),
        // The name of a known event in another case is another event.
        sample_replacing("onMessageAdd", &[("EventType", "OnMessageAdd")]),
    ] {
        assert_eq!(call(&service, local(params)).await, (200, "{}".to_owned()));
    }
}

// Building.

#[test]
fn two_handlers_for_one_event_are_a_build_error() {
    let duplicate = || {
        webhooks::<()>()
            .pre_action(accept)
            .post_action(record_message_unit)
            .pre_action(shout)
    };
    let expected = BuildError::DuplicateHandler {
        event_type: "onMessageAdd",
    };
    assert_eq!(duplicate().into_service(()).unwrap_err(), expected);
    assert_eq!(duplicate().into_layer(()).unwrap_err(), expected);
    assert_eq!(duplicate().into_router().unwrap_err(), expected);
    assert!(expected.to_string().contains("onMessageAdd"), "{expected}");

    // Two catch-all post-action handlers both claim every post-action event.
    let error = webhooks::<Seen>()
        .post_action(record_any_post)
        .post_action(record_any_post)
        .into_service(Seen::default())
        .unwrap_err();
    assert_eq!(
        error,
        BuildError::DuplicateHandler {
            event_type: "onConversationAdded"
        }
    );
}

async fn reject_the_rest(
    event: twilio_webhooks::PreActionEvent,
    State(seen): State<Seen>,
) -> Decision {
    seen.push(event.event_type());
    Decision::reject_because("not handled here")
}

#[tokio::test]
async fn a_pre_action_catch_all_takes_the_events_without_their_own_handler() {
    for specific_first in [true, false] {
        let seen = Seen::default();
        let builder = if specific_first {
            webhooks::<Seen>()
                .pre_action(shout)
                .pre_action(reject_the_rest)
        } else {
            webhooks::<Seen>()
                .pre_action(reject_the_rest)
                .pre_action(shout)
        };
        assert_eq!(builder.filters().len(), 10);
        let service = builder.into_service(seen.clone()).unwrap();
        let (status, body) = call(&service, sample_request("onMessageAdd")).await;
        assert_eq!(status, 200, "{body}");
        assert!(
            body.starts_with("{\"body\":"),
            "the specific handler answered: {body}"
        );
        let (status, body) = call(&service, sample_request("onParticipantAdd")).await;
        assert_eq!((status, body.as_str()), (403, "not handled here"));
        assert_eq!(
            seen.take(),
            ["onParticipantAdd"],
            "specific first: {specific_first}"
        );
    }
    // Two pre-action catch-alls both claim every pre-action event.
    let error = webhooks::<Seen>()
        .pre_action(reject_the_rest)
        .pre_action(reject_the_rest)
        .into_service(Seen::default())
        .unwrap_err();
    assert_eq!(
        error,
        BuildError::DuplicateHandler {
            event_type: "onConversationAdd"
        }
    );
}

#[tokio::test]
async fn a_specific_handler_beside_a_catch_all_takes_its_event() {
    // In either order of registration: the specific handler wins, the catch-all takes the rest.
    for specific_first in [true, false] {
        let seen = Seen::default();
        let builder = if specific_first {
            webhooks::<Seen>()
                .post_action(record_message)
                .post_action(record_any_post)
        } else {
            webhooks::<Seen>()
                .post_action(record_any_post)
                .post_action(record_message)
        };
        assert_eq!(builder.filters().len(), 13);
        let service = builder.into_service(seen.clone()).unwrap();
        assert_eq!(
            call(&service, sample_request("onMessageAdded")).await.0,
            200
        );
        assert_eq!(call(&service, sample_request("onUserAdded")).await.0, 200);
        let body = testing::sample_event::<OnMessageAdded>().unwrap().body;
        assert_eq!(
            seen.take(),
            [body.as_str(), "onUserAdded"],
            "specific first: {specific_first}"
        );
    }
}

async fn record_message_unit(_: OnMessageAdded) {}

#[test]
fn a_router_without_a_validator_is_a_build_error() {
    let unconfigured = || Webhooks::<()>::new().pre_action(accept);
    assert_eq!(
        unconfigured().into_service(()).unwrap_err(),
        BuildError::NoValidator
    );
    assert_eq!(
        unconfigured().into_layer(()).unwrap_err(),
        BuildError::NoValidator
    );
    assert_eq!(
        unconfigured().into_router().unwrap_err(),
        BuildError::NoValidator
    );
    assert!(BuildError::NoValidator.to_string().contains(".validator("));
    assert_eq!(
        webhooks::<()>()
            .path("twilio")
            .into_service(())
            .unwrap_err(),
        BuildError::InvalidPath("twilio".to_owned())
    );
}

#[tokio::test]
async fn signature_validation_is_on_unless_turned_off_by_name() {
    let unsigned = || {
        let mut request = message_add("hi");
        request.headers_mut().remove("x-twilio-signature");
        request
    };
    let checked = webhooks().pre_action(shout).into_service(()).unwrap();
    assert_eq!(call(&checked, unsigned()).await.0, 400);
    let forged = TestRequest::new(LOCAL_URL, "forged")
        .params(sample_replacing("onMessageAdd", &[("Body", "hi")]))
        .build();
    assert_eq!(call(&checked, forged).await.0, 403);

    let open = Webhooks::new()
        .without_signature_validation()
        .pre_action(shout)
        .into_service(())
        .unwrap();
    assert_eq!(
        call(&open, unsigned()).await,
        (200, r#"{"body":"HI"}"#.to_owned())
    );
}

// Malformed requests.

#[tokio::test]
async fn a_malformed_event_is_400_with_the_parse_error() {
    let service = webhooks()
        .pre_action(index_of)
        .post_action(record_message)
        .into_service(Seen::default())
        .unwrap();
    for params in [
        sample_replacing("onMessageUpdate", &[("Index", "seven")]),
        sample_replacing("onMessageUpdate", &[("Index", "-1")]),
        sample_replacing("onMessageAdded", &[("ConversationSid", "not-a-sid")]),
        sample_replacing("onMessageAdded", &[("DateCreated", "yesterday")]),
        Params::from_pairs(
            testing::sample_params("onMessageUpdate")
                .unwrap()
                .iter()
                .filter(|(name, _)| *name != "MessageSid"),
        ),
    ] {
        let expected = Event::from_params(&params).unwrap_err().to_string();
        let (status, body) = call(&service, local(params)).await;
        assert_eq!((status, body.as_str()), (400, expected.as_str()));
    }
    let (status, body) = call(
        &service,
        local(sample_replacing("onMessageUpdate", &[("Index", "seven")])),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body.contains("onMessageUpdate") && body.contains("Index"),
        "{body}"
    );
}

#[tokio::test]
async fn a_malformed_event_can_be_accepted_unchanged_instead() {
    let seen = Seen::default();
    let service = webhooks()
        .on_invalid(twilio_webhooks::router::InvalidOutcome::Accept)
        .pre_action(index_of)
        .post_action(record_message)
        .into_service(seen.clone())
        .unwrap();
    for params in [
        sample_replacing("onMessageUpdate", &[("Index", "seven")]),
        sample_replacing("onMessageAdded", &[("DateCreated", "yesterday")]),
    ] {
        assert_eq!(call(&service, local(params)).await, (200, "{}".to_owned()));
    }
    // The handlers did not run on what they could not have read.
    assert!(seen.take().is_empty());
    // What is not a webhook at all is still refused.
    let (status, _) = call(&service, local(Params::from_pairs([("Body", "hi")]))).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_missing_or_repeated_event_type_is_400() {
    let service = webhooks::<()>().into_service(()).unwrap();
    let sample = testing::sample_params("onMessageAdd").unwrap();
    let without = Params::from_pairs(sample.iter().filter(|(name, _)| *name != "EventType"));
    let (status, body) = call(&service, local(without)).await;
    assert_eq!(status, 400);
    assert!(body.contains("EventType"), "{body}");

    let mut twice = sample.clone();
    twice.push("EventType", "onMessageAdd");
    let (status, body) = call(&service, local(twice)).await;
    assert_eq!(status, 400);
    assert!(body.contains("EventType"), "{body}");
}

#[tokio::test]
async fn other_methods_are_405() {
    let service = webhooks().pre_action(shout).into_service(()).unwrap();
    for method in [http::Method::PUT, http::Method::DELETE, http::Method::PATCH] {
        let mut request = message_add("hi");
        *request.method_mut() = method.clone();
        let (status, headers, _) = call_full(&service, request).await;
        assert_eq!(status, 405, "{method}");
        assert_eq!(headers["allow"], "POST, GET");
    }
}

#[tokio::test]
async fn other_content_types_are_415() {
    let service = webhooks().pre_action(shout).into_service(()).unwrap();
    for content_type in [
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
    ] {
        let mut request = message_add("hi");
        request
            .headers_mut()
            .insert("content-type", content_type.parse().unwrap());
        assert_eq!(call(&service, request).await.0, 415, "{content_type}");
    }
    // Parameters on the media type are fine.
    let mut request = message_add("hi");
    request.headers_mut().insert(
        "content-type",
        "Application/X-WWW-Form-Urlencoded; charset=UTF-8"
            .parse()
            .unwrap(),
    );
    assert_eq!(
        call(&service, request).await,
        (200, r#"{"body":"HI"}"#.to_owned())
    );
}

/// A body that never ends and does not say how long it is.
struct Endless {
    chunks_read: Arc<AtomicUsize>,
}

impl http_body::Body for Endless {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.chunks_read.fetch_add(1, Ordering::Relaxed);
        Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(&[b'x'; 256])))))
    }
}

/// A body sent in small chunks, without a length.
struct Chunked(VecDeque<Bytes>);

impl http_body::Body for Chunked {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.0.pop_front().map(|chunk| Ok(Frame::data(chunk))))
    }
}

#[tokio::test]
async fn bodies_over_the_limit_are_413() {
    let service = webhooks()
        .body_limit(1024)
        .pre_action(shout)
        .into_service(())
        .unwrap();
    let long = "x".repeat(2000);
    let request = message_add(&long);
    assert_eq!(call(&service, request).await.0, 413);
    // Under the limit: answered.
    assert_eq!(call(&service, message_add("hi")).await.0, 200);

    // Without a length: reading stops soon after the limit.
    let chunks_read = Arc::new(AtomicUsize::new(0));
    let request = Request::post("/twilio/conversations")
        .header("host", "example.com")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Endless {
            chunks_read: Arc::clone(&chunks_read),
        })
        .unwrap();
    let response = bounded("an endless body", service.clone().oneshot(request))
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert!(chunks_read.load(Ordering::Relaxed) <= 8);

    // A signed body in chunks, without a length, is read whole.
    let (parts, body) = message_add("chunks").into_parts();
    let chunks = body
        .as_bytes()
        .chunks(16)
        .map(Bytes::copy_from_slice)
        .collect();
    let response = bounded(
        "a chunked body",
        service
            .clone()
            .oneshot(Request::from_parts(parts, Chunked(chunks))),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], br#"{"body":"CHUNKS"}"#);
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_over_http() {
    let router = webhooks()
        .body_limit(1024)
        .pre_action(shout)
        .into_router()
        .unwrap();
    let addr = serve(router.with_state(())).await;
    let long = "x".repeat(4000);
    let reply = send_sample(addr, "onMessageAdd", &[("Body", &long)]).await;
    assert_eq!(reply.status, 413);
    let reply = send_sample(addr, "onMessageAdd", &[("Body", "ok")]).await;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (200, r#"{"body":"OK"}"#)
    );
}

// GET webhooks.

#[tokio::test]
async fn get_webhooks_are_signed_over_the_url() {
    let seen = Seen::default();
    let service = webhooks()
        .post_action(record_message)
        .into_service(seen.clone())
        .unwrap();
    let params = sample_replacing("onMessageAdded", &[("Body", "via GET & query")]);
    let request = TestRequest::new(LOCAL_URL, TOKEN)
        .params(params.clone())
        .get()
        .build();
    assert!(request.body().is_empty());
    assert!(request
        .uri()
        .query()
        .unwrap()
        .contains("EventType=onMessageAdded"));
    assert_eq!(call(&service, request).await, (200, "{}".to_owned()));
    assert_eq!(seen.take(), ["via GET & query"]);

    // The query is covered: changing it breaks the signature.
    let request = TestRequest::new(LOCAL_URL, TOKEN)
        .params(params)
        .get()
        .build();
    let (mut parts, body) = request.into_parts();
    parts.uri = parts
        .uri
        .to_string()
        .replace("via+GET", "via+PUT")
        .parse()
        .unwrap();
    assert_eq!(
        call(&service, Request::from_parts(parts, body)).await.0,
        403
    );
    assert!(seen.take().is_empty());
}

#[tokio::test]
async fn get_webhooks_over_http() {
    let seen = Seen::default();
    let router = webhooks()
        .post_action(record_message)
        .into_router()
        .unwrap();
    let addr = serve(router.with_state(seen.clone())).await;
    let request = TestRequest::new(url(addr, PATH), TOKEN)
        .params(sample_replacing(
            "onMessageAdded",
            &[("Body", "GET over HTTP")],
        ))
        .get()
        .build();
    let reply = send(addr, request).await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "{}"));
    assert_eq!(seen.take(), ["GET over HTTP"]);
}

// What handlers can take.

#[tokio::test]
async fn handlers_take_the_delivery_and_the_state() {
    let seen = Seen::default();
    let service = webhooks()
        .post_action(record_delivery)
        .post_action(record_delivery_state_first)
        .into_service(seen.clone())
        .unwrap();

    let params = sample_with(
        "onMessageAdded",
        &[("Body", "retried"), ("RetryCount", "2")],
    );
    let count = params.len();
    let mut request = local(params);
    request
        .headers_mut()
        .insert("I-Twilio-Idempotency-Token", "idem-42".parse().unwrap());
    assert_eq!(call(&service, request).await, (200, "{}".to_owned()));

    let params = sample_with("onMessageAdded", &[("Body", "first")]);
    let first_count = params.len();
    assert_eq!(call(&service, local(params)).await, (200, "{}".to_owned()));

    let mut request = sample_request("onParticipantAdded");
    request
        .headers_mut()
        .insert("i-twilio-idempotency-token", "idem-7".parse().unwrap());
    assert_eq!(call(&service, request).await, (200, "{}".to_owned()));

    assert_eq!(
        seen.take(),
        [
            format!(r#"retried token=Some("idem-42") retry=Some(2) params={count}"#),
            format!("first token=None retry=None params={first_count}"),
            r#"MBe42db0f9a183ac066bdec45b0c0cf2c7 token=Some("idem-7")"#.to_owned(),
        ]
    );
}

#[tokio::test]
async fn the_state_reaches_handlers_through_an_axum_router() {
    let seen = Seen::default();
    let router = webhooks()
        .post_action(record_message)
        .into_router()
        .unwrap();
    let addr = serve(router.with_state(seen.clone())).await;
    for body in ["one", "two"] {
        let reply = send_sample(addr, "onMessageAdded", &[("Body", body)]).await;
        assert_eq!((reply.status, reply.body.as_str()), (200, "{}"));
    }
    assert_eq!(seen.take(), ["one", "two"]);
}

#[tokio::test]
async fn a_catch_all_post_action_handler_receives_all_thirteen() {
    let seen = Seen::default();
    let catch_all = webhooks().post_action(record_any_post);
    assert_eq!(catch_all.filters(), PostActionEvent::EVENT_TYPES);
    let service = catch_all.into_service(seen.clone()).unwrap();
    for event_type in testing::EVENT_TYPES {
        assert_eq!(
            call(&service, sample_request(event_type)).await,
            (200, "{}".to_owned()),
            "{event_type}"
        );
    }
    assert_eq!(seen.take(), PostActionEvent::EVENT_TYPES);
}

#[test]
fn filters_list_the_handled_events_in_registration_order() {
    assert!(webhooks::<()>().filters().is_empty());
    let registered = webhooks::<Seen>()
        .post_action(record_message)
        .pre_action(shout)
        .pre_action(index_of)
        .post_action(record_delivery_state_first);
    let expected = [
        "onMessageAdded",
        "onMessageAdd",
        "onMessageUpdate",
        "onParticipantAdded",
    ];
    assert_eq!(registered.filters(), expected);
    let service = registered.into_service(Seen::default()).unwrap();
    assert_eq!(service.filters(), expected);
    assert_eq!(service.path(), DEFAULT_PATH);

    // Every filter is a known EventType.
    let all = webhooks::<Seen>()
        .pre_action(shout)
        .post_action(record_any_post);
    let known: Vec<&str> = PreActionEvent::EVENT_TYPES
        .iter()
        .chain(PostActionEvent::EVENT_TYPES)
        .copied()
        .collect();
    assert_eq!(all.filters().len(), 14);
    assert!(all.filters().iter().all(|name| known.contains(name)));
}

// Serving: axum (alone and nested), as a layer, with hyper directly.

#[derive(Clone, Default)]
struct AppState {
    seen: Seen,
    name: &'static str,
}

impl AppState {
    fn seen(&self) -> Seen {
        self.seen.clone()
    }
}

async fn record_in_app(message: OnMessageAdded, State(app): State<AppState>) {
    app.seen().push(format!("{}: {}", app.name, message.body));
}

/// The two documented ways to put the router in an app both answer on the intended URL:
/// merged at its default path, and nested at the whole path with `.path("/")`.
#[tokio::test]
async fn merged_or_nested_at_the_whole_path_it_answers_the_intended_url() {
    let merged = Router::new()
        .route("/health", get(|| async { "ok" }))
        .merge(webhooks::<()>().pre_action(shout).into_router().unwrap());
    let nested = Router::new().route("/health", get(|| async { "ok" })).nest(
        "/twilio/conversations",
        webhooks::<()>()
            .path("/")
            .pre_action(shout)
            .into_router()
            .unwrap(),
    );
    for app in [merged, nested] {
        let addr = serve(app).await;
        let params = sample_replacing("onMessageAdd", &[("Body", "here")]);
        let reply = send(addr, signed(addr, "/twilio/conversations", params)).await;
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (200, r#"{"body":"HERE"}"#)
        );
        let reply = send(addr, plain_get(addr, "/health")).await;
        assert_eq!((reply.status, reply.body.as_str()), (200, "ok"));
    }
}

#[tokio::test]
async fn nested_in_an_axum_app_the_full_path_is_signed() {
    let state = AppState {
        seen: Seen::default(),
        name: "app",
    };
    let nested = webhooks()
        .path("/conversations")
        .pre_action(shout)
        .post_action(record_in_app)
        .into_router()
        .unwrap();
    let app = Router::new()
        .route("/health", get(|| async { "ok" }))
        .route(
            "/name",
            get(
                |axum::extract::State(app): axum::extract::State<AppState>| async move { app.name },
            ),
        )
        .nest("/twilio", nested)
        .with_state(state.clone());
    let addr = serve(app).await;

    // Signed over the URL Twilio requested: /twilio/conversations.
    let params = sample_replacing("onMessageAdd", &[("Body", "nested")]);
    let reply = send(addr, signed(addr, "/twilio/conversations", params.clone())).await;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (200, r#"{"body":"NESTED"}"#)
    );
    let params_added = sample_replacing("onMessageAdded", &[("Body", "stored")]);
    let reply = send(addr, signed(addr, "/twilio/conversations", params_added)).await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "{}"));
    assert_eq!(state.seen.take(), ["app: stored"]);

    // Signed over the nested remainder: not what Twilio signs, refused.
    let mut request = signed(addr, "/conversations", params);
    *request.uri_mut() = "/twilio/conversations".parse().unwrap();
    assert_eq!(send(addr, request).await.status, 403);

    // The app's own routes.
    for (path, expected) in [("/health", "ok"), ("/name", "app")] {
        let reply = send(addr, plain_get(addr, path)).await;
        assert_eq!((reply.status, reply.body.as_str()), (200, expected));
    }
    // The router's bare path is not served outside the nest.
    let params = sample_replacing("onMessageAdd", &[("Body", "x")]);
    assert_eq!(
        send(addr, signed(addr, "/conversations", params))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn mounted_as_a_layer_other_requests_pass_through() {
    let seen = Seen::default();
    let layer = webhooks()
        .pre_action(shout)
        .post_action(record_message)
        .into_layer(seen.clone())
        .unwrap();
    let app = Router::new()
        .route("/health", get(|| async { "ok" }))
        .route(
            "/twilio/other",
            axum::routing::post(
                |body: String| async move { format!("inner got {} bytes", body.len()) },
            ),
        )
        .layer(layer);
    let addr = serve(app).await;

    let params = sample_replacing("onMessageAdd", &[("Body", "layered")]);
    let reply = send(addr, signed(addr, PATH, params.clone())).await;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (200, r#"{"body":"LAYERED"}"#)
    );
    let reply = send_sample(addr, "onMessageAdded", &[("Body", "kept")]).await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "{}"));
    assert_eq!(seen.take(), ["kept"]);

    // The webhook path with a bad signature is answered by the router, not passed on.
    let forged = signed_by("forged", addr, PATH, params.clone());
    assert_eq!(send(addr, forged).await.status, 403);

    // Everything else reaches the inner service, unchecked.
    let reply = send(addr, plain_get(addr, "/health")).await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "ok"));
    let request = signed(addr, "/twilio/other", params);
    let length = request.body().len();
    let reply = send(addr, request).await;
    assert_eq!(
        (reply.status, reply.body),
        (200, format!("inner got {length} bytes"))
    );
    assert_eq!(send(addr, plain_get(addr, "/nowhere")).await.status, 404);
}

#[tokio::test]
async fn a_layer_over_a_plain_tower_service() {
    let layer = webhooks().pre_action(shout).into_layer(()).unwrap();
    let inner = tower::service_fn(|request: Request<String>| async move {
        Ok::<_, Infallible>(http::Response::new(http_body_util::Full::new(Bytes::from(
            format!("inner: {}", request.uri().path()),
        ))))
    });
    let service = tower::ServiceBuilder::new().layer(layer).service(inner);

    let response = bounded("the layer", service.clone().oneshot(message_add("hey")))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], br#"{"body":"HEY"}"#);

    let request = Request::post("/twilio/conversations/extra")
        .body(String::new())
        .unwrap();
    let response = bounded("the layer", service.oneshot(request))
        .await
        .unwrap();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"inner: /twilio/conversations/extra");
}

#[tokio::test]
async fn served_with_hyper_directly() {
    use hyper::server::conn::http1;
    use hyper_util::rt::TokioIo;
    use hyper_util::service::TowerToHyperService;

    let seen = Seen::default();
    let service = slow_webhooks(100)
        .post_action(record_message)
        .into_service(seen.clone())
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let service = TowerToHyperService::new(service.clone());
            tokio::spawn(async move {
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });

    // The service answers any path.
    for path in [PATH, "/hooks"] {
        let params = sample_replacing("onMessageAdd", &[("Body", "0")]);
        let reply = send(addr, signed(addr, path, params)).await;
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (200, r#"{"body":"in time"}"#)
        );
    }
    for (event_type, body) in [("onMessageAdd", "8000"), ("onMessageAdded", "over hyper")] {
        let reply = send_sample(addr, event_type, &[("Body", body)]).await;
        assert_eq!((reply.status, reply.body.as_str()), (200, "{}"), "{body}");
    }
    assert_eq!(
        seen.take(),
        [
            "slow handler finished",
            "slow handler finished",
            "over hyper"
        ]
    );
    let params = sample_replacing("onMessageAdded", &[("Body", "forged")]);
    let forged = signed_by("forged", addr, PATH, params);
    assert_eq!(send(addr, forged).await.status, 403);
    assert!(seen.take().is_empty());
}
