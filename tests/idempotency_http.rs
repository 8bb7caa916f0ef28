//! Exactly-once handling over real HTTP: Conversations webhooks (by `I-Twilio-Idempotency-Token`)
//! and Event Streams events (by CloudEvent `id`), in one process (the default in-memory store)
//! and across two instances sharing a real redis-server: duplicates sent at once, many times;
//! a pre-action retry gets the first answer; a failing handler runs again on retry; a claim left
//! by a dead instance lapses; Redis killed (deliveries still answered, nothing lost) and
//! restarted (suppression resumes).
//!
//! Needs the `redis` feature (`cargo test --features redis --test idempotency_http`) and
//! `redis-server` on the PATH (CI installs it); each test starts its own on a free port.

mod common;
#[path = "common/redis.rs"]
mod redis_server;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use serde_json::json;
use twilio_webhooks::conversations::{OnMessageAdd, OnMessageAdded};
use twilio_webhooks::handler::State;
use twilio_webhooks::idempotency::{Idempotency, RedisStore, StoreFailure};
use twilio_webhooks::streams::MessageAdded;
use twilio_webhooks::testing::{EventBatch, TestRequest};
use twilio_webhooks::{Decision, DecisionFor, Params, Webhooks};

use common::{sample_replacing, send, send_via, serve, url, PATH, TOKEN};
use redis_server::RedisServer;

const EVENTS: &str = "/twilio/events";
const MESSAGE_ADDED: &str = "com.twilio.conversations.message.added";

/// How many times each handler ran, by key (the message body).
#[derive(Clone, Default)]
struct Runs(Arc<Mutex<HashMap<String, usize>>>);

impl Runs {
    fn add(&self, key: &str) -> usize {
        let mut runs = self.0.lock().unwrap();
        let count = runs.entry(key.to_owned()).or_default();
        *count += 1;
        *count
    }

    fn get(&self, key: &str) -> usize {
        self.0.lock().unwrap().get(key).copied().unwrap_or(0)
    }

    fn total(&self) -> usize {
        self.0.lock().unwrap().values().sum()
    }
}

/// Slow enough that duplicates arrive while it runs; "fail once" fails its first run only.
async fn on_message(message: OnMessageAdded, State(runs): State<Runs>) -> Result<(), String> {
    let count = runs.add(&message.body);
    tokio::time::sleep(Duration::from_millis(30)).await;
    if message.body.starts_with("fail once") && count == 1 {
        return Err("the first try fails".into());
    }
    Ok(())
}

/// Answers with the run count, so a replayed answer is told apart from a second run.
async fn number(message: OnMessageAdd, State(runs): State<Runs>) -> DecisionFor<OnMessageAdd> {
    let count = runs.add(&message.body);
    Decision::modify_body(format!("{} (run {count})", message.body))
}

async fn on_event(message: MessageAdded, State(runs): State<Runs>) -> Result<(), String> {
    let body = message.message_body.unwrap_or_default();
    let count = runs.add(&body);
    tokio::time::sleep(Duration::from_millis(30)).await;
    if body.starts_with("fail once") && count == 1 {
        return Err("the first try fails".into());
    }
    Ok(())
}

fn webhooks(idempotency: Idempotency) -> Webhooks<Runs> {
    Webhooks::new()
        .validator(twilio_webhooks::Validator::from_auth_tokens(TOKEN).unwrap())
        .idempotency(idempotency)
        .post_action(on_message)
        .pre_action(number)
        .stream_event(on_event)
}

async fn instance(idempotency: Idempotency, runs: &Runs) -> SocketAddr {
    serve_built(webhooks(idempotency), runs).await
}

async fn serve_built(webhooks: Webhooks<Runs>, runs: &Runs) -> SocketAddr {
    let router = webhooks.into_router().unwrap();
    serve(Router::new().merge(router).with_state(runs.clone())).await
}

/// A signed `event_type` sample with `Body`, carrying this idempotency token. Signed for
/// `signed_for` (instances behind one load balancer share the public URL; here each test signs
/// for the instance it sends to).
fn webhook(addr: SocketAddr, event_type: &str, body: &str, token: &str) -> http::Request<String> {
    let params: Params = sample_replacing(event_type, &[("Body", body)]);
    let mut request = TestRequest::new(url(addr, PATH), TOKEN)
        .params(params)
        .build();
    request
        .headers_mut()
        .insert("i-twilio-idempotency-token", token.parse().unwrap());
    request
}

fn events(addr: SocketAddr, batch: &EventBatch) -> http::Request<String> {
    batch.request(&url(addr, EVENTS), TOKEN).unwrap()
}

fn redis_idempotency(server: &RedisServer) -> Idempotency {
    let store = RedisStore::builder()
        .timeout(Duration::from_millis(300))
        .connect_lazy(&server.url())
        .unwrap();
    Idempotency::new(store)
}

/// The same deliveries sent `copies` times each, all at once, spread over `addrs`.
async fn storm(addrs: &[SocketAddr], keys: usize, copies: usize) -> Vec<u16> {
    let client = common::client();
    let mut tasks = Vec::new();
    for key in 0..keys {
        for copy in 0..copies {
            let addr = addrs[copy % addrs.len()];
            let webhook_client = client.clone();
            tasks.push(tokio::spawn(async move {
                let body = format!("storm {key}");
                let request = webhook(addr, "onMessageAdded", &body, &format!("token-{key}"));
                send_via(&webhook_client, addr, request).await.status
            }));
            let batch = EventBatch::new()
                .sample_with(
                    MESSAGE_ADDED,
                    [("MessageBody", json!(format!("event storm {key}")))],
                )
                .with_id(format!("EZstorm{key}"));
            let events_client = client.clone();
            tasks.push(tokio::spawn(async move {
                send_via(&events_client, addr, events(addr, &batch))
                    .await
                    .status
            }));
        }
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses
}

#[tokio::test]
async fn in_one_process_each_delivery_is_handled_once() {
    let runs = Runs::default();
    let addr = instance(Idempotency::default(), &runs).await;
    let statuses = storm(&[addr], 10, 8).await;
    // A duplicate that arrives while the first runs waits for it and gets its answer.
    assert!(statuses.iter().all(|status| *status == 200), "{statuses:?}");
    for key in 0..10 {
        assert_eq!(runs.get(&format!("storm {key}")), 1, "webhook {key}");
        assert_eq!(runs.get(&format!("event storm {key}")), 1, "event {key}");
    }
}

#[tokio::test]
async fn a_pre_action_retry_gets_the_first_answer() {
    let runs = Runs::default();
    let addr = instance(Idempotency::default(), &runs).await;
    let first = send(addr, webhook(addr, "onMessageAdd", "hello", "pre-1")).await;
    let retry = send(addr, webhook(addr, "onMessageAdd", "hello", "pre-1")).await;
    assert_eq!(
        (first.status, first.body.as_str()),
        (200, r#"{"body":"hello (run 1)"}"#)
    );
    assert_eq!(
        (retry.status, retry.body.as_str()),
        (first.status, first.body.as_str())
    );
    assert_eq!(retry.header("content-type"), first.header("content-type"));
    // Another delivery (another token) runs the handler.
    let other = send(addr, webhook(addr, "onMessageAdd", "hello", "pre-2")).await;
    assert_eq!(other.body, r#"{"body":"hello (run 2)"}"#);
    // Without a token, every request is a delivery of its own.
    let mut untokened = webhook(addr, "onMessageAdd", "hello", "x");
    untokened.headers_mut().remove("i-twilio-idempotency-token");
    assert_eq!(
        send(addr, untokened).await.body,
        r#"{"body":"hello (run 3)"}"#
    );
}

#[tokio::test]
async fn a_failed_handler_runs_again_on_the_retry() {
    let runs = Runs::default();
    let addr = instance(Idempotency::default(), &runs).await;
    let first = send(
        addr,
        webhook(addr, "onMessageAdded", "fail once w", "fail-1"),
    )
    .await;
    assert_eq!(first.status, 500);
    let retry = send(
        addr,
        webhook(addr, "onMessageAdded", "fail once w", "fail-1"),
    )
    .await;
    assert_eq!(retry.status, 200);
    let again = send(
        addr,
        webhook(addr, "onMessageAdded", "fail once w", "fail-1"),
    )
    .await;
    assert_eq!(again.status, 200);
    assert_eq!(
        runs.get("fail once w"),
        2,
        "failed once, ran again once, then suppressed"
    );

    // In a batch: the failed event runs again, the done ones are skipped.
    let batch = EventBatch::new()
        .sample_with(MESSAGE_ADDED, [("MessageBody", json!("done e"))])
        .sample_with(MESSAGE_ADDED, [("MessageBody", json!("fail once e"))]);
    assert_eq!(send(addr, events(addr, &batch)).await.status, 500);
    assert_eq!(send(addr, events(addr, &batch)).await.status, 200);
    assert_eq!(send(addr, events(addr, &batch)).await.status, 200);
    assert_eq!((runs.get("done e"), runs.get("fail once e")), (1, 2));
}

#[tokio::test]
async fn two_instances_over_one_redis_handle_each_delivery_once() {
    let server = RedisServer::start();
    let runs_a = Runs::default();
    let runs_b = Runs::default();
    let a = instance(redis_idempotency(&server), &runs_a).await;
    let b = instance(redis_idempotency(&server), &runs_b).await;
    let statuses = storm(&[a, b], 10, 8).await;
    // A duplicate still running on the other instance past the deadline would be a 503; with
    // 30 ms handlers each waits for the first and gets 200.
    assert!(statuses.iter().all(|status| *status == 200), "{statuses:?}");
    for key in 0..10 {
        for body in [format!("storm {key}"), format!("event storm {key}")] {
            assert_eq!(runs_a.get(&body) + runs_b.get(&body), 1, "{body}");
        }
    }
    // A pre-action retry on the other instance gets the first instance's answer.
    let first = send(a, webhook(a, "onMessageAdd", "shared", "pre-shared")).await;
    let retry = send(b, webhook(b, "onMessageAdd", "shared", "pre-shared")).await;
    assert_eq!(first.body, r#"{"body":"shared (run 1)"}"#);
    assert_eq!(retry.body, first.body);
}

#[tokio::test]
async fn a_claim_left_by_a_dead_instance_lapses() {
    let server = RedisServer::start();
    let claim_ttl = Duration::from_millis(1500);
    // The "dead" instance claimed the event and never finished: its claim is in Redis.
    let dead = RedisStore::connect(&server.url()).await.unwrap();
    let _owner = orphan_claim(&dead, "events:EZ-orphan", claim_ttl).await;

    let runs = Runs::default();
    let built = webhooks(redis_idempotency(&server)).events_deadline(Duration::from_millis(300));
    let addr = serve_built(built, &runs).await;
    let batch = EventBatch::new()
        .sample_with(MESSAGE_ADDED, [("MessageBody", json!("orphan"))])
        .with_id("EZ-orphan");
    // While the claim lives, the delivery waits until the batch deadline, then asks for the
    // batch again.
    let early = send(addr, events(addr, &batch)).await;
    assert_eq!(early.status, 500);
    assert_eq!(runs.get("orphan"), 0);
    tokio::time::sleep(claim_ttl).await;
    let later = send(addr, events(addr, &batch)).await;
    assert_eq!(later.status, 200);
    assert_eq!(runs.get("orphan"), 1);
}

/// Claims `key` the way an instance does before running a handler.
async fn orphan_claim(
    store: &RedisStore,
    key: &str,
    ttl: Duration,
) -> twilio_webhooks::idempotency::Owner {
    use twilio_webhooks::idempotency::{Claim, IdempotencyStore};
    match store.claim(key, ttl).await.unwrap() {
        Claim::Fresh(owner) => owner,
        other => panic!("expected a fresh claim, got {other:?}"),
    }
}

#[tokio::test]
async fn redis_down_still_answers_and_suppression_resumes_when_it_is_back() {
    let mut server = RedisServer::start();
    let idempotency = redis_idempotency(&server);
    let failures = idempotency.failures();
    let runs = Runs::default();
    let addr = instance(idempotency, &runs).await;

    assert_eq!(
        send(addr, webhook(addr, "onMessageAdded", "before", "t-before"))
            .await
            .status,
        200
    );
    server.stop();
    // Fail open: answered and handled, duplicates not suppressed meanwhile, counted.
    for _ in 0..2 {
        let reply = send(
            addr,
            webhook(addr, "onMessageAdded", "while down", "t-down"),
        )
        .await;
        assert_eq!(reply.status, 200);
    }
    assert_eq!(runs.get("while down"), 2, "nothing lost");
    assert!(
        failures.get() >= 2,
        "each failure counted: {}",
        failures.get()
    );

    server.restart();
    let mut resumed = false;
    for attempt in 0..50 {
        let body = format!("after {attempt}");
        let token = format!("t-after-{attempt}");
        let first = send(addr, webhook(addr, "onMessageAdded", &body, &token)).await;
        let second = send(addr, webhook(addr, "onMessageAdded", &body, &token)).await;
        assert_eq!((first.status, second.status), (200, 200));
        if runs.get(&body) == 1 {
            resumed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        resumed,
        "duplicate suppression did not resume after Redis came back"
    );
}

#[tokio::test]
async fn fail_closed_answers_503_while_the_store_is_down() {
    let mut server = RedisServer::start();
    let runs = Runs::default();
    let addr = instance(
        redis_idempotency(&server).on_store_failure(StoreFailure::Refuse),
        &runs,
    )
    .await;
    server.stop();
    let reply = send(
        addr,
        webhook(addr, "onMessageAdded", "refused", "t-refused"),
    )
    .await;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (503, "duplicate suppression is unavailable")
    );
    let batch = EventBatch::new().sample_with(MESSAGE_ADDED, [("MessageBody", json!("refused e"))]);
    assert_eq!(send(addr, events(addr, &batch)).await.status, 500);
    assert_eq!(runs.total(), 0);
}
