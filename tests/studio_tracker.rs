//! The `studio_tracker` example as a process, driven over HTTP as `DESIGN.md` specifies: signed
//! Event Streams deliveries of Studio events in, `GET /executions/{FN}` and the lists out, the
//! Execution Context from the Studio stand-in (`tests/studio_standin`), and for the shared
//! state a real redis-server.
//!
//! `cargo test` builds the example before it runs the tests; when running this file alone,
//! build it first: `cargo build --all-features --example studio_tracker`. Needs the `studio`
//! and `redis` features and `redis-server` on the PATH.

mod common;
#[path = "common/redis.rs"]
mod redis_server;
mod studio_standin;
/// The example's state model and merge rules, checked directly below.
#[allow(dead_code)]
#[path = "../examples/studio_tracker/tracker.rs"]
mod tracker;

use std::fs::File;
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use twilio_webhooks::testing::EventBatch;

use common::{Reply, TempPath};
use redis_server::RedisServer;
use studio_standin::{Fault, StandIn, ACCOUNT_SID, AUTH_TOKEN, FLOW};

const STARTED: &str = "com.twilio.studio.flow.execution.started";
const ENDED: &str = "com.twilio.studio.flow.execution.ended";
const STEP: &str = "com.twilio.studio.flow.step.ended";

/// How long the tracker may take to listen.
const WAIT: Duration = Duration::from_secs(10);

/// The variables the example reads; each run starts without them.
const CONFIG_VARS: &[&str] = &[
    "TWILIO_AUTH_TOKEN",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_API_BASE",
    "PUBLIC_URL",
    "PORT",
    "REDIS_URL",
    "RUST_LOG",
];

/// A running tracker, killed when dropped; what it printed is shown when a test fails.
struct Tracker {
    child: Child,
    addr: SocketAddr,
    stderr: TempPath,
}

impl Tracker {
    /// Starts the tracker against `studio`, with its state in `redis_url` when given, and waits
    /// until it listens.
    async fn start(studio: &StandIn, redis_url: Option<&str>) -> Self {
        let port = common::free_port();
        let stderr = TempPath::new("studio_tracker.stderr");
        let mut command = Command::new(common::built_example("studio_tracker"));
        for var in CONFIG_VARS {
            command.env_remove(var);
        }
        command
            .env("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
            .env("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
            .env("TWILIO_API_BASE", studio.base_url())
            .env("PORT", port.to_string())
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(File::create(&stderr.0).unwrap());
        if let Some(url) = redis_url {
            command.env("REDIS_URL", url);
        }
        let child = command.spawn().expect("start the studio_tracker example");
        let mut tracker = Self {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            stderr,
        };
        let started = Instant::now();
        loop {
            if let Some(status) = tracker.child.try_wait().unwrap() {
                panic!(
                    "the tracker exited ({status}) instead of serving:\n{}",
                    tracker.stderr.read()
                );
            }
            if TcpStream::connect_timeout(&tracker.addr, Duration::from_millis(200)).is_ok() {
                return tracker;
            }
            assert!(
                started.elapsed() < WAIT,
                "the tracker did not listen within {WAIT:?}:\n{}",
                tracker.stderr.read()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Delivers `events` as one signed Event Streams batch.
    async fn deliver(&self, events: &[Value]) -> Reply {
        deliver_to(self.addr, events.to_vec()).await
    }

    /// Delivers `events`, expecting 200.
    async fn deliver_ok(&self, events: &[Value]) {
        let reply = self.deliver(events).await;
        assert_eq!(
            reply.status,
            200,
            "{}\ntracker log:\n{}",
            reply.body,
            self.stderr.read()
        );
    }

    /// `GET path`: the status and the body.
    async fn get(&self, path: &str) -> Reply {
        common::send(self.addr, common::plain_get(self.addr, path)).await
    }

    /// `GET path`, expecting 200 with JSON.
    async fn get_json(&self, path: &str) -> Value {
        let reply = self.get(path).await;
        assert_eq!(reply.status, 200, "GET {path}: {}", reply.body);
        assert_eq!(reply.content_type(), Some("application/json"), "GET {path}");
        serde_json::from_str(&reply.body).unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    async fn execution(&self, sid: &str) -> Value {
        self.get_json(&format!("/executions/{sid}")).await
    }
}

/// Delivers `events` to the tracker at `addr` as one signed Event Streams batch.
async fn deliver_to(addr: SocketAddr, events: Vec<Value>) -> Reply {
    let url = common::url(addr, "/twilio/events");
    let request = twilio_webhooks::testing::event_streams_request(&url, AUTH_TOKEN, &events)
        .expect("a valid URL");
    common::send(addr, request).await
}

impl Drop for Tracker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("tracker log:\n{}", self.stderr.read());
        }
    }
}

/// A SID with `prefix` and `n` as its hex digits.
fn sid(prefix: &str, n: u64) -> String {
    format!("{prefix}{n:032x}")
}

/// One CloudEvent of `event_type`: its sample with `fields` replaced (and a fresh `id`).
fn event(event_type: &str, fields: Value) -> Value {
    let Value::Object(fields) = fields else {
        panic!("fields must be an object")
    };
    EventBatch::new()
        .sample_with(event_type, fields)
        .events()
        .first()
        .cloned()
        .unwrap()
}

fn started(execution: &str, started_by: Value, date_created: &str) -> Value {
    event(
        STARTED,
        json!({"execution_sid": execution, "flow_sid": FLOW, "started_by": started_by, "date_created": date_created}),
    )
}

fn ended(execution: &str, started_by: Value, reason: &str) -> Value {
    event(
        ENDED,
        json!({"execution_sid": execution, "flow_sid": FLOW, "started_by": started_by, "ended_reason": reason}),
    )
}

fn step(execution: &str, step_sid: &str, to: &str, date_created: &str) -> Value {
    event(
        STEP,
        json!({
            "execution_sid": execution, "flow_sid": FLOW, "step_sid": step_sid,
            "name": format!("to {to}"), "transitioned_from": "Trigger", "transitioned_to": to,
            "date_created": date_created,
        }),
    )
}

/// The same CloudEvent with another `id`: what a second event about the same thing looks like.
fn with_new_id(event: &Value) -> Value {
    let mut copy = event.clone();
    copy["id"] = json!(format!("{}-again", event["id"].as_str().unwrap()));
    copy
}

/// How many times the stand-in was asked for the context of `execution`.
fn context_calls(studio: &StandIn, execution: &str) -> usize {
    let path = format!("/v2/Flows/{FLOW}/Executions/{execution}/Context");
    studio
        .requests()
        .iter()
        .filter(|request| request.path == path)
        .count()
}

/// The answer of `GET /executions/{FN}`, as the contract has it.
fn expected(
    execution: &str,
    status: &str,
    conversation: Option<&str>,
    call: Option<&str>,
    ended_reason: Option<&str>,
    steps: &[(&str, &str)],
) -> Value {
    json!({
        "execution_sid": execution,
        "flow_sid": FLOW,
        "status": status,
        "contact_channel_address": "+15005550006",
        "conversation_sid": conversation,
        "call_sid": call,
        "ended_reason": ended_reason,
        "steps": steps.iter().map(|(sid, to)| json!({
            "step_sid": sid, "name": format!("to {to}"), "transitioned_from": "Trigger", "transitioned_to": to,
        })).collect::<Vec<_>>(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn started_by_a_call_or_conversation_needs_no_context() {
    let studio = StandIn::start().await;
    let tracker = Tracker::start(&studio, None).await;
    let (by_call, by_conversation) = (sid("FN", 0xa1), sid("FN", 0xa2));
    let (call, conversation) = (sid("CA", 0xc1), sid("CH", 0xc2));

    // Other types in the batch are acknowledged.
    tracker
        .deliver_ok(&[
            started(&by_call, json!(call), "2026-11-20T10:00:00Z"),
            event("com.twilio.conversations.message.added", json!({})),
            started(
                &by_conversation,
                json!(conversation),
                "2026-11-20T10:01:00Z",
            ),
        ])
        .await;

    assert_eq!(
        tracker.execution(&by_call).await,
        expected(&by_call, "active", None, Some(&call), None, &[])
    );
    assert_eq!(
        tracker.execution(&by_conversation).await,
        expected(
            &by_conversation,
            "active",
            Some(&conversation),
            None,
            None,
            &[]
        )
    );
    assert_eq!(
        tracker.get_json(&format!("/calls/{call}/executions")).await,
        json!([by_call])
    );
    assert_eq!(
        tracker
            .get_json(&format!("/conversations/{conversation}/executions"))
            .await,
        json!([by_conversation])
    );
    assert!(
        studio.requests().is_empty(),
        "no Studio call expected: {:?}",
        studio.requests()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_starts_are_correlated_through_the_context_once() {
    let studio = StandIn::start().await;
    let tracker = Tracker::start(&studio, None).await;
    let (conversation, call) = (sid("CH", 0xd1), sid("CA", 0xd2));
    let messaging = studio.seed_execution(
        FLOW,
        "+15005550006",
        json!({"trigger": {"conversation": {"ConversationSid": conversation, "Body": "hi"}}}),
    );
    let voice = studio.seed_execution(
        FLOW,
        "+15005550007",
        json!({"trigger": {"call": {"CallSid": call, "From": "+15005550007"}}}),
    );
    // started_by names neither a conversation nor a call: a message, or nothing.
    let first = [
        started(&messaging, json!(sid("SM", 0xd3)), "2026-11-20T10:00:00Z"),
        started(&voice, Value::Null, "2026-11-20T10:00:01Z"),
    ];
    tracker.deliver_ok(&first).await;

    let messaging_json = tracker.execution(&messaging).await;
    assert_eq!(messaging_json["conversation_sid"], json!(conversation));
    assert_eq!(messaging_json["call_sid"], Value::Null);
    let voice_json = tracker.execution(&voice).await;
    assert_eq!(voice_json["call_sid"], json!(call));
    assert_eq!(voice_json["conversation_sid"], Value::Null);
    assert_eq!(
        tracker
            .get_json(&format!("/conversations/{conversation}/executions"))
            .await,
        json!([messaging])
    );
    assert_eq!(
        tracker.get_json(&format!("/calls/{call}/executions")).await,
        json!([voice])
    );

    // Another started event of each (a new id, so not a duplicate delivery) and their ends:
    // the context is known, Studio is not asked again.
    tracker
        .deliver_ok(&[
            with_new_id(&first[0]),
            with_new_id(&first[1]),
            ended(&messaging, json!(sid("SM", 0xd3)), "FLOW_END"),
            ended(&voice, Value::Null, "FLOW_END"),
        ])
        .await;
    assert_eq!(context_calls(&studio, &messaging), 1);
    assert_eq!(context_calls(&studio, &voice), 1);
    assert_eq!(studio.requests().len(), 2, "{:?}", studio.requests());
    assert_eq!(tracker.execution(&voice).await["status"], "ended");
}

/// Ends and steps before the start, in reverse time order, each more than once: the same
/// record as in order.
async fn events_in_any_order_and_twice(studio: &StandIn, tracker: &Tracker) {
    let execution = sid("FN", 0xe1);
    let call = sid("CA", 0xe2);
    let steps = [
        (sid("FT", 1), "greet", "2026-11-20T10:05:01Z"),
        (sid("FT", 2), "menu", "2026-11-20T10:05:02Z"),
        (sid("FT", 3), "agent", "2026-11-20T10:05:02Z"), // same time: after "menu", which came first
        (sid("FT", 4), "bye", "2026-11-20T10:05:03.500Z"),
    ];
    let step_events: Vec<Value> = steps
        .iter()
        .map(|(step_sid, to, at)| step(&execution, step_sid, to, at))
        .collect();

    let end = ended(&execution, json!(call), "FLOW_END");
    tracker.deliver_ok(std::slice::from_ref(&end)).await;
    assert_eq!(
        tracker.execution(&execution).await,
        expected(&execution, "ended", None, None, Some("FLOW_END"), &[]),
        "before started: no conversation or call yet"
    );
    // The last step first; then the second with the last again (same CloudEvent).
    tracker.deliver_ok(&[step_events[3].clone()]).await;
    tracker
        .deliver_ok(&[step_events[1].clone(), step_events[3].clone()])
        .await;
    // The first and third; the first again as another event (same step SID, new id).
    tracker
        .deliver_ok(&[step_events[0].clone(), step_events[2].clone()])
        .await;
    tracker.deliver_ok(&[with_new_id(&step_events[0])]).await;
    tracker.deliver_ok(std::slice::from_ref(&end)).await;
    assert_eq!(
        tracker.get_json(&format!("/calls/{call}/executions")).await,
        json!([])
    );

    let start = started(&execution, json!(call), "2026-11-20T10:05:00Z");
    tracker.deliver_ok(std::slice::from_ref(&start)).await;
    tracker
        .deliver_ok(&[start.clone(), with_new_id(&start)])
        .await;

    let in_order: Vec<(&str, &str)> = [0, 1, 2, 3]
        .iter()
        .map(|&i| (steps[i].0.as_str(), steps[i].1))
        .collect();
    assert_eq!(
        tracker.execution(&execution).await,
        expected(
            &execution,
            "ended",
            None,
            Some(&call),
            Some("FLOW_END"),
            &in_order
        ),
        "a late start never makes an ended execution active again"
    );
    assert_eq!(
        tracker.get_json(&format!("/calls/{call}/executions")).await,
        json!([execution])
    );
    assert!(studio.requests().is_empty(), "{:?}", studio.requests());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_in_any_order_and_twice_in_memory() {
    let studio = StandIn::start().await;
    let tracker = Tracker::start(&studio, None).await;
    events_in_any_order_and_twice(&studio, &tracker).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_in_any_order_and_twice_in_redis() {
    let redis = RedisServer::start();
    let studio = StandIn::start().await;
    let tracker = Tracker::start(&studio, Some(&redis.url())).await;
    events_in_any_order_and_twice(&studio, &tracker).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_context_api_gets_a_503_then_the_redelivery_correlates() {
    let studio = StandIn::start().await;
    let tracker = Tracker::start(&studio, None).await;
    for (n, fault) in [Fault::ServerError(503), Fault::RateLimited(Some(1))]
        .into_iter()
        .enumerate()
    {
        let call = sid("CA", 0xf0 + n as u64);
        let execution = studio.seed_execution(
            FLOW,
            &format!("+1500555001{n}"),
            json!({"trigger": {"call": {"CallSid": call}}}),
        );
        let start = started(&execution, Value::Null, "2026-11-20T10:00:00Z");
        let step = step(
            &execution,
            &sid("FT", 0xf0 + n as u64),
            "menu",
            "2026-11-20T10:00:01Z",
        );

        studio.push_faults([fault.clone()]);
        let reply = tracker.deliver(&[step.clone(), start.clone()]).await;
        assert_eq!(reply.status, 503, "{fault:?}: {}", reply.body);
        assert_eq!(context_calls(&studio, &execution), 1);
        // What could be merged is there; the correlation is not.
        let json = tracker.execution(&execution).await;
        assert_eq!(json["call_sid"], Value::Null, "{json}");
        assert_eq!(json["steps"].as_array().unwrap().len(), 1, "{json}");

        // Event Streams delivers the same batch again.
        tracker.deliver_ok(&[step, start]).await;
        assert_eq!(context_calls(&studio, &execution), 2);
        let json = tracker.execution(&execution).await;
        assert_eq!(json["call_sid"], json!(call), "{json}");
        assert_eq!(json["steps"].as_array().unwrap().len(), 1, "{json}");
        assert_eq!(
            tracker.get_json(&format!("/calls/{call}/executions")).await,
            json!([execution])
        );
    }
    // The failures are logged, naming the execution, never with the credentials.
    let log = tracker.stderr.read();
    assert!(log.contains("cannot correlate FN"), "{log}");
    assert!(!log.contains(AUTH_TOKEN), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_context_is_recorded_without_correlation() {
    let studio = StandIn::start().await;
    let tracker = Tracker::start(&studio, None).await;
    // Studio does not know this execution (any more): its context answers 404.
    let execution = sid("FN", 0x404);
    let start = started(&execution, json!(sid("SM", 0x404)), "2026-11-20T10:00:00Z");
    tracker.deliver_ok(std::slice::from_ref(&start)).await;
    assert_eq!(
        tracker.execution(&execution).await,
        expected(&execution, "active", None, None, None, &[])
    );
    tracker.deliver_ok(&[with_new_id(&start)]).await;
    assert_eq!(
        context_calls(&studio, &execution),
        1,
        "the 404 is remembered"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_are_oldest_start_first_and_paths_are_checked_in_memory() {
    let studio = StandIn::start().await;
    let tracker = Tracker::start(&studio, None).await;
    lists_are_oldest_start_first_and_paths_are_checked(&tracker).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_are_oldest_start_first_and_paths_are_checked_in_redis() {
    let redis = RedisServer::start();
    let studio = StandIn::start().await;
    let tracker = Tracker::start(&studio, Some(&redis.url())).await;
    lists_are_oldest_start_first_and_paths_are_checked(&tracker).await;
}

async fn lists_are_oldest_start_first_and_paths_are_checked(tracker: &Tracker) {
    let conversation = sid("CH", 0x1157);
    // Sent newest first, with two started at the same time (then ordered by SID).
    let executions = [
        (sid("FN", 0x30), "2026-11-20T12:00:00Z"),
        (sid("FN", 0x20), "2026-11-20T10:00:00.500Z"),
        (sid("FN", 0x11), "2026-11-20T10:00:00Z"),
        (sid("FN", 0x10), "2026-11-20T10:00:00Z"),
        (sid("FN", 0x05), "2026-11-21T08:00:00Z"),
    ];
    for (execution, at) in &executions {
        tracker
            .deliver_ok(&[started(execution, json!(conversation), at)])
            .await;
    }
    assert_eq!(
        tracker
            .get_json(&format!("/conversations/{conversation}/executions"))
            .await,
        json!([
            executions[3].0,
            executions[2].0,
            executions[1].0,
            executions[0].0,
            executions[4].0
        ])
    );
    assert_eq!(
        tracker
            .get_json(&format!("/conversations/{}/executions", sid("CH", 1)))
            .await,
        json!([])
    );
    assert_eq!(
        tracker
            .get_json(&format!("/calls/{}/executions", sid("CA", 1)))
            .await,
        json!([])
    );
    assert_eq!(
        tracker
            .get(&format!("/executions/{}", sid("FN", 0x999)))
            .await
            .status,
        404
    );
    for bad in [
        "/executions/nope".to_owned(),
        format!("/executions/{conversation}"),
        format!("/executions/{}", sid("FN", 1).to_lowercase()),
        format!("/conversations/{}/executions", sid("CA", 1)),
        "/conversations/CH123/executions".to_owned(),
        format!("/calls/{conversation}/executions"),
    ] {
        let reply = tracker.get(&bad).await;
        assert_eq!(reply.status, 400, "GET {bad}: {}", reply.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_over_one_redis_agree() {
    let redis = RedisServer::start();
    let studio = StandIn::start().await;
    let a = Tracker::start(&studio, Some(&redis.url())).await;
    let b = Tracker::start(&studio, Some(&redis.url())).await;

    let conversation = sid("CH", 0x2a);
    let execution = studio.seed_execution(
        FLOW,
        "+15005550006",
        json!({"trigger": {"conversation": {"ConversationSid": conversation}}}),
    );
    let steps: Vec<(String, String, String)> = (0..30)
        .map(|i| {
            (
                sid("FT", 0x100 + i),
                format!("widget_{i}"),
                format!("2026-11-20T10:05:{:02}Z", 10 + i),
            )
        })
        .collect();
    let step_events: Vec<Value> = steps
        .iter()
        .map(|(step_sid, to, at)| step(&execution, step_sid, to, at))
        .collect();
    let start = started(&execution, json!(sid("SM", 0x2a)), "2026-11-20T10:05:00Z");
    let end = ended(&execution, json!(sid("SM", 0x2a)), "FLOW_END");

    // Split across the instances and all at once: A gets the end and the even steps, B the
    // start and the odd ones, and each step goes to the other instance too as another event.
    let mut deliveries = vec![(a.addr, end.clone()), (b.addr, start.clone())];
    for (i, e) in step_events.iter().enumerate() {
        let (first, other) = if i % 2 == 0 {
            (a.addr, b.addr)
        } else {
            (b.addr, a.addr)
        };
        deliveries.push((first, e.clone()));
        deliveries.push((other, with_new_id(e)));
    }
    let mut sending = tokio::task::JoinSet::new();
    for (addr, e) in deliveries {
        sending.spawn(deliver_to(addr, vec![e]));
    }
    while let Some(reply) = sending.join_next().await {
        let reply = reply.unwrap();
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    // The start again: the same delivery to A (a duplicate across instances), a new event to A.
    a.deliver_ok(std::slice::from_ref(&start)).await;
    a.deliver_ok(&[with_new_id(&start)]).await;

    let in_order: Vec<(&str, &str)> = steps
        .iter()
        .map(|(step_sid, to, _)| (step_sid.as_str(), to.as_str()))
        .collect();
    let want = expected(
        &execution,
        "ended",
        Some(&conversation),
        None,
        Some("FLOW_END"),
        &in_order,
    );
    assert_eq!(a.execution(&execution).await, want);
    assert_eq!(b.execution(&execution).await, want);
    let list = format!("/conversations/{conversation}/executions");
    assert_eq!(a.get_json(&list).await, json!([execution]));
    assert_eq!(b.get_json(&list).await, json!([execution]));
    assert_eq!(
        context_calls(&studio, &execution),
        1,
        "one Context call for both instances"
    );

    // One instance's record answers on the other.
    let by_call = sid("FN", 0x2b);
    let call = sid("CA", 0x2b);
    a.deliver_ok(&[started(&by_call, json!(call), "2026-11-20T11:00:00Z")])
        .await;
    assert_eq!(
        b.execution(&by_call).await,
        expected(&by_call, "active", None, Some(&call), None, &[])
    );
    assert_eq!(
        b.get_json(&format!("/calls/{call}/executions")).await,
        json!([by_call])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_context_call_at_a_time_across_instances() {
    let redis = RedisServer::start();
    let studio = StandIn::start().await;
    let a = Tracker::start(&studio, Some(&redis.url())).await;
    let b = Tracker::start(&studio, Some(&redis.url())).await;
    let call = sid("CA", 0x3c);
    let execution = studio.seed_execution(
        FLOW,
        "+15005550006",
        json!({"trigger": {"call": {"CallSid": call}}}),
    );
    let start = started(&execution, Value::Null, "2026-11-20T10:00:00Z");

    // Studio does not answer A's call until A's client gives up (3 s).
    studio.push_faults([Fault::Hang]);
    let first = tokio::spawn(deliver_to(a.addr, vec![start.clone()]));
    let asked = Instant::now();
    while context_calls(&studio, &execution) == 0 {
        assert!(asked.elapsed() < WAIT, "A never asked for the context");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Meanwhile another event of the same start reaches B: it does not call Studio too.
    let reply = b.deliver(&[with_new_id(&start)]).await;
    assert_eq!(reply.status, 503, "{}", reply.body);
    assert_eq!(context_calls(&studio, &execution), 1);
    let reply = common::bounded("A's delivery", first).await.unwrap();
    assert_eq!(reply.status, 503, "{}", reply.body);

    // The redelivery (to either) correlates; nothing is asked after that.
    b.deliver_ok(std::slice::from_ref(&start)).await;
    a.deliver_ok(&[with_new_id(&start)]).await;
    assert_eq!(context_calls(&studio, &execution), 2);
    assert_eq!(a.execution(&execution).await["call_sid"], json!(call));
}

/// The merge rules alone: every order of the same changes, each applied once or twice, gives
/// the same record (but for the arrival numbers of steps).
#[test]
fn merges_commute_and_are_idempotent() {
    use tracker::{BelongsTo, Change, Record, Step};

    let execution = sid("FN", 1).parse().unwrap();
    let flow = FLOW.parse().unwrap();
    let step = |n: u64, at: Option<i64>| Change::Step {
        flow_sid: flow,
        step: Step {
            step_sid: sid("FT", n).parse().unwrap(),
            name: Some(format!("step {n}")),
            transitioned_from: None,
            transitioned_to: None,
            at,
            arrival: 0,
        },
    };
    let changes = [
        Change::Started {
            flow_sid: flow,
            contact: Some("+15005550006".into()),
            started_by: Some(sid("SM", 1)),
            started_at: Some(100),
        },
        Change::Ended {
            flow_sid: flow,
            contact: Some("+15005550006".into()),
            ended_reason: Some("FLOW_END".into()),
            started_at: Some(100),
        },
        step(1, Some(200)),
        step(2, Some(150)),
        step(3, None),
        Change::Correlated {
            flow_sid: flow,
            belongs_to: BelongsTo::Call(sid("CA", 1).parse().unwrap()),
        },
    ];
    let fold = |order: &[usize], twice: bool| {
        let mut record: Option<Record> = None;
        for &i in order {
            for _ in 0..if twice { 2 } else { 1 } {
                record = Some(Record::apply(record, execution, &changes[i]));
            }
        }
        let mut record = record.unwrap();
        let steps: Vec<String> = record
            .steps_in_order()
            .iter()
            .map(|s| s.step_sid.to_string())
            .collect();
        for step in &mut record.steps {
            step.arrival = 0;
        }
        record.steps.sort_by_key(|s| s.step_sid);
        (record, steps)
    };
    let reference = fold(&[0, 1, 2, 3, 4, 5], false);
    assert_eq!(reference.0.status(), "ended");
    assert_eq!(reference.1, [sid("FT", 2), sid("FT", 1), sid("FT", 3)]);
    assert_eq!(
        reference.0.to_json()["call_sid"],
        json!(sid("CA", 1)),
        "{:?}",
        reference.0
    );

    // Every permutation of the six changes.
    let mut order = [0, 1, 2, 3, 4, 5];
    let mut count = 0;
    permute(&mut order, 0, &mut |order| {
        count += 1;
        assert_eq!(fold(order, count % 2 == 0), reference, "{order:?}");
    });
    assert_eq!(count, 720);

    // A later decision does not replace the first.
    let decided = Record::apply(
        Some(reference.0.clone()),
        execution,
        &Change::Correlated {
            flow_sid: flow,
            belongs_to: BelongsTo::Nothing,
        },
    );
    assert_eq!(decided.belongs_to, reference.0.belongs_to);
}

fn permute(items: &mut [usize; 6], from: usize, visit: &mut impl FnMut(&[usize])) {
    if from == items.len() {
        visit(items);
        return;
    }
    for i in from..items.len() {
        items.swap(from, i);
        permute(items, from + 1, visit);
        items.swap(from, i);
    }
}
