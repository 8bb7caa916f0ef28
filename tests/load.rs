//! A bounded load test over real HTTP: the profanity filter example's router, with signature
//! validation, served on 127.0.0.1:0 the way `examples/common/mod.rs` serves it (hyper HTTP/1.1,
//! its header read timeout and connection limit).
//!
//! - `many_connections_a_mix_of_requests_and_memory_back_to_baseline`: a few thousand concurrent
//!   keep-alive connections send a mix of valid and invalid requests; every answer is checked
//!   exactly; the process's memory after the run is compared with its level after a warm-up
//!   round of the same concurrency: the live heap (counted by the global allocator) within
//!   1 MiB, the resident set (`VmRSS`) within a generous 32 MiB (see `RSS_SLACK_KIB`).
//! - `slow_clients_do_not_stop_valid_requests`: while hundreds of connections trickle their
//!   headers or bodies, valid requests on new connections are answered promptly, and the slow
//!   ones are dropped by the header read timeout or answered 408 by the body timeout.
//!
//! Both run in well under a minute on two cores, in the debug profile. The long soak is separate:
//!
//! ```sh
//! LOAD_SOAK_SECS=600 cargo test --release --test load -- --ignored --nocapture
//! ```
//!
//! The tests in this file take turns (a lock): they measure time and the process's memory.

mod common;

#[allow(dead_code)] // The example binary uses all of it; these tests use the router and filter.
#[path = "../examples/profanity_filter/filter.rs"]
mod filter;

use std::alloc::System;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use common::example::HEADER_READ_TIMEOUT;
use common::raw::{form_post, serve_webhooks_like_examples, wire, Conn, RawReply};
use common::{mismatch, modified_body, sample_replacing, signed, url, PATH};
use stats_alloc::{StatsAlloc, INSTRUMENTED_SYSTEM};
use tokio::sync::{Barrier, Semaphore};
use twilio_webhooks::testing::TestRequest;
use twilio_webhooks::Params;

/// Counts the bytes the process has on the heap, to tell a leak from allocator slack.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Bytes currently allocated on the heap (through the global allocator).
fn live_heap() -> i64 {
    let stats = GLOBAL.stats();
    // A reallocation is already counted in these two (as the growth or the shrinkage).
    stats.bytes_allocated as i64 - stats.bytes_deallocated as i64
}

/// One test at a time: each measures latency and the process's memory.
static SERIAL: Mutex<()> = Mutex::new(());

/// This test's turn: held until it ends (a failed test does not stop the others).
fn take_turn() -> MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Concurrent connections of the load run, unless the open-file limit is lower.
const CONNECTIONS: usize = 2_000;

/// Requests of the measured load run, over all connections.
const REQUESTS: usize = 20_000;

/// The measured run fails if it takes longer.
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// How much resident memory (`VmRSS`) may exceed its level after the warm-up once the run is
/// over.
///
/// The warm-up has the run's concurrency, so the runtime and the allocator have already grown to
/// the run's peak. What stays resident afterwards is mostly glibc keeping freed pages in its
/// per-thread arenas, and that depends on how the frees were interleaved: observed +8 to +13 MiB
/// after one run on two cores, creeping up by 1 to 2 MiB per further round towards a plateau,
/// while the live heap was back to the byte. So this bound only catches gross growth; the leak
/// check is [`HEAP_SLACK`] on the heap the global allocator counts.
const RSS_SLACK_KIB: u64 = 32 * 1024;

/// How much more may be live on the heap after the run than after the warm-up: nothing a round
/// allocates outlives it except the runtime's and the libraries' caches, which the warm-up has
/// already filled (observed: no difference at all). 1 MiB is about 50 bytes per request of the
/// run, or 500 bytes per connection.
const HEAP_SLACK: i64 = 1024 * 1024;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The process's resident memory in KiB (`VmRSS` in `/proc/self/status`).
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status")
}

/// The soft limit on open files (`/proc/self/limits`), if it can be read.
fn open_file_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))?;
    line["Max open files".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// `wanted` connections, or fewer when the open-file limit would not allow them: each takes two
/// descriptors in this process (the client's and the server's end), plus some to spare.
fn scaled(wanted: usize) -> usize {
    let Some(limit) = open_file_limit() else {
        return wanted;
    };
    let allowed = limit.saturating_sub(256) / 2;
    if allowed < wanted {
        println!(
            "note: the open-file limit is {limit}: using {allowed} connections instead of \
             {wanted} (raise it with `ulimit -n` for the full test)"
        );
        allowed.max(1)
    } else {
        wanted
    }
}

/// Serves the profanity filter's router as its `main.rs` builds it (default word list), with
/// the examples' header read timeout unless told otherwise.
async fn server(header_read_timeout: Duration, body_timeout: Option<Duration>) -> SocketAddr {
    let default_filter = filter::Filter::from_config(None, "");
    serve_webhooks_like_examples(
        filter::webhooks(),
        default_filter,
        header_read_timeout,
        body_timeout,
    )
    .await
}

/// The request numbered `n` of the mix, and the answer it must get (status, exact body).
///
/// Of every ten: four messages with profanity (masked), one conversation name with profanity
/// (renamed), two post-action events (`{}`), one clean message (`{}`), one signed with the
/// wrong token (403) and one with a body the decoder refuses (400). Every body carries `n`, so
/// an answer can only be its own request's.
fn mixed(addr: SocketAddr, n: usize) -> (Vec<u8>, u16, String) {
    let signed_sample = |event_type, changes: &[(&str, &str)]| {
        signed(addr, PATH, sample_replacing(event_type, changes))
    };
    let message = |body: &str| signed_sample("onMessageAdd", &[("Body", body)]);
    match n % 10 {
        0..=3 => (
            wire(&message(&format!("what the heck #{n}"))),
            200,
            modified_body(&format!("what the **** #{n}")),
        ),
        4 => (
            wire(&signed_sample(
                "onConversationAdd",
                &[("FriendlyName", &format!("Darn {n}"))],
            )),
            200,
            serde_json::json!({ "friendly_name": format!("**** {n}") }).to_string(),
        ),
        5 | 6 => (
            wire(&signed_sample(
                "onMessageAdded",
                &[("Body", &format!("heck {n}"))],
            )),
            200,
            "{}".to_owned(),
        ),
        7 => (
            wire(&message(&format!("all fine #{n}"))),
            200,
            "{}".to_owned(),
        ),
        8 => {
            let forged = TestRequest::new(url(addr, PATH), "a guessed token")
                .params(sample_replacing(
                    "onMessageAdd",
                    &[("Body", &format!("heck #{n}"))],
                ))
                .build();
            (wire(&forged), 403, mismatch())
        }
        _ => {
            let body = format!("EventType=onMessageAdd&Body={n}%zz");
            let expected = Params::parse(body.as_bytes()).unwrap_err().to_string();
            let mut request = message("x");
            *request.body_mut() = body;
            (wire(&request), 400, expected)
        }
    }
}

/// Protocol garbage: hyper answers a bare 400 and closes the connection.
const GARBAGE: &[u8] = b"\x01\x02\x03 not http at all\r\n\r\n";

/// What one round saw.
#[derive(Debug, Default)]
struct Tally {
    valid: usize,
    invalid: usize,
    garbage: usize,
    latencies: Vec<Duration>,
    failures: Vec<String>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.valid += other.valid;
        self.invalid += other.invalid;
        self.garbage += other.garbage;
        self.latencies.extend(other.latencies);
        if self.failures.len() < 20 {
            self.failures.extend(other.failures.into_iter().take(20));
        }
    }

    /// The median, 99th percentile and slowest latency.
    fn latency(&mut self) -> [Duration; 3] {
        self.latencies.sort_unstable();
        [0.5, 0.99, 1.0].map(|p| {
            let index = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
            self.latencies.get(index).copied().unwrap_or_default()
        })
    }
}

/// One connection's part of a round: connect (at most `connecting` at a time), wait until all
/// connections are open, then send `requests` requests from `first` on, one after the other,
/// checking each answer. Every tenth connection ends with protocol garbage.
async fn client(
    addr: SocketAddr,
    index: usize,
    first: usize,
    requests: usize,
    connecting: Arc<Semaphore>,
    all_open: Arc<Barrier>,
) -> Tally {
    let mut tally = Tally::default();
    let permit = connecting.acquire().await.unwrap();
    let conn = Conn::connect(addr).await;
    drop(permit);
    all_open.wait().await;
    let mut conn = match conn {
        Ok(conn) => conn,
        Err(err) => {
            tally
                .failures
                .push(format!("connection {index}: connect: {err}"));
            return tally;
        }
    };
    for n in first..first + requests {
        let (bytes, status, body) = mixed(addr, n);
        let started = Instant::now();
        let reply = async {
            conn.write(&bytes).await?;
            conn.read_reply(false).await
        }
        .await;
        tally.latencies.push(started.elapsed());
        match reply {
            Ok(Some(RawReply {
                status: got,
                body: got_body,
                ..
            })) if got == status && got_body == body.as_bytes() => {
                if status == 200 {
                    tally.valid += 1;
                } else {
                    tally.invalid += 1;
                }
            }
            other => {
                tally.failures.push(format!(
                    "request {n} on connection {index}: expected {status} {body:?}, got {other:?}"
                ));
                return tally;
            }
        }
    }
    if index % 10 == 0 {
        let reply = async {
            conn.write(GARBAGE).await?;
            let reply = conn.read_reply(false).await?;
            conn.closed().await?;
            std::io::Result::Ok(reply)
        }
        .await;
        match reply {
            Ok(Some(reply)) if reply.status == 400 && reply.body.is_empty() => tally.garbage += 1,
            other => tally.failures.push(format!(
                "garbage on connection {index}: expected a bare 400 and a close, got {other:?}"
            )),
        }
    }
    tally
}

/// Runs `requests` requests of the mix, numbered from `first`, over `connections` concurrent
/// connections (all open before the first request is sent).
async fn round(
    addr: SocketAddr,
    connections: usize,
    first: usize,
    requests: usize,
) -> (Tally, Duration) {
    let connecting = Arc::new(Semaphore::new(128));
    let all_open = Arc::new(Barrier::new(connections));
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|index| {
            // Spread the requests evenly; the first connections take the remainder.
            let share = requests / connections + usize::from(index < requests % connections);
            let offset = index * (requests / connections) + index.min(requests % connections);
            tokio::spawn(client(
                addr,
                index,
                first + offset,
                share,
                Arc::clone(&connecting),
                Arc::clone(&all_open),
            ))
        })
        .collect();
    let mut tally = Tally::default();
    for task in tasks {
        tally.merge(task.await.expect("a client task panicked"));
    }
    (tally, started.elapsed())
}

/// The process's memory at one moment.
#[derive(Debug, Clone, Copy)]
struct Memory {
    /// Resident, in KiB.
    rss_kib: u64,
    /// Live on the heap, in bytes.
    heap: i64,
}

impl Memory {
    fn now() -> Self {
        Self {
            rss_kib: rss_kib(),
            heap: live_heap(),
        }
    }
}

/// Waits until the live heap stops falling (the server's connection tasks end as they notice
/// the closes), at most three seconds, then reads the process's memory.
async fn settled() -> Memory {
    let mut last = live_heap();
    for _ in 0..30 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = live_heap();
        if (last - now).abs() < 16 * 1024 {
            break;
        }
        last = now;
    }
    Memory::now()
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

#[test]
fn many_connections_a_mix_of_requests_and_memory_back_to_baseline() {
    let _turn = take_turn();
    let connections = scaled(CONNECTIONS);
    runtime().block_on(async {
        let before = Memory::now();
        let addr = server(HEADER_READ_TIMEOUT, None).await;

        // Warm-up: the same concurrency, fewer requests.
        let (mut warm, warm_time) = round(addr, connections, 0, connections * 2).await;
        assert!(warm.failures.is_empty(), "warm-up: {:#?}", warm.failures);
        let [_, warm_p99, _] = warm.latency();
        let warm_requests = warm.latencies.len();
        drop(warm);
        let warmed = settled().await;

        let run = tokio::time::timeout(RUN_LIMIT, round(addr, connections, 1_000_000, REQUESTS));
        let Ok((mut tally, elapsed)) = run.await else {
            panic!("{REQUESTS} requests over {connections} connections took over {RUN_LIMIT:?}");
        };
        let [p50, p99, max] = tally.latency();
        let Tally {
            valid,
            invalid,
            garbage,
            failures,
            latencies,
        } = tally;
        drop(latencies);
        let after = settled().await;

        println!(
            "load: {connections} concurrent connections, {REQUESTS} requests ({valid} valid, \
             {invalid} invalid) + {garbage} garbage in {:.2} s ({:.0} requests/s); latency p50 \
             {p50:?}, p99 {p99:?}, max {max:?}",
            elapsed.as_secs_f64(),
            REQUESTS as f64 / elapsed.as_secs_f64(),
        );
        println!(
            "load: warm-up {warm_requests} requests in {:.2} s (p99 {warm_p99:?}); VmRSS before \
             {:.1} MiB, after the warm-up {:.1} MiB, after the run {:.1} MiB; live heap before \
             {:.1} MiB, after the warm-up {:.1} MiB, after the run {:.1} MiB",
            warm_time.as_secs_f64(),
            mib(before.rss_kib),
            mib(warmed.rss_kib),
            mib(after.rss_kib),
            before.heap as f64 / 1048576.0,
            warmed.heap as f64 / 1048576.0,
            after.heap as f64 / 1048576.0,
        );
        assert!(failures.is_empty(), "{failures:#?}");
        assert_eq!(valid + invalid, REQUESTS);
        assert_eq!(valid, REQUESTS / 10 * 8);
        assert_eq!(garbage, connections.div_ceil(10));
        assert!(
            after.heap <= warmed.heap + HEAP_SLACK,
            "the live heap grew by {} bytes over the run (allowed: {HEAP_SLACK})",
            after.heap - warmed.heap,
        );
        assert!(
            after.rss_kib <= warmed.rss_kib + RSS_SLACK_KIB,
            "resident memory grew from {:.1} MiB after the warm-up to {:.1} MiB after the run \
             (allowed: {:.1} MiB more)",
            mib(warmed.rss_kib),
            mib(after.rss_kib),
            mib(RSS_SLACK_KIB),
        );
    });
}

/// How long a valid request may take while the slow clients hold their connections.
const PROMPT: Duration = Duration::from_secs(2);

#[test]
fn slow_clients_do_not_stop_valid_requests() {
    let _turn = take_turn();
    // The examples' header timeout is 10 s; 3 s here keeps the test short. The body timeout is
    // the router's, also shortened.
    let header_timeout = Duration::from_secs(3);
    let body_timeout = Duration::from_secs(3);
    let header_slow = scaled(500);
    let body_slow = scaled(100);
    runtime().block_on(async {
        let addr = server(header_timeout, Some(body_timeout)).await;
        let request = wire(&signed(
            addr,
            PATH,
            sample_replacing("onMessageAdd", &[("Body", "what the heck")]),
        ));
        let length = (request.len() * 2).to_string();
        let body_head = form_post(addr, b"bm9wZQ==", ("content-length", length.as_bytes()));
        let connecting = Arc::new(Semaphore::new(128));
        let opened = Instant::now();

        // Slow clients: a byte every 200 ms, never the end of the head (or of the body).
        let slow: Vec<_> = (0..header_slow + body_slow)
            .map(|index| {
                let connecting = Arc::clone(&connecting);
                let first = if index < header_slow {
                    Vec::new()
                } else {
                    body_head.clone()
                };
                let trickled = request.clone();
                tokio::spawn(async move {
                    let permit = connecting.acquire().await.unwrap();
                    // Before the connection exists, so before the server's clock starts.
                    let started = Instant::now();
                    let mut conn = Conn::connect(addr).await.expect("connect");
                    drop(permit);
                    conn.write(&first).await.unwrap();
                    let trickle = conn.trickle(trickled, Duration::from_millis(200));
                    let reply = conn.read_reply(false).await;
                    trickle.abort();
                    (started.elapsed(), reply.map_err(|err| err.to_string()))
                })
            })
            .collect();

        // Meanwhile, valid requests on new connections, a few at a time, until the slow clients'
        // time is nearly up.
        let mut answered = 0;
        let mut slowest = Duration::ZERO;
        while opened.elapsed() < header_timeout.min(body_timeout) - Duration::from_millis(500) {
            let batch: Vec<_> = (0..4)
                .map(|_| {
                    let request = request.clone();
                    tokio::spawn(async move {
                        let started = Instant::now();
                        let reply = tokio::time::timeout(PROMPT, async {
                            let mut conn = Conn::connect(addr).await?;
                            conn.write(&request).await?;
                            conn.read_reply(false).await
                        })
                        .await;
                        (started.elapsed(), reply)
                    })
                })
                .collect();
            for task in batch {
                let (elapsed, reply) = task.await.unwrap();
                let reply = reply
                    .unwrap_or_else(|_| panic!("a valid request took over {PROMPT:?}"))
                    .expect("a valid request failed")
                    .expect("a valid request got no answer");
                assert_eq!(
                    (reply.status, reply.text().as_str()),
                    (200, r#"{"body":"what the ****"}"#)
                );
                slowest = slowest.max(elapsed);
                answered += 1;
            }
        }

        // The slow clients are dropped (headers) or answered 408 (bodies), on time.
        let mut dropped = 0;
        let mut timed_out = 0;
        let mut latest = Duration::ZERO;
        for (index, task) in slow.into_iter().enumerate() {
            let (elapsed, reply) = tokio::time::timeout(Duration::from_secs(20), task)
                .await
                .expect("a slow client was never cut off")
                .unwrap();
            latest = latest.max(elapsed);
            if index < header_slow {
                assert!(
                    matches!(reply, Ok(None)) || reply.is_err(),
                    "slow headers: {reply:?}"
                );
                assert!(elapsed >= header_timeout, "dropped early: {elapsed:?}");
                dropped += 1;
            } else {
                let reply = reply.unwrap().expect("an answer to a slow body");
                assert_eq!(
                    (reply.status, reply.text()),
                    (
                        408,
                        format!(
                            "the request body did not arrive within {} ms",
                            body_timeout.as_millis()
                        )
                    )
                );
                timed_out += 1;
            }
        }
        println!(
            "slow clients: {dropped} with trickling headers dropped, {timed_out} with trickling \
             bodies answered 408, the last after {latest:?}; meanwhile {answered} valid requests \
             on new connections answered, the slowest in {slowest:?}"
        );
        assert!(latest < header_timeout.max(body_timeout) + Duration::from_secs(5));
        assert!(answered > 0);
    });
}

/// The long soak: rounds of the load run for `LOAD_SOAK_SECS` seconds (default 300), with
/// resident memory checked against the warmed-up level after every round.
///
/// ```sh
/// LOAD_SOAK_SECS=600 cargo test --release --test load -- --ignored --nocapture
/// ```
#[test]
#[ignore = "long soak: LOAD_SOAK_SECS=600 cargo test --release --test load -- --ignored --nocapture"]
fn soak() {
    let _turn = take_turn();
    let seconds: u64 = std::env::var("LOAD_SOAK_SECS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(300);
    let connections = scaled(CONNECTIONS);
    runtime().block_on(async {
        let addr = server(HEADER_READ_TIMEOUT, None).await;
        let (warm, _) = round(addr, connections, 0, connections * 2).await;
        assert!(warm.failures.is_empty(), "warm-up: {:#?}", warm.failures);
        drop(warm);
        let warmed = settled().await;
        let started = Instant::now();
        let mut rounds = 0;
        let mut total = 0;
        while started.elapsed() < Duration::from_secs(seconds) {
            let first = 1_000_000 + rounds * REQUESTS;
            let (mut tally, elapsed) = round(addr, connections, first, REQUESTS).await;
            rounds += 1;
            total += REQUESTS;
            let p99 = tally.latency()[1];
            assert!(tally.failures.is_empty(), "{:#?}", tally.failures);
            drop(tally);
            let now = settled().await;
            println!(
                "soak round {rounds}: {REQUESTS} requests in {:.2} s, p99 {p99:?}, VmRSS {:.1} \
                 MiB (warmed {:.1} MiB), live heap {} bytes (warmed {})",
                elapsed.as_secs_f64(),
                mib(now.rss_kib),
                mib(warmed.rss_kib),
                now.heap,
                warmed.heap,
            );
            assert!(
                now.heap <= warmed.heap + HEAP_SLACK,
                "round {rounds}: the heap grew"
            );
            // Twice the run's allowance: glibc's retained pages creep up over the first rounds.
            assert!(
                now.rss_kib <= warmed.rss_kib + 2 * RSS_SLACK_KIB,
                "round {rounds}: resident memory grew"
            );
        }
        println!("soak: {total} requests in {rounds} rounds");
    });
}
