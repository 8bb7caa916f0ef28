//! The Event Streams sink over real HTTP on 127.0.0.1: typed handlers and catch-alls, the batch
//! answer, invalid events inside a good batch, and every refusal of the pipeline (signature over
//! the URL with `bodySHA256`, the body hash, Basic credentials, content type, method, size).

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use serde_json::json;
use twilio_webhooks::handler::State;
use twilio_webhooks::signature::{BasicAuth, Validator};
use twilio_webhooks::streams::{BatchItem, Event, EventContext, ExecutionStarted, MessageAdded};
use twilio_webhooks::testing::{EventBatch, TestRequest};
use twilio_webhooks::Webhooks;

use common::{send, serve, url, TOKEN};

const EVENTS: &str = "/twilio/events";
const MESSAGE_ADDED: &str = "com.twilio.conversations.message.added";
const EXECUTION_STARTED: &str = "com.twilio.studio.flow.execution.started";

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

async fn on_message(message: MessageAdded, State(seen): State<Seen>) -> Result<(), String> {
    let body = message.message_body.unwrap_or_default();
    match body.as_str() {
        "fail" => Err("the archive is full".into()),
        "panic" => panic!("a bug in the handler"),
        "slow" => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(())
        }
        _ => {
            seen.push(format!("message {body}"));
            Ok(())
        }
    }
}

async fn on_execution(
    execution: ExecutionStarted,
    context: EventContext,
    State(seen): State<Seen>,
) {
    seen.push(format!(
        "execution {} ({})",
        execution.execution_sid,
        context.id()
    ));
}

async fn on_anything(event: Event, State(seen): State<Seen>) {
    seen.push(format!("other {}", event.event_type()));
}

async fn on_every_item(item: BatchItem, State(seen): State<Seen>) {
    match item {
        Ok(event) => seen.push(format!("item {}", event.event_type)),
        Err(invalid) => seen.push(format!("invalid {} {}", invalid.event_type(), invalid.id())),
    }
}

fn validator() -> Validator {
    Validator::from_auth_tokens(TOKEN).unwrap()
}

async fn sink(webhooks: Webhooks<Seen>, seen: &Seen) -> std::net::SocketAddr {
    let router = webhooks
        .validator(validator())
        .events_deadline(Duration::from_millis(500))
        .into_router()
        .unwrap();
    serve(Router::new().merge(router).with_state(seen.clone())).await
}

fn typed_sink() -> Webhooks<Seen> {
    Webhooks::new()
        .stream_event(on_message)
        .stream_event(on_execution)
        .stream_event(on_anything)
}

#[tokio::test]
async fn each_event_goes_to_its_handler_and_the_rest_to_the_catch_all() {
    let seen = Seen::default();
    let addr = sink(typed_sink(), &seen).await;
    let batch = EventBatch::new()
        .sample_with(MESSAGE_ADDED, [("MessageBody", json!("hello"))])
        .sample(EXECUTION_STARTED)
        .with_id("EZ-execution")
        .sample("com.twilio.conversations.user.added")
        .sample("com.example.not.yet.known");
    let reply = send(addr, batch.request(&url(addr, EVENTS), TOKEN).unwrap()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let seen = seen.take();
    assert_eq!(seen.len(), 4, "{seen:?}");
    assert_eq!(seen[0], "message hello");
    assert!(
        seen[1].starts_with("execution FN") && seen[1].ends_with("(EZ-execution)"),
        "{}",
        seen[1]
    );
    assert_eq!(seen[2], "other com.twilio.conversations.user.added");
    assert_eq!(seen[3], "other com.example.not.yet.known");
}

#[tokio::test]
async fn a_failing_panicking_or_slow_handler_asks_for_the_batch_again() {
    for body in ["fail", "panic", "slow"] {
        let seen = Seen::default();
        let addr = sink(typed_sink(), &seen).await;
        let batch = EventBatch::new()
            .sample_with(MESSAGE_ADDED, [("MessageBody", json!("before"))])
            .sample_with(MESSAGE_ADDED, [("MessageBody", json!(body))])
            .sample_with(MESSAGE_ADDED, [("MessageBody", json!("after"))]);
        let started = std::time::Instant::now();
        let reply = send(addr, batch.request(&url(addr, EVENTS), TOKEN).unwrap()).await;
        assert_eq!(reply.status, 500, "{body}: {}", reply.body);
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{body}: answered within the deadline"
        );
        let seen = seen.take();
        assert_eq!(
            seen.first().map(String::as_str),
            Some("message before"),
            "{body}"
        );
        // After a slow handler the deadline has passed: the rest waits for the redelivery.
        if body != "slow" {
            assert_eq!(seen, ["message before", "message after"], "{body}");
        }
        // The server keeps serving.
        let again = EventBatch::new().sample_with(MESSAGE_ADDED, [("MessageBody", json!("next"))]);
        assert_eq!(
            send(addr, again.request(&url(addr, EVENTS), TOKEN).unwrap())
                .await
                .status,
            200
        );
    }
}

#[tokio::test]
async fn an_invalid_event_does_not_hold_back_the_batch() {
    let bad_index = [("Index", json!("not a number"))];
    // Without a catch-all for invalid events: logged, acknowledged, the rest handled.
    let seen = Seen::default();
    let addr = sink(typed_sink(), &seen).await;
    let batch = EventBatch::new()
        .sample_with(MESSAGE_ADDED, bad_index.clone())
        .sample_with(MESSAGE_ADDED, [("MessageBody", json!("fine"))]);
    let reply = send(addr, batch.request(&url(addr, EVENTS), TOKEN).unwrap()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(seen.take(), ["message fine"]);

    // A `BatchItem` catch-all receives it with its error and raw data.
    let seen = Seen::default();
    let addr = sink(Webhooks::new().stream_event(on_every_item), &seen).await;
    let batch = EventBatch::new()
        .sample_with(MESSAGE_ADDED, bad_index)
        .with_id("EZ-bad")
        .sample("com.twilio.conversations.user.added");
    let reply = send(addr, batch.request(&url(addr, EVENTS), TOKEN).unwrap()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        seen.take(),
        [
            format!("invalid {MESSAGE_ADDED} EZ-bad"),
            "item com.twilio.conversations.user.added".to_owned()
        ]
    );
}

#[tokio::test]
async fn two_handlers_for_one_type_are_a_build_error() {
    let error = Webhooks::<Seen>::new()
        .stream_event(on_message)
        .stream_event(on_message)
        .without_signature_validation()
        .into_service(Seen::default())
        .unwrap_err();
    assert!(error.to_string().contains(MESSAGE_ADDED), "{error}");
    let error = Webhooks::<Seen>::new()
        .stream_event(on_anything)
        .stream_event(on_anything)
        .without_signature_validation()
        .into_service(Seen::default())
        .unwrap_err();
    assert!(error.to_string().contains("catch-all"), "{error}");
}

/// A delivery of `body` to `path`, signed over a URL whose `bodySHA256` is the hash of
/// `signed_body` (the same body, unless a test tampers with it).
fn delivery(addr: std::net::SocketAddr, signed_body: &str) -> http::Request<String> {
    TestRequest::new(url(addr, EVENTS), TOKEN)
        .json(signed_body.to_owned())
        .build()
}

#[tokio::test]
async fn the_pipeline_refuses_what_is_not_a_signed_cloudevents_batch() {
    let seen = Seen::default();
    let addr = sink(
        typed_sink().basic_auth(BasicAuth::new("twilio", "s3cret")),
        &seen,
    )
    .await;
    let good = EventBatch::new().sample(MESSAGE_ADDED).to_json();
    let with_credentials = |mut request: http::Request<String>, credentials: Option<&str>| {
        if let Some(credentials) = credentials {
            use base64::Engine as _;
            let value = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(credentials)
            );
            request
                .headers_mut()
                .insert("authorization", value.parse().unwrap());
        }
        request
    };
    let ok = Some("twilio:s3cret");

    // Right credentials and signature: handled.
    let reply = send(addr, with_credentials(delivery(addr, &good), ok)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(seen.take().len(), 1);

    // Credentials missing or wrong: 401 with a challenge.
    for credentials in [None, Some("twilio:wrong"), Some("other:s3cret")] {
        let reply = send(addr, with_credentials(delivery(addr, &good), credentials)).await;
        assert_eq!(reply.status, 401, "{credentials:?}");
        assert!(reply
            .header("www-authenticate")
            .unwrap()
            .starts_with("Basic"));
    }

    // The body changed after signing: the hash no longer matches.
    let mut tampered = delivery(addr, &good);
    *tampered.body_mut() = good.replace("com.twilio", "com.evil");
    let reply = send(addr, with_credentials(tampered, ok)).await;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (403, "body does not match bodySHA256")
    );

    // No `bodySHA256` in the URL: a JSON body nothing vouches for.
    let unsigned = TestRequest::new(url(addr, EVENTS), TOKEN).build();
    let mut unsigned = unsigned.map(|_| good.clone());
    unsigned
        .headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    let reply = send(addr, with_credentials(unsigned, ok)).await;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (403, "body not covered by the signature")
    );

    // Signed with another token.
    let forged = TestRequest::new(url(addr, EVENTS), "not-the-token")
        .json(good.clone())
        .build();
    let reply = send(addr, with_credentials(forged, ok)).await;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (403, "invalid X-Twilio-Signature")
    );

    // Not JSON, or JSON that is not CloudEvents: 400 saying what and where.
    for (body, expected) in [
        ("{not json", "line 1"),
        ("[1, 2]", "event at index 0"),
        (r#"[{"type":"x","data":{}}]"#, "id"),
    ] {
        let reply = send(addr, with_credentials(delivery(addr, body), ok)).await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.body);
        assert!(reply.body.contains(expected), "{body}: {}", reply.body);
    }

    // A form body on the events path.
    let mut form = delivery(addr, &good);
    form.headers_mut().insert(
        "content-type",
        "application/x-www-form-urlencoded".parse().unwrap(),
    );
    let reply = send(addr, with_credentials(form, ok)).await;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (415, "expected Content-Type: application/json")
    );

    // Another method.
    let mut get = delivery(addr, &good);
    *get.method_mut() = http::Method::GET;
    let reply = send(addr, with_credentials(get, ok)).await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("POST"));

    assert!(
        seen.take().is_empty(),
        "no refused delivery reached a handler"
    );
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let seen = Seen::default();
    let addr = sink(typed_sink().events_body_limit(1024), &seen).await;
    let big = EventBatch::new()
        .sample_with(MESSAGE_ADDED, [("MessageBody", json!("x".repeat(2048)))])
        .to_json();
    let reply = send(addr, delivery(addr, &big)).await;
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert!(seen.take().is_empty());
}

/// The same sink as a tower `Service` answering any path (a JSON body is an Event Streams
/// delivery, a form a webhook) and as a `Layer` in front of another service (its events path
/// answered, every other path passed on).
#[tokio::test]
async fn the_service_and_the_layer_serve_event_streams_too() {
    use tower::{Layer, ServiceExt};

    let seen = Seen::default();
    let url = "http://hooks.example.com/twilio/events";
    let batch = EventBatch::new().sample_with(MESSAGE_ADDED, [("MessageBody", json!("via tower"))]);

    let service = typed_sink()
        .validator(validator())
        .into_service(seen.clone())
        .unwrap();
    let response = service
        .clone()
        .oneshot(batch.request(url, TOKEN).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(seen.take(), ["message via tower"]);
    // A form body on the same service is still a Conversations webhook.
    let form = twilio_webhooks::testing::signed_request(
        "http://hooks.example.com/twilio/conversations",
        &twilio_webhooks::testing::sample_params("onUserAdded").unwrap(),
        TOKEN,
    )
    .unwrap();
    assert_eq!(service.oneshot(form).await.unwrap().status(), 200);

    let layer = typed_sink()
        .validator(validator())
        .into_layer(seen.clone())
        .unwrap();
    let app = layer.layer(tower::service_fn(|_: http::Request<String>| async {
        Ok::<_, std::convert::Infallible>(http::Response::new(String::from("the rest of the app")))
    }));
    let response = app
        .clone()
        .oneshot(batch.request(url, TOKEN).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(seen.take(), ["message via tower"]);
    let other = http::Request::get("http://hooks.example.com/health")
        .body(String::new())
        .unwrap();
    assert_eq!(app.oneshot(other).await.unwrap().status(), 200);
    assert!(seen.take().is_empty());
}
