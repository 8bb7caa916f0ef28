//! `RedisStore` against a real `redis-server` (Debian's package; each test starts its own on a
//! free loopback port and kills it at the end): the store contract shared with `MemoryStore`,
//! two instances racing on one server, round trips counted by the server, Redis killed (calls
//! fail within the bound) and restarted (calls succeed again), and no password in errors.
//!
//! Needs the `redis` feature: `cargo test --features redis --test idempotency_redis`. Without
//! a redis-server the tests fail and say so.

#[path = "common/idempotency.rs"]
mod conformance;
#[path = "common/redis.rs"]
mod redis_server;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use twilio_webhooks::idempotency::{
    Claim, IdempotencyStore, RedisStore, Status, StoreError, StoredAnswer, DEFAULT_PREFIX,
    DEFAULT_TIMEOUT,
};

use conformance::{fresh, LONG};
use redis_server::RedisServer;

/// No test runs longer than this.
const TEST_TIMEOUT: Duration = Duration::from_secs(60);

async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(TEST_TIMEOUT, test)
        .await
        .expect("the test finished within its bound")
}

async fn store(server: &RedisServer) -> RedisStore {
    RedisStore::connect(&server.url())
        .await
        .expect("connect to the test redis-server")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_and_owners() {
    let server = RedisServer::start();
    bounded(async {
        let store = store(&server).await;
        assert_eq!(store.prefix(), DEFAULT_PREFIX);
        assert_eq!(store.timeout(), DEFAULT_TIMEOUT);
        conformance::claims_and_owners(&store, "").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_round_trip() {
    let server = RedisServer::start();
    bounded(async { conformance::answers_round_trip(&store(&server).await, "").await }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_lapse() {
    let server = RedisServer::start();
    bounded(async { conformance::records_lapse(&store(&server).await, "").await }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting() {
    let server = RedisServer::start();
    bounded(async { conformance::waiting(Arc::new(store(&server).await), "").await }).await;
}

/// Two instances (two connection managers) on one server: many claimers of the same keys at
/// once, exactly one fresh claim per key; what one instance completed, the other sees done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_racing_get_one_fresh_claim_per_key() {
    let server = RedisServer::start();
    bounded(async {
        let first: Arc<dyn IdempotencyStore> = Arc::new(store(&server).await);
        let second: Arc<dyn IdempotencyStore> = Arc::new(store(&server).await);
        conformance::racing(&[Arc::clone(&first), Arc::clone(&second)], "", 400, 8).await;

        let owner = fresh(&*first, "shared", LONG).await;
        assert_eq!(second.claim("shared", LONG).await.unwrap(), Claim::InFlight);
        let answer = StoredAnswer::json(200, r#"{"body":"once"}"#);
        let stranger = twilio_webhooks::idempotency::Owner::new();
        assert!(!second
            .complete("shared", &stranger, &answer, LONG)
            .await
            .unwrap());
        assert!(first
            .complete("shared", &owner, &answer, LONG)
            .await
            .unwrap());
        assert_eq!(
            second.claim("shared", LONG).await.unwrap(),
            Claim::Done(answer.clone())
        );
        assert_eq!(
            second.wait("shared", Instant::now()).await.unwrap(),
            Status::Done(answer)
        );
    })
    .await;
}

/// The server's own command counts: a fresh delivery is two commands from the client (the
/// claim `SET` and one `EVALSHA`), a duplicate one (`SET`). Commands run inside the script are
/// counted by Redis too, and told apart here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_delivery_is_two_round_trips_and_a_duplicate_one() {
    let server = RedisServer::start();
    bounded(async {
        let store = store(&server).await;
        let answer = StoredAnswer::ok_empty_json();
        // Warm up: the scripts are loaded on their first use after the server started.
        let owner = fresh(&store, "warm-1", LONG).await;
        assert!(store
            .complete("warm-1", &owner, &answer, LONG)
            .await
            .unwrap());
        let owner = fresh(&store, "warm-2", LONG).await;
        assert!(store.release("warm-2", &owner).await.unwrap());

        let mut admin = redis::Client::open(server.url())
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap();

        let _: () = redis::cmd("CONFIG")
            .arg("RESETSTAT")
            .query_async(&mut admin)
            .await
            .unwrap();
        let owner = fresh(&store, "delivery", LONG).await;
        assert!(store
            .complete("delivery", &owner, &answer, LONG)
            .await
            .unwrap());
        let calls = command_calls(&mut admin).await;
        // From the client: SET (claim) + EVALSHA (complete). Inside the script: GET + SET.
        assert_eq!(calls.get("evalsha"), Some(&1), "{calls:?}");
        assert_eq!(calls.get("set"), Some(&2), "{calls:?}");
        assert_eq!(calls.get("get"), Some(&1), "{calls:?}");
        assert_eq!(calls.len(), 3, "nothing else: {calls:?}");

        let _: () = redis::cmd("CONFIG")
            .arg("RESETSTAT")
            .query_async(&mut admin)
            .await
            .unwrap();
        assert_eq!(
            store.claim("delivery", LONG).await.unwrap(),
            Claim::Done(answer)
        );
        let calls = command_calls(&mut admin).await;
        assert_eq!(
            calls,
            HashMap::from([("set".to_owned(), 1)]),
            "a duplicate is one SET"
        );

        let _: () = redis::cmd("CONFIG")
            .arg("RESETSTAT")
            .query_async(&mut admin)
            .await
            .unwrap();
        let owner = fresh(&store, "failed", LONG).await;
        assert!(store.release("failed", &owner).await.unwrap());
        let calls = command_calls(&mut admin).await;
        // From the client: SET (claim) + EVALSHA (release). Inside the script: GET + DEL.
        assert_eq!(calls.get("evalsha"), Some(&1), "{calls:?}");
        assert_eq!(calls.get("set"), Some(&1), "{calls:?}");
        assert_eq!(calls.len(), 4, "{calls:?}");
    })
    .await;
}

/// `INFO commandstats` as command name -> calls, without the admin's own commands.
async fn command_calls(admin: &mut redis::aio::MultiplexedConnection) -> HashMap<String, u64> {
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(admin)
        .await
        .unwrap();
    info.lines()
        .filter_map(|line| {
            let (name, rest) = line.strip_prefix("cmdstat_")?.split_once(':')?;
            let calls = rest
                .strip_prefix("calls=")?
                .split(',')
                .next()?
                .parse()
                .ok()?;
            Some((name.to_owned(), calls))
        })
        .filter(|(name, _)| !name.starts_with("config") && name != "info")
        .collect()
}

/// Redis killed: every call fails within the store's bound, none hangs. Restarted on the same
/// port: the connection manager reconnects by itself and calls succeed again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_fails_fast_and_restarted_works_again() {
    let mut server = RedisServer::start();
    bounded(async {
        let bound = Duration::from_millis(300);
        let store = RedisStore::builder()
            .timeout(bound)
            .connect(&server.url())
            .await
            .unwrap();
        let owner = fresh(&store, "before", LONG).await;

        server.stop();
        let answer = StoredAnswer::ok_empty_json();
        for round in 0..5 {
            let key = format!("down-{round}");
            let started = Instant::now();
            let error = store.claim(&key, LONG).await.unwrap_err();
            assert_fails_fast(&error, started, bound);
            let started = Instant::now();
            let error = store
                .complete("before", &owner, &answer, LONG)
                .await
                .unwrap_err();
            assert_fails_fast(&error, started, bound);
            let started = Instant::now();
            let error = store.release("before", &owner).await.unwrap_err();
            assert_fails_fast(&error, started, bound);
            let started = Instant::now();
            let error = store.peek(&key).await.unwrap_err();
            assert_fails_fast(&error, started, bound);
        }

        server.restart();
        let restarted = Instant::now();
        let owner = loop {
            match store.claim("after", LONG).await {
                Ok(Claim::Fresh(owner)) => break owner,
                Ok(other) => panic!("the restarted server is empty, got {other:?}"),
                Err(error) => {
                    assert!(
                        restarted.elapsed() < Duration::from_secs(10),
                        "not back: {error}"
                    );
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        };
        eprintln!(
            "calls succeed again {:?} after the restart",
            restarted.elapsed()
        );
        assert!(store
            .complete("after", &owner, &answer, LONG)
            .await
            .unwrap());
        assert_eq!(
            store.claim("after", LONG).await.unwrap(),
            Claim::Done(answer)
        );
        // The server restarted empty: the claim made before is gone.
        assert_eq!(store.peek("before").await.unwrap(), Status::Absent);
    })
    .await;
}

fn assert_fails_fast(error: &StoreError, started: Instant, bound: Duration) {
    let took = started.elapsed();
    assert!(
        matches!(
            error,
            StoreError::Timeout { .. } | StoreError::Unavailable { .. }
        ),
        "{error:?}"
    );
    assert!(
        took < bound + Duration::from_millis(500),
        "{error} after {took:?}"
    );
}

/// Redis frozen (connections open, nothing answered): every call fails with a timeout at the
/// bound. Thawed: calls succeed again, and what was stored before is still there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_frozen_times_out_at_the_bound() {
    let server = RedisServer::start();
    bounded(async {
        let bound = Duration::from_millis(300);
        let store = RedisStore::builder().timeout(bound).connect(&server.url()).await.unwrap();
        let answer = StoredAnswer::ok_empty_json();
        let owner = fresh(&store, "before", LONG).await;
        assert!(store.complete("before", &owner, &answer, LONG).await.unwrap());
        let owner = fresh(&store, "pending", LONG).await;

        server.freeze();
        for round in 0..3 {
            let started = Instant::now();
            let error = store.claim(&format!("frozen-{round}"), LONG).await.unwrap_err();
            assert!(matches!(error, StoreError::Timeout { operation: "claim", after } if after == bound), "{error:?}");
            assert!(started.elapsed() >= bound && started.elapsed() < bound + Duration::from_millis(500));
            let started = Instant::now();
            let error = store.release("pending", &owner).await.unwrap_err();
            assert!(matches!(error, StoreError::Timeout { operation: "release", .. }), "{error:?}");
            assert!(started.elapsed() < bound + Duration::from_millis(500));
        }
        // `wait` gives up at its deadline when that comes before the bound.
        let started = Instant::now();
        let status = store.wait("pending", started + Duration::from_millis(100)).await.unwrap();
        assert_eq!(status, Status::InFlight);
        assert!(started.elapsed() < Duration::from_millis(100) + Duration::from_millis(500));

        server.thaw();
        let thawed = Instant::now();
        let claim = loop {
            match store.claim("before", LONG).await {
                Ok(claim) => break claim,
                Err(error) => {
                    assert!(thawed.elapsed() < Duration::from_secs(10), "not back: {error}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        };
        assert_eq!(claim, Claim::Done(answer));
        assert!(store.release("pending", &owner).await.unwrap());
    })
    .await;
}

/// A store made while Redis is down starts anyway, fails fast, and works once Redis is up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lazy_store_starts_while_redis_is_down() {
    let mut server = RedisServer::start();
    server.stop();
    bounded(async {
        let bound = Duration::from_millis(300);
        let store = RedisStore::builder()
            .timeout(bound)
            .connect_lazy(&server.url())
            .unwrap();
        let started = Instant::now();
        let error = store.claim("k", LONG).await.unwrap_err();
        assert_fails_fast(&error, started, bound);
        // `connect` fails within its bound too.
        let started = Instant::now();
        let error = RedisStore::builder()
            .timeout(bound)
            .connect(&server.url())
            .await
            .unwrap_err();
        assert_fails_fast(&error, started, bound);

        server.restart();
        let restarted = Instant::now();
        loop {
            match store.claim("k", LONG).await {
                Ok(claim) => break assert!(matches!(claim, Claim::Fresh(_))),
                Err(error) => {
                    assert!(
                        restarted.elapsed() < Duration::from_secs(10),
                        "not back: {error}"
                    );
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
    })
    .await;
}

/// Keys live under the prefix; two prefixes on one server do not see each other's records.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_live_under_the_prefix() {
    let server = RedisServer::start();
    bounded(async {
        let first = RedisStore::builder()
            .prefix("app-one:")
            .connect(&server.url())
            .await
            .unwrap();
        let second = RedisStore::builder()
            .prefix("app-two:")
            .connect(&server.url())
            .await
            .unwrap();
        fresh(&first, "token", LONG).await;
        assert!(server
            .command(&["EXISTS", "app-one:token"])
            .starts_with(":1"));
        assert!(server.command(&["EXISTS", "token"]).starts_with(":0"));
        fresh(&second, "token", LONG).await;
        // The claim's time to live is set on the server.
        let ttl = server.command(&["PTTL", "app-one:token"]);
        let millis: i64 = ttl.trim().trim_start_matches(':').parse().unwrap();
        assert!(millis > 0 && millis <= LONG.as_millis() as i64, "{ttl}");
    })
    .await;
}

/// A record this crate did not write is reported, not misread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_records_are_errors() {
    let server = RedisServer::start();
    bounded(async {
        let store = store(&server).await;
        assert!(server
            .command(&["SET", "twilio-webhooks:junk", "hello"])
            .starts_with("+OK"));
        let error = store.claim("junk", LONG).await.unwrap_err();
        assert!(
            matches!(
                error,
                StoreError::Corrupt {
                    operation: "claim",
                    ..
                }
            ),
            "{error:?}"
        );
        let error = store.peek("junk").await.unwrap_err();
        assert!(
            matches!(
                error,
                StoreError::Corrupt {
                    operation: "peek",
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(server
            .command(&["HSET", "twilio-webhooks:hash", "a", "b"])
            .starts_with(":1"));
        let error = store.claim("hash", LONG).await.unwrap_err();
        assert!(matches!(error, StoreError::Rejected { .. }), "{error:?}");
        assert!(error.to_string().contains("WRONGTYPE"), "{error}");
    })
    .await;
}

/// A password in the URL appears in no error and no `Debug`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwords_stay_secret() {
    let server = RedisServer::start_with(&["--requirepass", "s3cret-pw-9f1d"]);
    bounded(async {
        let port = server.port();
        let good = format!("redis://:s3cret-pw-9f1d@127.0.0.1:{port}");
        let store = RedisStore::connect(&good).await.unwrap();
        fresh(&store, "k", LONG).await;
        let shown = format!("{store:?}");
        assert!(!shown.contains("s3cret"), "{shown}");

        let wrong = format!("redis://:wrong-pw-4e2a@127.0.0.1:{port}");
        let error = RedisStore::connect(&wrong).await.unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("wrong-pw-4e2a"), "{shown}");

        let store_without = RedisStore::connect(&server.url()).await;
        let error = match store_without {
            Ok(store) => store.claim("k", LONG).await.unwrap_err(),
            Err(error) => error,
        };
        assert!(
            matches!(
                error,
                StoreError::Rejected { .. } | StoreError::Unavailable { .. }
            ),
            "{error:?}"
        );

        let closed = format!(
            "redis://:s3cret-pw-9f1d@127.0.0.1:{}/0",
            redis_server::free_port()
        );
        let error = RedisStore::builder()
            .timeout(Duration::from_millis(300))
            .connect(&closed)
            .await
            .unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("s3cret"), "{shown}");

        let error = RedisStore::connect("redis://:s3cret-pw-9f1d@[::1")
            .await
            .unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(matches!(error, StoreError::InvalidConfig { .. }), "{shown}");
        assert!(!shown.contains("s3cret"), "{shown}");
    })
    .await;
}
