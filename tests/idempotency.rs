//! `MemoryStore`: the store contract (shared with the Redis tests), its bound in entries,
//! what it drops first, waking many waiters, and a property: N concurrent claims of one key give
//! exactly one fresh claim.

#[path = "common/idempotency.rs"]
mod conformance;

use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;
use tokio::time::Instant;
use twilio_webhooks::idempotency::{
    Claim, IdempotencyStore, MemoryStore, Status, StoredAnswer, DEFAULT_MAX_ENTRIES,
};

use conformance::{fresh, LONG};

#[tokio::test]
async fn claims_and_owners() {
    conformance::claims_and_owners(&MemoryStore::new(), "").await;
}

#[tokio::test]
async fn answers_round_trip() {
    conformance::answers_round_trip(&MemoryStore::new(), "").await;
}

#[tokio::test]
async fn records_lapse() {
    conformance::records_lapse(&MemoryStore::new(), "").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting() {
    conformance::waiting(Arc::new(MemoryStore::new()), "").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing() {
    let store: Arc<dyn IdempotencyStore> = Arc::new(MemoryStore::new());
    conformance::racing(&[store], "", 500, 8).await;
}

#[tokio::test]
async fn the_bound_holds() {
    let store = MemoryStore::with_max_entries(1_000);
    assert_eq!(store.max_entries(), 1_000);
    let answer = StoredAnswer::ok_empty_json();
    for index in 0..10_000 {
        let key = format!("key-{index}");
        let owner = fresh(&store, &key, LONG).await;
        if index % 3 != 0 {
            assert!(store.complete(&key, &owner, &answer, LONG).await.unwrap());
        }
        assert!(
            store.len() <= 1_000,
            "{} records after {index}",
            store.len()
        );
    }
    assert_eq!(store.len(), 1_000);
    // The newest stayed, the oldest went.
    assert_eq!(store.peek("key-9999").await.unwrap(), Status::InFlight);
    assert_eq!(store.peek("key-9001").await.unwrap(), Status::Done(answer));
    assert_eq!(store.peek("key-9000").await.unwrap(), Status::InFlight);
    assert_eq!(store.peek("key-8999").await.unwrap(), Status::Absent);
    assert_eq!(store.peek("key-0").await.unwrap(), Status::Absent);
    assert_eq!(MemoryStore::new().max_entries(), DEFAULT_MAX_ENTRIES);
    assert_eq!(MemoryStore::with_max_entries(0).max_entries(), 1);
}

/// Lapsed records go first, then the oldest; a completion makes a record young again.
#[tokio::test(start_paused = true)]
async fn full_drops_lapsed_records_first_then_the_oldest() {
    let store = MemoryStore::with_max_entries(3);
    let answer = StoredAnswer::ok_empty_json();
    let old = fresh(&store, "old", LONG).await;
    fresh(&store, "short", Duration::from_secs(10)).await;
    fresh(&store, "middle", LONG).await;
    tokio::time::advance(Duration::from_secs(11)).await;
    assert_eq!(store.len(), 2, "the short claim lapsed");
    fresh(&store, "a", LONG).await;
    assert_eq!(store.peek("old").await.unwrap(), Status::InFlight);
    // Full, nothing lapsed: the oldest goes. Completing "old" made it the youngest.
    assert!(store.complete("old", &old, &answer, LONG).await.unwrap());
    fresh(&store, "b", LONG).await;
    assert_eq!(store.peek("middle").await.unwrap(), Status::Absent);
    assert_eq!(store.peek("old").await.unwrap(), Status::Done(answer));
    assert_eq!(store.peek("a").await.unwrap(), Status::InFlight);
    assert_eq!(store.peek("b").await.unwrap(), Status::InFlight);
    assert_eq!(store.len(), 3);
    // Everything lapses in the end: nothing stays behind.
    tokio::time::advance(LONG).await;
    assert!(store.is_empty());
}

/// A waiter whose key is dropped to make room is woken, and told it is absent.
#[tokio::test]
async fn a_dropped_claim_wakes_its_waiters() {
    let store = Arc::new(MemoryStore::with_max_entries(1));
    fresh(&*store, "first", LONG).await;
    let waiter = {
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            store
                .wait("first", Instant::now() + Duration::from_secs(20))
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    fresh(&*store, "second", LONG).await;
    let status = tokio::time::timeout(Duration::from_secs(5), waiter).await;
    assert_eq!(status.unwrap().unwrap().unwrap(), Status::Absent);
}

/// Released and claimed again before the waiter looked: it waits for the new owner's answer.
#[tokio::test(flavor = "current_thread")]
async fn a_waiter_follows_a_new_claim_of_its_key() {
    let store = Arc::new(MemoryStore::new());
    let first = fresh(&*store, "key", LONG).await;
    let waiter = {
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            store
                .wait("key", Instant::now() + Duration::from_secs(20))
                .await
        })
    };
    tokio::task::yield_now().await; // the waiter registers
                                    // No await point between the two: the waiter runs only after both.
    assert!(store.release("key", &first).await.unwrap());
    let second = fresh(&*store, "key", LONG).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!waiter.is_finished(), "still waiting for the second owner");
    let answer = StoredAnswer::json(200, "{}");
    assert!(store.complete("key", &second, &answer, LONG).await.unwrap());
    let status = tokio::time::timeout(Duration::from_secs(5), waiter).await;
    assert_eq!(status.unwrap().unwrap().unwrap(), Status::Done(answer));
}

/// A thousand waiters on one key all get the answer when it completes; with the clock paused,
/// none of them moved the clock (they sleep until woken, not in a polling loop).
#[tokio::test(start_paused = true)]
async fn many_waiters_are_woken_not_polling() {
    let store = Arc::new(MemoryStore::new());
    let owner = fresh(&*store, "key", LONG).await;
    let started = Instant::now();
    let deadline = started + Duration::from_secs(3600);
    let waiters: Vec<_> = (0..1_000)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.wait("key", deadline).await })
        })
        .collect();
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    let answer = StoredAnswer::json(200, r#"{"friendlyName":"x"}"#);
    assert!(store.complete("key", &owner, &answer, LONG).await.unwrap());
    for waiter in waiters {
        assert_eq!(waiter.await.unwrap().unwrap(), Status::Done(answer.clone()));
    }
    assert_eq!(started.elapsed(), Duration::ZERO, "no timer fired");
}

#[test]
fn debug_shows_the_size_not_the_keys() {
    let store = MemoryStore::with_max_entries(7);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
        fresh(&store, "secret-looking-token", LONG).await;
    });
    let shown = format!("{store:?}");
    assert!(
        shown.contains("max_entries: 7") && shown.contains("entries: 1"),
        "{shown}"
    );
    assert!(!shown.contains("secret-looking-token"), "{shown}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// N tasks on two threads claim one key at the same time: exactly one is fresh; the others
    /// see it in flight, or done if the winner already completed.
    #[test]
    fn concurrent_claims_of_one_key_give_one_fresh(claimers in 2usize..64, complete in any::<bool>()) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_time()
            .build()
            .unwrap();
        let (fresh, in_flight, done) = runtime.block_on(async {
            let store = Arc::new(MemoryStore::new());
            let start = Arc::new(tokio::sync::Barrier::new(claimers));
            let tasks: Vec<_> = (0..claimers)
                .map(|_| {
                    let (store, start) = (Arc::clone(&store), Arc::clone(&start));
                    tokio::spawn(async move {
                        start.wait().await;
                        let claim = store.claim("token", LONG).await.unwrap();
                        if let (Claim::Fresh(owner), true) = (&claim, complete) {
                            let answer = StoredAnswer::ok_empty_json();
                            assert!(store.complete("token", owner, &answer, LONG).await.unwrap());
                        }
                        claim
                    })
                })
                .collect();
            let (mut fresh, mut in_flight, mut done) = (0, 0, 0);
            for task in tasks {
                match task.await.unwrap() {
                    Claim::Fresh(_) => fresh += 1,
                    Claim::InFlight => in_flight += 1,
                    Claim::Done(_) => done += 1,
                }
            }
            (fresh, in_flight, done)
        });
        prop_assert_eq!(fresh, 1);
        prop_assert_eq!(fresh + in_flight + done, claimers);
        if !complete {
            prop_assert_eq!(done, 0);
        }
    }
}
