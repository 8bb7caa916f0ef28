//! What every `IdempotencyStore` must do, checked the same way for each store. Include it with
//! `#[path = "common/idempotency.rs"] mod conformance;`.

#![allow(dead_code)] // Each test crate uses its own part of this module.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use twilio_webhooks::idempotency::{Claim, IdempotencyStore, Owner, Status, StoredAnswer};

/// A time to live no test outlasts.
pub const LONG: Duration = Duration::from_secs(600);

/// Generous slack for timing checks on a busy machine.
pub const SLACK: Duration = Duration::from_secs(2);

/// Claims `key`, expecting it to be fresh.
pub async fn fresh(store: &dyn IdempotencyStore, key: &str, ttl: Duration) -> Owner {
    match store.claim(key, ttl).await.unwrap() {
        Claim::Fresh(owner) => owner,
        other => panic!("{key}: expected a fresh claim, got {other:?}"),
    }
}

/// Fresh, duplicate and in-flight claims; owner checks; complete and release.
pub async fn claims_and_owners(store: &dyn IdempotencyStore, prefix: &str) {
    let key = format!("{prefix}a");
    assert_eq!(store.peek(&key).await.unwrap(), Status::Absent);
    let owner = fresh(store, &key, LONG).await;
    assert_eq!(store.claim(&key, LONG).await.unwrap(), Claim::InFlight);
    assert_eq!(store.peek(&key).await.unwrap(), Status::InFlight);

    // Only the owner completes or releases.
    let stranger = Owner::new();
    let answer = StoredAnswer::json(200, r#"{"body":"first"}"#);
    assert!(!store
        .complete(&key, &stranger, &answer, LONG)
        .await
        .unwrap());
    assert!(!store.release(&key, &stranger).await.unwrap());
    assert_eq!(store.claim(&key, LONG).await.unwrap(), Claim::InFlight);

    // Completed: every duplicate gets the same answer.
    assert!(store.complete(&key, &owner, &answer, LONG).await.unwrap());
    for _ in 0..3 {
        assert_eq!(
            store.claim(&key, LONG).await.unwrap(),
            Claim::Done(answer.clone())
        );
    }
    assert_eq!(
        store.peek(&key).await.unwrap(),
        Status::Done(answer.clone())
    );
    // A done record is no longer a claim: neither completed again nor released.
    let other = StoredAnswer::json(500, "{}");
    assert!(!store.complete(&key, &owner, &other, LONG).await.unwrap());
    assert!(!store.release(&key, &owner).await.unwrap());
    assert_eq!(store.claim(&key, LONG).await.unwrap(), Claim::Done(answer));

    // Released: the next delivery is fresh, and the old owner holds nothing.
    let key = format!("{prefix}b");
    let first = fresh(store, &key, LONG).await;
    assert!(store.release(&key, &first).await.unwrap());
    assert_eq!(store.peek(&key).await.unwrap(), Status::Absent);
    let second = fresh(store, &key, LONG).await;
    assert_ne!(first, second);
    assert!(!store.release(&key, &first).await.unwrap());
    let answer = StoredAnswer::ok_empty_json();
    assert!(!store.complete(&key, &first, &answer, LONG).await.unwrap());
    assert!(store.complete(&key, &second, &answer, LONG).await.unwrap());
    assert_eq!(store.claim(&key, LONG).await.unwrap(), Claim::Done(answer));

    // Keys are independent.
    fresh(store, &format!("{prefix}c"), LONG).await;
}

/// Answers come back byte for byte: binary bodies, no content type, any status.
pub async fn answers_round_trip(store: &dyn IdempotencyStore, prefix: &str) {
    let answers = [
        StoredAnswer::ok_empty_json(),
        StoredAnswer::new(204, None, Vec::new()),
        StoredAnswer::new(403, Some("text/plain; charset=utf-8".into()), "nope"),
        StoredAnswer::new(
            200,
            Some("application/octet-stream".into()),
            (0..=255u8).collect::<Vec<u8>>(),
        ),
        StoredAnswer::json(200, "{\"body\":\"é ✓\"}".repeat(200)),
    ];
    for (index, answer) in answers.into_iter().enumerate() {
        let key = format!("{prefix}answer-{index}");
        let owner = fresh(store, &key, LONG).await;
        assert!(store.complete(&key, &owner, &answer, LONG).await.unwrap());
        assert_eq!(store.claim(&key, LONG).await.unwrap(), Claim::Done(answer));
    }
}

/// A claim left by a dead owner lapses; so does a done record, each after its own ttl.
pub async fn records_lapse(store: &dyn IdempotencyStore, prefix: &str) {
    let ttl = Duration::from_millis(200);
    let key = format!("{prefix}lapse-claim");
    let dead = fresh(store, &key, ttl).await;
    assert_eq!(store.claim(&key, LONG).await.unwrap(), Claim::InFlight);
    tokio::time::sleep(ttl * 2).await;
    assert_eq!(store.peek(&key).await.unwrap(), Status::Absent);
    let alive = fresh(store, &key, LONG).await;
    let answer = StoredAnswer::ok_empty_json();
    assert!(!store.complete(&key, &dead, &answer, LONG).await.unwrap());
    assert!(!store.release(&key, &dead).await.unwrap());
    assert!(store.complete(&key, &alive, &answer, LONG).await.unwrap());

    let key = format!("{prefix}lapse-done");
    let owner = fresh(store, &key, LONG).await;
    assert!(store.complete(&key, &owner, &answer, ttl).await.unwrap());
    assert_eq!(store.claim(&key, LONG).await.unwrap(), Claim::Done(answer));
    tokio::time::sleep(ttl * 2).await;
    fresh(store, &key, LONG).await;
}

/// `wait`: done, absent, completed or released while waiting, lapsed, and the deadline.
pub async fn waiting(store: Arc<dyn IdempotencyStore>, prefix: &str) {
    let answer = StoredAnswer::json(200, r#"{"attributes":"{}"}"#);
    let soon = || Instant::now() + Duration::from_secs(5);

    // Nothing to wait for.
    let key = format!("{prefix}wait-absent");
    assert_eq!(store.wait(&key, soon()).await.unwrap(), Status::Absent);
    let key = format!("{prefix}wait-done");
    let owner = fresh(&*store, &key, LONG).await;
    assert!(store.complete(&key, &owner, &answer, LONG).await.unwrap());
    let started = Instant::now();
    assert_eq!(
        store.wait(&key, soon()).await.unwrap(),
        Status::Done(answer.clone())
    );
    assert!(started.elapsed() < SLACK);

    // Completed while waiting: the waiters get the answer, soon after.
    let key = format!("{prefix}wait-complete");
    let owner = fresh(&*store, &key, LONG).await;
    let waiters: Vec<_> = (0..8)
        .map(|_| {
            let (store, key) = (Arc::clone(&store), key.clone());
            tokio::spawn(async move {
                store
                    .wait(&key, Instant::now() + Duration::from_secs(20))
                    .await
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(150)).await;
    let completed = Instant::now();
    assert!(store.complete(&key, &owner, &answer, LONG).await.unwrap());
    for waiter in waiters {
        assert_eq!(waiter.await.unwrap().unwrap(), Status::Done(answer.clone()));
    }
    assert!(
        completed.elapsed() < SLACK,
        "waiters woke {:?} after",
        completed.elapsed()
    );

    // Released while waiting: absent, the waiter may claim it.
    let key = format!("{prefix}wait-release");
    let owner = fresh(&*store, &key, LONG).await;
    let waiter = {
        let (store, key) = (Arc::clone(&store), key.clone());
        tokio::spawn(async move {
            store
                .wait(&key, Instant::now() + Duration::from_secs(20))
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    let released = Instant::now();
    assert!(store.release(&key, &owner).await.unwrap());
    assert_eq!(waiter.await.unwrap().unwrap(), Status::Absent);
    assert!(released.elapsed() < SLACK);
    fresh(&*store, &key, LONG).await;

    // The claim lapses while waiting (its owner died).
    let key = format!("{prefix}wait-lapse");
    fresh(&*store, &key, Duration::from_millis(300)).await;
    let started = Instant::now();
    let status = store
        .wait(&key, started + Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(status, Status::Absent);
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
    assert!(started.elapsed() < Duration::from_millis(300) + SLACK);

    // Not done by the deadline: still in flight, at the deadline.
    let key = format!("{prefix}wait-deadline");
    fresh(&*store, &key, LONG).await;
    let started = Instant::now();
    let deadline = started + Duration::from_millis(300);
    assert_eq!(store.wait(&key, deadline).await.unwrap(), Status::InFlight);
    assert!(Instant::now() >= deadline);
    assert!(started.elapsed() < Duration::from_millis(300) + SLACK);
    // A deadline already past answers at once.
    let started = Instant::now();
    assert_eq!(store.wait(&key, started).await.unwrap(), Status::InFlight);
    assert!(started.elapsed() < SLACK);
}

/// Many tasks claim the same keys at once: exactly one fresh claim per key; the others see it
/// in flight, or done once its owner completed. `stores` take turns among the claimers.
pub async fn racing(
    stores: &[Arc<dyn IdempotencyStore>],
    prefix: &str,
    keys: usize,
    per_key: usize,
) {
    let answer = StoredAnswer::ok_empty_json();
    let mut tasks = Vec::new();
    for claimer in 0..per_key {
        let store = Arc::clone(&stores[claimer % stores.len()]);
        let (prefix, answer) = (prefix.to_owned(), answer.clone());
        tasks.push(tokio::spawn(async move {
            let mut fresh = vec![0usize; keys];
            for (index, count) in fresh.iter_mut().enumerate() {
                let key = format!("{prefix}race-{index}");
                match store.claim(&key, LONG).await.unwrap() {
                    Claim::Fresh(owner) => {
                        *count += 1;
                        // Half the keys complete, half stay in flight.
                        if index % 2 == 0 {
                            assert!(store.complete(&key, &owner, &answer, LONG).await.unwrap());
                        }
                    }
                    Claim::Done(stored) => assert_eq!(stored, answer),
                    Claim::InFlight => {}
                }
            }
            fresh
        }));
    }
    let mut totals = vec![0usize; keys];
    for task in tasks {
        for (total, count) in totals.iter_mut().zip(task.await.unwrap()) {
            *total += count;
        }
    }
    for (index, total) in totals.iter().enumerate() {
        assert_eq!(*total, 1, "key {index} was claimed fresh {total} times");
    }
}
