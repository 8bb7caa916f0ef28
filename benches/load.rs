//! The load benchmark: the profanity filter's full webhook path against a bare axum handler,
//! served in this process on 127.0.0.1 and driven by the same bounded HTTP load.
//!
//! ```sh
//! cargo bench --bench load
//! ```
//!
//! Two servers run on one server runtime (1 worker thread unless `LOAD_SERVER_THREADS` says
//! otherwise), each on `127.0.0.1:0`:
//!
//! - **full**: `filter::webhooks()` from `examples/profanity_filter` as an axum router, with its
//!   defaults: read the body, decode it, check `X-Twilio-Signature`, claim the delivery's
//!   `I-Twilio-Idempotency-Token` in the in-memory store, parse `onMessageAdd`, run the handler
//!   (which masks `heck`), keep the answer for a retry, answer `{"body": "..."}`. Every request
//!   carries a token no earlier one had, so each is a new delivery, as under real traffic;
//! - **full-no-idem**: the same router with `.without_idempotency()` (the stage's share);
//! - **bare**: an axum handler that reads the same body and answers a fixed JSON body of the same
//!   length.
//!
//! A client runtime (1 worker thread unless `LOAD_CLIENT_THREADS`) opens `LOAD_CONNECTIONS`
//! keep-alive HTTP/1.1 connections (default 32) and sends the same signed request on each as fast
//! as answers come back, `LOAD_REQUESTS` requests per round (default 40 000). Rounds alternate
//! between the servers (`LOAD_ROUNDS` each, default 3) after a warm-up, to spread the noise of a
//! shared machine over both. Printed per round and overall: requests per second, p50 and p99
//! latency, and the server threads' CPU time per request (from `/proc/self/task/*/stat`); then
//! the ratios full / bare.
//!
//! Other modes:
//!
//! - `LOAD_EXTERNAL=node=http://127.0.0.1:3001/twilio/conversations,python=http://127.0.0.1:3002/twilio/conversations`
//!   adds servers run elsewhere to the rounds (the peers in `benches/node` and `benches/python`);
//!   they get the same requests, and their throughput and latencies are compared with **full**.
//!   `LOAD_EXTERNAL_PIDS=node=PID,python=PID` reads their processes' CPU time too (all threads).
//! - `LOAD_SERVE=DIR` only serves: it prints both URLs, writes `DIR/request.lua` (the request,
//!   for `wrk -s`) and `DIR/body.txt`, `DIR/signature.txt`, and waits for Ctrl-C.
//! - `LOAD_STORE_ENTRIES=N` bounds the full path's in-memory store at `N` deliveries instead of
//!   its default 100,000 (what the store's size costs).
//! - `SOAK_REQUESTS=1000000` sends that many requests (each a new delivery) to the full path and
//!   prints the process's resident memory (`VmRSS`) every tenth of the way, to show it stays flat
//!   once the in-memory store holds its most (100,000 deliveries).
//! - `SOAK_EVENTS=100000` does the same for Event Streams: signed batches of 100 events, each
//!   event with a new id, to a catch-all `stream_event` handler with duplicate suppression on.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::routing::post;
use axum::serve::ListenerExt;
use http::header::{CONTENT_TYPE, HOST};
use http::{HeaderValue, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use twilio_webhooks::idempotency::{Idempotency, MemoryStore};

#[path = "common/mod.rs"]
mod common;

use common::filter;

/// The name of the server runtime's threads, to find their CPU time.
const SERVER_THREAD: &str = "load-server";

fn env_number(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, got {text:?}")),
        Err(_) => default,
    }
}

/// The request every server gets: the typical signed `onMessageAdd`, signed for the public URL
/// so that its signature does not depend on the port it is sent to.
struct Workload {
    body: Bytes,
    signature: HeaderValue,
    /// The answer the full path gives (and the bare handler answers as is).
    answer: Bytes,
}

impl Workload {
    fn new() -> Self {
        let params = common::message_add(common::MESSAGE_BODY);
        let request = common::signed_request(&params);
        let signature = request.headers()["x-twilio-signature"].clone();
        let body = Bytes::from(request.into_body());
        let answer = Bytes::from(format!(
            "{{\"body\":{}}}",
            serde_json::to_string(common::MASKED_BODY).unwrap()
        ));
        Self {
            body,
            signature,
            answer,
        }
    }
}

/// A server under load, and how to reach it.
struct Target {
    name: String,
    addr: SocketAddr,
    path: String,
    /// Where its CPU time is read.
    cpu: CpuSource,
}

/// What one round measured.
#[derive(Default, Clone)]
struct Round {
    requests: usize,
    errors: usize,
    elapsed: Duration,
    server_cpu: Duration,
    latencies_us: Vec<u32>,
}

impl Round {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    fn cpu_us_per_request(&self) -> f64 {
        self.server_cpu.as_secs_f64() * 1e6 / self.requests as f64
    }

    fn percentile_ms(&self, p: f64) -> f64 {
        let mut sorted = self.latencies_us.clone();
        sorted.sort_unstable();
        let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
        f64::from(sorted[index]) / 1000.0
    }

    fn merge(&mut self, other: &Round) {
        self.requests += other.requests;
        self.errors += other.errors;
        self.elapsed += other.elapsed;
        self.server_cpu += other.server_cpu;
        self.latencies_us.extend_from_slice(&other.latencies_us);
    }

    fn line(&self, label: &str, cpu: &CpuSource) -> String {
        let cpu = if cpu.is_known() {
            format!("{:>6.1} µs", self.cpu_us_per_request())
        } else {
            format!("{:>9}", "-")
        };
        format!(
            "{label:<28} {:>9.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   server CPU/req {cpu}   errors {}",
            self.per_second(),
            self.percentile_ms(0.50),
            self.percentile_ms(0.99),
            self.errors,
        )
    }
}

/// Where a server's CPU time is read.
enum CpuSource {
    /// This process's server runtime threads.
    ServerThreads,
    /// Another process, all its threads (`LOAD_EXTERNAL_PIDS`).
    Process(u32),
    /// Not known: an external server whose process id was not given.
    Unknown,
}

impl CpuSource {
    fn is_known(&self) -> bool {
        !matches!(self, Self::Unknown)
    }

    /// User + system CPU time so far.
    fn time(&self) -> Duration {
        match self {
            Self::ServerThreads => server_threads_cpu_time(),
            Self::Process(pid) => std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| stat_cpu_ticks(&stat))
                .map_or(Duration::ZERO, ticks_to_time),
            Self::Unknown => Duration::ZERO,
        }
    }
}

/// utime + stime of a `/proc/.../stat` line (`pid (comm) state ppid ...`: fields 14 and 15).
fn stat_cpu_ticks(stat: &str) -> Option<u64> {
    let (_, rest) = stat.rsplit_once(") ")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

fn ticks_to_time(ticks: u64) -> Duration {
    let ticks_per_second = 100.0; // USER_HZ on Linux
    Duration::from_secs_f64(ticks as f64 / ticks_per_second)
}

/// User + system CPU time of this process's server threads so far.
fn server_threads_cpu_time() -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    let mut ticks = 0;
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        if stat.contains(&format!("({SERVER_THREAD}) ")) {
            ticks += stat_cpu_ticks(&stat).unwrap_or(0);
        }
    }
    ticks_to_time(ticks)
}

/// The resident memory of this process, from `/proc/self/status`.
fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}

async fn bare_handler(
    body: Bytes,
    answer: Bytes,
) -> ([(http::HeaderName, &'static str); 1], Bytes) {
    std::hint::black_box(body);
    ([(CONTENT_TYPE, "application/json")], answer)
}

/// The servers under test, each on its own `127.0.0.1` port of the server runtime.
struct Servers {
    full: SocketAddr,
    full_without_idempotency: SocketAddr,
    bare: SocketAddr,
    /// Event Streams deliveries (for `SOAK_EVENTS`), duplicate suppression on.
    events: SocketAddr,
}

/// How many Event Streams events the soak's handler has seen.
static EVENTS_HANDLED: AtomicUsize = AtomicUsize::new(0);

/// Starts the servers on the server runtime.
fn start_servers(runtime: &tokio::runtime::Runtime, workload: &Workload) -> Servers {
    let filter = filter::Filter::new(filter::DEFAULT_WORDS.iter(), Vec::<&str>::new());
    // The defaults a user gets, duplicate suppression (in memory) included; `LOAD_STORE_ENTRIES`
    // bounds the store otherwise (to see what its size costs).
    let mut full = filter::webhooks().validator(common::validator());
    if let Ok(entries) = std::env::var("LOAD_STORE_ENTRIES") {
        let entries = entries
            .parse()
            .expect("LOAD_STORE_ENTRIES must be a number");
        full = full.idempotency(Idempotency::new(MemoryStore::with_max_entries(entries)));
    }
    let full = full
        .into_router()
        .expect("profanity filter router")
        .with_state(filter.clone());
    let full_without_idempotency = filter::webhooks()
        .validator(common::validator())
        .without_idempotency()
        .into_router()
        .expect("profanity filter router")
        .with_state(filter);
    let events = twilio_webhooks::Webhooks::new()
        .validator(common::validator())
        .stream_event(|event: twilio_webhooks::streams::Event| async move {
            std::hint::black_box(event);
            EVENTS_HANDLED.fetch_add(1, Ordering::Relaxed);
        })
        .into_router()
        .expect("events router");
    let answer = workload.answer.clone();
    let bare = axum::Router::new().route(
        common::PATH,
        post(move |body: Bytes| bare_handler(body, answer.clone())),
    );
    let serve = |app: axum::Router| {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("local address");
        runtime.spawn(async move {
            let listener = TcpListener::from_std(listener)
                .expect("listener")
                .tap_io(|tcp| {
                    let _ = tcp.set_nodelay(true);
                });
            axum::serve(listener, app).await.expect("serve");
        });
        addr
    };
    Servers {
        full: serve(full),
        full_without_idempotency: serve(full_without_idempotency),
        bare: serve(bare),
        events: serve(events),
    }
}

/// An `I-Twilio-Idempotency-Token` no earlier request of this process had: every request the
/// bench sends is a new delivery, as Twilio's are (a retry would repeat its token).
fn fresh_token() -> HeaderValue {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    HeaderValue::from_str(&format!("load-{n:016x}")).expect("ASCII")
}

/// Sends `total` requests over `connections` keep-alive connections; returns what it measured.
///
/// With `record` false (the soak) latencies are not kept, so that the client's own buffers do not
/// show in the resident memory being watched.
async fn drive(
    target: &Target,
    workload: &Arc<Workload>,
    connections: usize,
    total: usize,
    record: bool,
) -> Round {
    let next = Arc::new(AtomicUsize::new(0));
    let cpu_before = target.cpu.time();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let next = Arc::clone(&next);
        let workload = Arc::clone(workload);
        let addr = target.addr;
        let path = target.path.clone();
        tasks.push(tokio::spawn(async move {
            let stream = TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).expect("nodelay");
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream))
                    .await
                    .expect("HTTP/1.1 handshake");
            tokio::spawn(connection);
            let host = HeaderValue::from_str(&addr.to_string()).expect("host");
            let capacity = if record { total / connections + 1 } else { 0 };
            let mut latencies = Vec::with_capacity(capacity);
            let mut sent_count = 0;
            let mut errors = 0;
            while next.fetch_add(1, Ordering::Relaxed) < total {
                let request = Request::post(path.as_str())
                    .header(HOST, host.clone())
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header("x-twilio-signature", workload.signature.clone())
                    .header("i-twilio-idempotency-token", fresh_token())
                    .body(Full::new(workload.body.clone()))
                    .expect("request");
                let sent = Instant::now();
                let answered = async {
                    sender.ready().await?;
                    let response = sender.send_request(request).await?;
                    let status = response.status();
                    let body = response.into_body().collect().await?.to_bytes();
                    Ok::<_, hyper::Error>((status, body))
                }
                .await;
                sent_count += 1;
                if record {
                    latencies.push(sent.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                }
                match answered {
                    Ok((status, body)) if status == 200 && body == workload.answer => {}
                    Ok(_) => errors += 1,
                    Err(_) => {
                        errors += 1;
                        break;
                    }
                }
            }
            (sent_count, latencies, errors)
        }));
    }
    let mut round = Round::default();
    for task in tasks {
        let (sent_count, latencies, errors) = task.await.expect("client task");
        round.requests += sent_count;
        round.errors += errors;
        round.latencies_us.extend(latencies);
    }
    round.elapsed = started.elapsed();
    round.server_cpu = target.cpu.time().saturating_sub(cpu_before);
    round
}

/// `SOAK_EVENTS`: sends `total` Event Streams events, in signed batches of 100 each with new
/// ids, over 4 connections to the events server, and prints `VmRSS` every tenth of the way.
async fn soak_event_streams(addr: SocketAddr, total: usize) {
    const BATCH: usize = 100;
    const CONNECTIONS: usize = 4;
    let batches = total.div_ceil(BATCH);
    let step = (batches / 10).max(1);
    println!(
        "soak: {total} Event Streams events in {batches} batches of {BATCH} over {CONNECTIONS} \
         connections, duplicate suppression on; VmRSS every {step} batches"
    );
    println!(
        "{:>9} events    VmRSS {:>7} KiB (before)",
        0,
        resident_kib()
    );
    let url = format!("{}/twilio/events", common::PUBLIC_URL);
    let types = [
        "com.twilio.conversations.message.added",
        "com.twilio.conversations.message.added",
        "com.twilio.conversations.participant.added",
        "com.twilio.studio.flow.step.ended",
    ];
    let started = Instant::now();
    let mut sent = 0;
    while sent < batches {
        let this_step = step.min(batches - sent);
        let next = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..CONNECTIONS {
            let (next, url) = (Arc::clone(&next), url.clone());
            tasks.push(tokio::spawn(async move {
                let stream = TcpStream::connect(addr).await.expect("connect");
                let (mut sender, connection) =
                    hyper::client::conn::http1::handshake(TokioIo::new(stream))
                        .await
                        .expect("HTTP/1.1 handshake");
                tokio::spawn(connection);
                let mut failed = 0;
                while next.fetch_add(1, Ordering::Relaxed) < this_step {
                    let batch = (0..BATCH)
                        .fold(twilio_webhooks::testing::EventBatch::new(), |batch, n| {
                            batch.sample(types[n % types.len()])
                        });
                    let (mut parts, body) = batch
                        .request(&url, common::AUTH_TOKEN)
                        .expect("signed batch")
                        .into_parts();
                    let target = parts.uri.path_and_query().expect("path").clone();
                    parts.uri = target.as_str().parse().expect("path and query");
                    parts.headers.insert(
                        HOST,
                        HeaderValue::from_str(&addr.to_string()).expect("host"),
                    );
                    let request = Request::from_parts(parts, Full::new(Bytes::from(body)));
                    sender.ready().await.expect("connection");
                    let response = sender.send_request(request).await.expect("answer");
                    if response.status() != 200 {
                        failed += 1;
                    }
                    let _ = response.into_body().collect().await;
                }
                failed
            }));
        }
        let mut failed = 0;
        for task in tasks {
            failed += task.await.expect("client task");
        }
        sent += this_step;
        println!(
            "{:>9} events    VmRSS {:>7} KiB   handled {:>9}   failed batches {failed}",
            sent * BATCH,
            resident_kib(),
            EVENTS_HANDLED.load(Ordering::Relaxed),
        );
    }
    println!("soak done in {:.1} s", started.elapsed().as_secs_f64());
}

/// The servers `LOAD_EXTERNAL` names: `name=url` (or a bare URL, named `external`), comma
/// separated.
fn external_targets() -> Vec<Target> {
    let Ok(list) = std::env::var("LOAD_EXTERNAL") else {
        return Vec::new();
    };
    let pids: Vec<(String, u32)> = std::env::var("LOAD_EXTERNAL_PIDS")
        .unwrap_or_default()
        .split(',')
        .filter_map(|entry| {
            let (name, pid) = entry.trim().split_once('=')?;
            let pid = pid
                .parse()
                .unwrap_or_else(|_| panic!("LOAD_EXTERNAL_PIDS: {pid:?} is not a process id"));
            Some((name.to_owned(), pid))
        })
        .collect();
    list.split(',')
        .filter(|entry| !entry.trim().is_empty())
        .map(|entry| {
            let (name, url) = entry.trim().split_once('=').unwrap_or(("external", entry));
            let uri: http::Uri = url
                .parse()
                .unwrap_or_else(|_| panic!("LOAD_EXTERNAL: {url:?} is not an http:// URL"));
            let authority = uri
                .authority()
                .unwrap_or_else(|| panic!("LOAD_EXTERNAL: {url:?} needs host:port"))
                .as_str();
            let addr = std::net::ToSocketAddrs::to_socket_addrs(authority)
                .ok()
                .and_then(|mut addrs| addrs.next())
                .unwrap_or_else(|| panic!("LOAD_EXTERNAL: cannot resolve {authority:?}"));
            Target {
                name: name.to_owned(),
                addr,
                path: uri.path().to_owned(),
                cpu: pids
                    .iter()
                    .find(|(peer, _)| *peer == name)
                    .map_or(CpuSource::Unknown, |(_, pid)| CpuSource::Process(*pid)),
            }
        })
        .collect()
}

fn write_request_files(dir: &str, workload: &Workload) {
    std::fs::create_dir_all(dir).expect("LOAD_SERVE directory");
    let body = std::str::from_utf8(&workload.body).expect("form body is ASCII");
    let signature = workload.signature.to_str().expect("signature is ASCII");
    // Each wrk thread numbers its requests; with the thread's number in the token, every request
    // is a new delivery, as in the load benchmark.
    let lua = format!(
        "-- The typical signed onMessageAdd, for `wrk -s request.lua`; each request a new delivery.\n\
         wrk.method = \"POST\"\n\
         wrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n\
         wrk.headers[\"X-Twilio-Signature\"] = \"{signature}\"\n\
         wrk.body = \"{body}\"\n\
         \n\
         local threads = 0\n\
         function setup(thread)\n\
           threads = threads + 1\n\
           thread:set(\"thread_number\", threads)\n\
         end\n\
         \n\
         local sent = 0\n\
         function request()\n\
           sent = sent + 1\n\
           wrk.headers[\"I-Twilio-Idempotency-Token\"] = \"wrk-\" .. thread_number .. \"-\" .. sent\n\
           return wrk.format()\n\
         end\n\
         \n\
         response = function(status, headers, body)\n\
           if status ~= 200 then error(\"status \" .. status) end\n\
         end\n"
    );
    std::fs::write(format!("{dir}/request.lua"), lua).expect("request.lua");
    std::fs::write(format!("{dir}/body.txt"), body).expect("body.txt");
    std::fs::write(format!("{dir}/signature.txt"), signature).expect("signature.txt");
    std::fs::write(format!("{dir}/answer.json"), &workload.answer).expect("answer.json");
}

fn main() {
    let server_threads = env_number("LOAD_SERVER_THREADS", 1);
    let client_threads = env_number("LOAD_CLIENT_THREADS", 1);
    let connections = env_number("LOAD_CONNECTIONS", 32);
    let requests = env_number("LOAD_REQUESTS", 40_000);
    let rounds = env_number("LOAD_ROUNDS", 3);
    let soak = env_number("SOAK_REQUESTS", 0);

    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(server_threads)
        .thread_name(SERVER_THREAD)
        .enable_all()
        .build()
        .expect("server runtime");
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(client_threads)
        .thread_name("load-client")
        .enable_all()
        .build()
        .expect("client runtime");

    let workload = Arc::new(Workload::new());
    let servers = start_servers(&server_rt, &workload);
    let in_process = |name: &str, addr: SocketAddr| Target {
        name: name.to_owned(),
        addr,
        path: common::PATH.to_owned(),
        cpu: CpuSource::ServerThreads,
    };
    let full = in_process("full", servers.full);
    let full_without_idempotency = in_process("full-no-idem", servers.full_without_idempotency);
    let bare = in_process("bare", servers.bare);

    if let Ok(dir) = std::env::var("LOAD_SERVE") {
        write_request_files(&dir, &workload);
        println!(
            "full path (profanity_filter): http://{}{}",
            full.addr,
            common::PATH
        );
        println!(
            "without idempotency:          http://{}{}",
            full_without_idempotency.addr,
            common::PATH
        );
        println!(
            "bare axum:                    http://{}{}",
            bare.addr,
            common::PATH
        );
        println!("request for wrk: {dir}/request.lua; Ctrl-C to stop");
        server_rt.block_on(async {
            let _ = tokio::signal::ctrl_c().await;
        });
        return;
    }

    let soak_events = env_number("SOAK_EVENTS", 0);
    if soak_events > 0 {
        client_rt.block_on(soak_event_streams(servers.events, soak_events));
        return;
    }

    if soak > 0 {
        let step = (soak / 10).max(1);
        println!(
            "soak: {soak} requests to the full path over {connections} connections; VmRSS every {step}"
        );
        client_rt.block_on(async {
            drive(&full, &workload, connections, 2_000.min(soak), false).await;
            println!(
                "{:>9} requests  VmRSS {:>7} KiB (after warm-up)",
                0,
                resident_kib()
            );
            let mut sent = 0;
            let started = Instant::now();
            while sent < soak {
                let round =
                    drive(&full, &workload, connections, step.min(soak - sent), false).await;
                sent += round.requests;
                println!(
                    "{sent:>9} requests  VmRSS {:>7} KiB   {:>7.0} req/s   errors {}",
                    resident_kib(),
                    round.per_second(),
                    round.errors
                );
                if round.requests == 0 {
                    break;
                }
            }
            println!("soak done in {:.1} s", started.elapsed().as_secs_f64());
        });
        return;
    }

    let mut targets = vec![bare, full, full_without_idempotency];
    targets.extend(external_targets());
    println!(
        "load: {requests} requests per round, {connections} keep-alive connections, {rounds} rounds \
         per server alternating; server runtime {server_threads} thread(s), client runtime \
         {client_threads} thread(s); request {} bytes of form, answer {} bytes",
        workload.body.len(),
        workload.answer.len(),
    );
    let mut totals: Vec<Round> = vec![Round::default(); targets.len()];
    client_rt.block_on(async {
        for target in &targets {
            let warm = drive(target, &workload, connections, requests / 4, true).await;
            assert_eq!(warm.errors, 0, "{}: errors while warming up", target.name);
        }
        for round in 1..=rounds {
            for (index, target) in targets.iter().enumerate() {
                let measured = drive(target, &workload, connections, requests, true).await;
                println!(
                    "{}",
                    measured.line(&format!("round {round} {}", target.name), &target.cpu)
                );
                totals[index].merge(&measured);
            }
        }
    });
    println!();
    for (target, total) in targets.iter().zip(&totals) {
        println!(
            "{}",
            total.line(&format!("all rounds {}", target.name), &target.cpu)
        );
    }
    let (bare, full, without) = (&totals[0], &totals[1], &totals[2]);
    println!();
    println!(
        "full / bare throughput: {:.3}   bare / full server CPU per request: {:.3}",
        full.per_second() / bare.per_second(),
        bare.cpu_us_per_request() / full.cpu_us_per_request()
    );
    println!(
        "server CPU the webhook adds per request: {:.2} µs with duplicate suppression (target \
         <= 3.0 µs), {:.2} µs without",
        full.cpu_us_per_request() - bare.cpu_us_per_request(),
        without.cpu_us_per_request() - bare.cpu_us_per_request(),
    );
    for (target, peer) in targets.iter().zip(&totals).skip(3) {
        println!(
            "full / {}: throughput {:.2}x   p50 {:.2} ms vs {:.2} ms   p99 {:.2} ms vs {:.2} ms",
            target.name,
            full.per_second() / peer.per_second(),
            full.percentile_ms(0.50),
            peer.percentile_ms(0.50),
            full.percentile_ms(0.99),
            peer.percentile_ms(0.99),
        );
        if target.cpu.is_known() {
            println!(
                "  server CPU per request: full {:.1} µs, {} {:.1} µs ({:.1}x)",
                full.cpu_us_per_request(),
                target.name,
                peer.cpu_us_per_request(),
                peer.cpu_us_per_request() / full.cpu_us_per_request()
            );
        }
    }
    if totals.iter().any(|total| total.errors > 0) {
        eprintln!("errors: some requests failed (see the rounds above)");
        std::process::exit(1);
    }
}
