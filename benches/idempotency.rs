//! The cost of duplicate suppression per delivery: a fresh one (claim + complete) and a
//! duplicate (claim of a done key), for `MemoryStore` and for `RedisStore` on a redis-server
//! this bench starts on a loopback port. Also `MemoryStore` under contention: two threads
//! claiming and completing at once.
//!
//! `cargo bench --features redis --bench idempotency`

// `criterion_group!` generates an undocumented `pub fn`.
#![allow(missing_docs)]

#[path = "../tests/common/redis.rs"]
mod redis_server;

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use twilio_webhooks::idempotency::{
    Claim, IdempotencyStore, MemoryStore, RedisStore, StoredAnswer,
};

const TTL: Duration = Duration::from_secs(600);

/// A key no iteration used before.
fn next_key(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

async fn fresh_delivery(store: &dyn IdempotencyStore, key: &str, answer: &StoredAnswer) {
    let Ok(Claim::Fresh(owner)) = store.claim(key, TTL).await else {
        panic!("a new key is fresh");
    };
    assert!(store.complete(key, &owner, answer, TTL).await.unwrap());
}

async fn duplicate(store: &dyn IdempotencyStore, key: &str) {
    let claim = store.claim(key, TTL).await.unwrap();
    assert!(matches!(claim, Claim::Done(_)));
    black_box(claim);
}

fn bench_store(
    c: &mut Criterion,
    runtime: &tokio::runtime::Runtime,
    name: &str,
    store: Arc<dyn IdempotencyStore>,
) {
    let answer = StoredAnswer::json(200, r#"{"body":"Hi Alice, your order shipped"}"#);
    let mut group = c.benchmark_group(format!("idempotency/{name}"));
    group.bench_function("fresh (claim + complete)", |b| {
        b.to_async(runtime).iter(|| {
            let (store, answer) = (Arc::clone(&store), answer.clone());
            async move { fresh_delivery(&*store, &next_key("fresh"), &answer).await }
        })
    });
    let done = next_key("done");
    runtime.block_on(fresh_delivery(&*store, &done, &answer));
    group.bench_function("duplicate (claim)", |b| {
        b.to_async(runtime).iter(|| {
            let (store, done) = (Arc::clone(&store), done.clone());
            async move { duplicate(&*store, &done).await }
        })
    });
    group.finish();
}

/// Two threads, each doing fresh deliveries on its own keys: the time per delivery when the
/// store's lock is contended.
fn bench_memory_contended(c: &mut Criterion) {
    let store = Arc::new(MemoryStore::new());
    let answer = StoredAnswer::ok_empty_json();
    c.bench_function("idempotency/memory/fresh, 2 threads at once", |b| {
        b.iter_custom(|iterations| {
            let per_thread = iterations.div_ceil(2);
            let started = Instant::now();
            std::thread::scope(|scope| {
                for thread in 0..2 {
                    let (store, answer) = (Arc::clone(&store), answer.clone());
                    scope.spawn(move || {
                        let runtime = tokio::runtime::Builder::new_current_thread()
                            .build()
                            .unwrap();
                        runtime.block_on(async {
                            for _ in 0..per_thread {
                                let key = next_key(&format!("contended-{thread}"));
                                fresh_delivery(&*store, &key, &answer).await;
                            }
                        });
                    });
                }
            });
            // Wall time for `iterations` deliveries done two at a time.
            started
                .elapsed()
                .mul_f64(iterations as f64 / (2 * per_thread) as f64)
        })
    });
}

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    bench_store(c, &runtime, "memory", Arc::new(MemoryStore::new()));
    bench_memory_contended(c);

    let server = redis_server::RedisServer::start();
    let redis = runtime
        .block_on(RedisStore::connect(&server.url()))
        .unwrap();
    bench_store(c, &runtime, "redis", Arc::new(redis));
    drop(server);
}

criterion_group!(idempotency, benches);
criterion_main!(idempotency);
