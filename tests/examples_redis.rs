//! The `archive` example run twice over one real redis-server (`REDIS_URL`), as two instances
//! behind a load balancer would be: every webhook retry and every redelivered CloudEvent, sent to
//! both instances, is written once across the two files.
//!
//! Needs the `redis` feature (the example is built with it) and `redis-server` on the PATH.

mod common;
#[path = "common/redis.rs"]
mod redis_server;

use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use twilio_webhooks::testing::{EventBatch, TestRequest};

use common::{sample_replacing, send, TempPath, PATH};
use redis_server::RedisServer;

const TOKEN: &str = "examples-redis-auth-token";

/// A running example, killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the archive on a free port, appending to `path`, deduplicating through `redis_url`.
fn archive(path: &TempPath, redis_url: &str) -> (Running, SocketAddr) {
    let port = common::free_port();
    let child = Command::new(common::built_example("archive"))
        .env_clear()
        .env("TWILIO_AUTH_TOKEN", TOKEN)
        .env("PORT", port.to_string())
        .env("ARCHIVE_PATH", &path.0)
        .env("REDIS_URL", redis_url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the archive example (built by `cargo test --features redis`)");
    let running = Running(child);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let started = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the archive did not listen"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    (running, addr)
}

#[tokio::test]
async fn two_archives_over_one_redis_write_each_event_once() {
    let server = RedisServer::start();
    let files = [
        TempPath::new("redis-a.jsonl"),
        TempPath::new("redis-b.jsonl"),
    ];
    let (_a, a) = archive(&files[0], &server.url());
    let (_b, b) = archive(&files[1], &server.url());

    for round in 0..5 {
        // One webhook delivery and its retry, each sent to both instances.
        let params = sample_replacing("onMessageAdded", &[("Body", &format!("webhook {round}"))]);
        for addr in [a, b, a, b] {
            let mut request = TestRequest::new(common::url(addr, PATH), TOKEN)
                .params(params.clone())
                .build();
            request.headers_mut().insert(
                "i-twilio-idempotency-token",
                format!("retried-{round}").parse().unwrap(),
            );
            assert_eq!(send(addr, request).await.status, 200);
        }
        // One CloudEvent, redelivered in other batches to both instances.
        let event = EventBatch::new()
            .sample_with(
                "com.twilio.conversations.message.added",
                [("MessageBody", json!(format!("event {round}")))],
            )
            .with_id(format!("EZredelivered{round}"));
        for addr in [b, a, b] {
            let reply = send(
                addr,
                event
                    .request(&common::url(addr, "/twilio/events"), TOKEN)
                    .unwrap(),
            )
            .await;
            assert_eq!(reply.status, 200, "{}", reply.body);
        }
    }

    let mut lines: Vec<String> = files.iter().flat_map(TempPath::lines).collect();
    lines.sort();
    assert_eq!(
        lines.len(),
        10,
        "each delivery written once across both files: {lines:#?}"
    );
    for round in 0..5 {
        let webhook = format!("\"body\":\"webhook {round}\"");
        let event = format!("\"message_body\":\"event {round}\"");
        assert_eq!(
            lines.iter().filter(|line| line.contains(&webhook)).count(),
            1,
            "{webhook}"
        );
        assert_eq!(
            lines.iter().filter(|line| line.contains(&event)).count(),
            1,
            "{event}"
        );
    }
}
