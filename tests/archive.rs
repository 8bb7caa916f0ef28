//! The archive example's handler, served over real HTTP: every post-action event is on disk
//! before the 200, one whole JSON line each, even under concurrent requests.

mod common;

#[allow(dead_code)] // The example binary uses all of it.
#[path = "../examples/archive/archive.rs"]
mod archive;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use common::{
    bounded, is_snake_case, sample_replacing, send, serve, signed, signed_by, signed_sample,
    TempPath, PATH, TOKEN,
};
use serde_json::Value;
use twilio_webhooks::signature::Validator;
use twilio_webhooks::testing;
use twilio_webhooks::{PostActionEvent, PreActionEvent};

/// Serves the example's router, as `main.rs` builds it, appending to `path`.
async fn serve_archive(path: &Path) -> SocketAddr {
    let archive = archive::Archive::open(path).unwrap();
    let router = archive::webhooks()
        .validator(Validator::from_auth_tokens(TOKEN).unwrap())
        .into_router()
        .unwrap();
    serve(router.with_state(archive)).await
}

/// Every key of every object in `value` that is not user data (`attributes`), snake_case.
fn assert_snake_case_keys(value: &Value, at: &str) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                assert!(is_snake_case(key), "{at}: key {key:?} is not snake_case");
                if key != "attributes" {
                    assert_snake_case_keys(value, &format!("{at}.{key}"));
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                assert_snake_case_keys(item, at);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn every_post_action_event_is_on_disk_before_the_200() {
    let file = TempPath::new("each.jsonl");
    let addr = serve_archive(&file.0).await;
    let mut expected = 0;
    for event_type in testing::EVENT_TYPES {
        let reply = send(addr, signed_sample(addr, event_type)).await;
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (200, "{}"),
            "{event_type}"
        );
        // Read right after the answer: the line is already there.
        let lines = file.lines();
        if PreActionEvent::EVENT_TYPES.contains(&event_type) {
            assert_eq!(lines.len(), expected, "{event_type} was archived");
            continue;
        }
        expected += 1;
        assert_eq!(lines.len(), expected, "{event_type} is not on disk");
        let line: Value = serde_json::from_str(&lines[expected - 1]).unwrap_or_else(|err| {
            panic!("{event_type}: not JSON ({err}): {}", lines[expected - 1])
        });
        assert_eq!(line["event_type"], event_type, "{line}");
        assert_eq!(
            line["account_sid"], "ACe268443e43d93dab7ebef303bbe9642f",
            "{line}"
        );
        assert_snake_case_keys(&line, event_type);
        // The line is the event's Serialize form.
        let params = testing::sample_params(event_type).unwrap();
        let twilio_webhooks::Event::PostAction(event) =
            twilio_webhooks::Event::from_params(&params).unwrap()
        else {
            panic!("{event_type} is not a post-action event");
        };
        assert_eq!(line, serde_json::to_value(&event).unwrap());
    }
    assert_eq!(expected, PostActionEvent::EVENT_TYPES.len());
    assert_eq!(file.lines().len(), 13);
}

#[tokio::test]
async fn message_fields_are_archived_as_sent() {
    let file = TempPath::new("fields.jsonl");
    let addr = serve_archive(&file.0).await;
    let body = "line one\nline two \"quoted\" ünïcödé & {json}";
    let params = sample_replacing("onMessageAdded", &[("Body", body)]);
    let reply = send(addr, signed(addr, PATH, params)).await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "{}"));
    let lines = file.lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(line["body"], body);
    assert_eq!(
        line["conversation_sid"],
        "CHce5f02f301018ab60c4921d6654a75cd"
    );
    assert_eq!(line["index"], 7);
    assert_eq!(line["author"], "alice");
}

#[tokio::test]
async fn forged_and_malformed_events_are_not_archived() {
    let file = TempPath::new("refused.jsonl");
    let addr = serve_archive(&file.0).await;
    let params = sample_replacing("onMessageAdded", &[("Body", "forged")]);
    let forged = signed_by("not-the-token", addr, PATH, params);
    assert_eq!(send(addr, forged).await.status, 403);
    let params = sample_replacing("onMessageAdded", &[("Index", "seven")]);
    assert_eq!(send(addr, signed(addr, PATH, params)).await.status, 400);
    assert!(file.lines().is_empty());
}

/// A write that fails (a full disk: `/dev/full`) answers 500, so Twilio can retry.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_failed_write_answers_500() {
    let addr = serve_archive(Path::new("/dev/full")).await;
    let request = signed_sample(addr, "onMessageAdded");
    assert_eq!(send(addr, request).await.status, 500);
    // Pre-action events are not written, so they are still accepted.
    let reply = send(addr, signed_sample(addr, "onMessageAdd")).await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "{}"));
}

#[tokio::test]
async fn concurrent_events_make_whole_lines() {
    const REQUESTS: usize = 200;
    let file = TempPath::new("concurrent.jsonl");
    let addr = serve_archive(&file.0).await;
    // Long bodies, so interleaved writes would show.
    let padding = "x".repeat(4096);
    let client = common::client();
    let limit = Arc::new(tokio::sync::Semaphore::new(50));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..REQUESTS {
        let body = format!("message {i} {padding}");
        let request = signed(
            addr,
            PATH,
            sample_replacing("onMessageAdded", &[("Body", &body)]),
        );
        let client = client.clone();
        let limit = Arc::clone(&limit);
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.unwrap();
            common::send_via(&client, addr, request).await
        });
    }
    bounded("200 concurrent requests", async {
        while let Some(reply) = tasks.join_next().await {
            let reply = reply.unwrap();
            assert_eq!((reply.status, reply.body.as_str()), (200, "{}"));
        }
    })
    .await;

    let lines = file.lines();
    assert_eq!(lines.len(), REQUESTS);
    let mut seen = [false; REQUESTS];
    for line in &lines {
        let value: Value = serde_json::from_str(line)
            .unwrap_or_else(|err| panic!("not a whole JSON line ({err}): {line:.200}"));
        assert_eq!(value["event_type"], "onMessageAdded");
        let body = value["body"].as_str().unwrap();
        let i: usize = body
            .strip_prefix("message ")
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("unexpected body {body:.40}"));
        assert_eq!(body, format!("message {i} {padding}"));
        assert!(!seen[i], "message {i} archived twice");
        seen[i] = true;
    }
    assert!(seen.iter().all(|&seen| seen));
}

/// Every Event Streams event of a batch is one line on disk before the 200: `event_type`,
/// `event_id`, the data in snake_case with typed values; an unknown type keeps its data; an
/// event whose data does not fit its type is written with its error and does not keep the rest
/// of the batch from being written.
#[tokio::test]
async fn every_event_streams_event_is_on_disk_before_the_200() {
    use serde_json::json;
    use twilio_webhooks::streams::Event;
    use twilio_webhooks::testing::EventBatch;

    let file = TempPath::new("streams.jsonl");
    let addr = serve_archive(&file.0).await;
    let mut batch = EventBatch::new();
    for event_type in Event::TYPES {
        batch = batch.sample(event_type);
    }
    let batch = batch
        .sample_with(
            "com.example.future.type",
            [("SomeField", json!({"nested": 1}))],
        )
        .sample_with(
            "com.twilio.conversations.message.added",
            [("Index", json!("not a number"))],
        )
        .sample_with(
            "com.twilio.conversations.message.added",
            [("MessageBody", json!("after the bad one"))],
        );
    let url = common::url(addr, "/twilio/events");
    let reply = send(addr, batch.request(&url, TOKEN).unwrap()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);

    let lines = file.lines();
    assert_eq!(lines.len(), batch.len(), "one line per event");
    for (line, sent) in lines.iter().zip(batch.events()) {
        let line: Value = serde_json::from_str(line).unwrap();
        assert_eq!(line["event_type"], sent["type"], "{line}");
        assert_eq!(line["event_id"], sent["id"], "{line}");
    }
    let parsed: Vec<Value> = lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let message = parsed
        .iter()
        .find(|line| line["event_type"] == "com.twilio.conversations.message.added")
        .unwrap();
    assert!(message["message_body"].is_string(), "{message}");
    assert!(
        message["index"].is_u64(),
        "integers stay integers: {message}"
    );
    assert!(
        message["conversation_sid"]
            .as_str()
            .unwrap()
            .starts_with("CH"),
        "{message}"
    );
    let studio = parsed
        .iter()
        .find(|line| line["event_type"] == "com.twilio.studio.flow.execution.started")
        .unwrap();
    assert!(
        studio["execution_sid"].as_str().unwrap().starts_with("FN"),
        "{studio}"
    );
    let unknown = &parsed[Event::TYPES.len()];
    assert_eq!(unknown["data"]["SomeField"]["nested"], 1, "{unknown}");
    let invalid = &parsed[Event::TYPES.len() + 1];
    assert!(
        invalid["error"].as_str().unwrap().contains("Index"),
        "{invalid}"
    );
    assert_eq!(parsed.last().unwrap()["message_body"], "after the bad one");
}
