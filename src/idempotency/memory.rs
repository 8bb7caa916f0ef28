//! [`MemoryStore`]: the records of one process, bounded in number and by time to live.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::futures::OwnedNotified;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::{expiry, BoxFuture, Claim, IdempotencyStore, Owner, Status, StoreError, StoredAnswer};

/// How many records a [`MemoryStore::new`] keeps at most: about 80 MiB of records for
/// Conversations webhooks with short JSON answers, 55 MiB for Event Streams events (measured by
/// the load bench's soaks, see BENCHMARKS.md).
pub const DEFAULT_MAX_ENTRIES: usize = 100_000;

/// An [`IdempotencyStore`] in this process's memory: the default.
///
/// It never grows without limit: a record is dropped when its time to live passes, and when the
/// store is full a new claim first drops the records whose time passed, then the oldest one (the
/// one least recently claimed or completed). Every call takes one short lock; none does I/O, so
/// none waits or fails ([`StoreError`] is never returned).
///
/// [`wait`](IdempotencyStore::wait) does not poll: a waiter is woken when the key is completed,
/// released or dropped, or when its claim's time to live passes.
///
/// It only suppresses duplicates that reach this process: behind a load balancer with several
/// instances, use a shared store (`RedisStore`, feature `redis`).
pub struct MemoryStore {
    max_entries: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The records.
    entries: HashMap<Arc<str>, Entry>,
    /// The records by the time they lapse (then by sequence number, to make each position
    /// unique).
    by_expiry: BTreeMap<(Instant, u64), Arc<str>>,
    /// The records from oldest to youngest: each claim and each completion pushes its sequence
    /// number. A record's older numbers (it was completed since, or dropped) are skipped when
    /// they reach the front. A queue rather than an ordered map: pushing allocates nothing
    /// once the queue has grown, and taking the oldest is a pop.
    by_age: VecDeque<(u64, Arc<str>)>,
    /// The next sequence number.
    next_seq: u64,
}

struct Entry {
    state: State,
    expires: Instant,
    /// The sequence number of its last claim or completion: its place in `by_age` and
    /// `by_expiry`.
    seq: u64,
}

enum State {
    InFlight {
        owner: Owner,
        /// Wakes the waiters; made by the first one.
        waiters: Option<Arc<Notify>>,
    },
    Done(StoredAnswer),
}

impl MemoryStore {
    /// A store keeping at most [`DEFAULT_MAX_ENTRIES`] records.
    pub fn new() -> Self {
        Self::with_max_entries(DEFAULT_MAX_ENTRIES)
    }

    /// A store keeping at most `max_entries` records (at least one).
    pub fn with_max_entries(max_entries: usize) -> Self {
        Self {
            max_entries: max_entries.max(1),
            inner: Mutex::new(Inner::default()),
        }
    }

    /// The most records this store keeps.
    pub fn max_entries(&self) -> usize {
        self.max_entries
    }

    /// How many records the store holds now (in flight or done, not lapsed).
    pub fn len(&self) -> usize {
        let mut inner = self.lock();
        inner.drop_expired(Instant::now());
        inner.entries.len()
    }

    /// Whether the store holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Nothing panics while the lock is held; a poisoned lock still holds consistent maps.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn claim_now(&self, key: &str, ttl: Duration) -> Claim {
        let now = Instant::now();
        let mut inner = self.lock();
        if let Some(entry) = inner.live(key, now) {
            return match &entry.state {
                State::InFlight { .. } => Claim::InFlight,
                State::Done(answer) => Claim::Done(answer.clone()),
            };
        }
        while inner.entries.len() >= self.max_entries && inner.drop_oldest() {}
        let owner = Owner::new();
        let key: Arc<str> = Arc::from(key);
        let seq = inner.next_seq();
        let expires = expiry(now, ttl);
        let entry = Entry {
            state: State::InFlight {
                owner,
                waiters: None,
            },
            expires,
            seq,
        };
        inner.entries.insert(Arc::clone(&key), entry);
        inner.by_expiry.insert((expires, seq), Arc::clone(&key));
        inner.queue(seq, key, self.max_entries);
        Claim::Fresh(owner)
    }

    pub(super) fn complete_now(
        &self,
        key: &str,
        owner: &Owner,
        answer: &StoredAnswer,
        ttl: Duration,
    ) -> bool {
        let now = Instant::now();
        let mut inner = self.lock();
        let seq = inner.next_seq();
        let Some((key, entry)) = inner.live_key_mut(key, now) else {
            return false;
        };
        let State::InFlight {
            owner: holder,
            waiters,
        } = &mut entry.state
        else {
            return false;
        };
        if holder != owner {
            return false;
        }
        if let Some(waiters) = waiters.take() {
            waiters.notify_waiters();
        }
        entry.state = State::Done(answer.clone());
        let lapsed = (entry.expires, entry.seq);
        entry.expires = expiry(now, ttl);
        // Young again: its claim's place in the queue is skipped from now on.
        entry.seq = seq;
        let expires = entry.expires;
        inner.by_expiry.remove(&lapsed);
        inner.by_expiry.insert((expires, seq), Arc::clone(&key));
        inner.queue(seq, key, self.max_entries);
        true
    }

    pub(super) fn release_now(&self, key: &str, owner: &Owner) -> bool {
        let mut inner = self.lock();
        match inner.live(key, Instant::now()) {
            Some(Entry {
                state: State::InFlight { owner: holder, .. },
                ..
            }) if holder == owner => {
                inner.remove(key);
                true
            }
            _ => false,
        }
    }

    fn peek_now(&self, key: &str) -> Status {
        let mut inner = self.lock();
        match inner.live(key, Instant::now()) {
            None => Status::Absent,
            Some(entry) => match &entry.state {
                State::InFlight { .. } => Status::InFlight,
                State::Done(answer) => Status::Done(answer.clone()),
            },
        }
    }

    pub(super) async fn wait_for(&self, key: &str, deadline: Instant) -> Status {
        loop {
            let (notified, lapses) = match self.register(key) {
                Ok(registered) => registered,
                Err(status) => return status,
            };
            if Instant::now() >= deadline {
                return Status::InFlight;
            }
            // Woken by a completion, release or drop; or the claim lapses; or the deadline.
            let woken = tokio::time::timeout_at(deadline.min(lapses), notified).await;
            if woken.is_err() && Instant::now() >= deadline {
                return self.peek_now(key);
            }
        }
    }

    /// A wake-up for the in-flight `key`, and when its claim lapses; or what the key holds when
    /// it is not in flight. Registered while the lock is held: a completion, release or drop
    /// (which wake under the lock) cannot come between the look and the registration.
    fn register(&self, key: &str) -> Result<(Pin<Box<OwnedNotified>>, Instant), Status> {
        let mut inner = self.lock();
        inner.drop_expired(Instant::now());
        let Some(entry) = inner.entries.get_mut(key) else {
            return Err(Status::Absent);
        };
        match &mut entry.state {
            State::Done(answer) => Err(Status::Done(answer.clone())),
            State::InFlight { waiters, .. } => {
                let notify = Arc::clone(waiters.get_or_insert_with(Default::default));
                let mut notified = Box::pin(notify.notified_owned());
                notified.as_mut().enable();
                Ok((notified, entry.expires))
            }
        }
    }
}

impl Inner {
    /// `key`'s record (after the records whose time passed were dropped).
    fn live(&mut self, key: &str, now: Instant) -> Option<&Entry> {
        self.drop_expired(now);
        self.entries.get(key)
    }

    /// `key`'s record and the key as the map holds it (after the records whose time passed were
    /// dropped).
    fn live_key_mut(&mut self, key: &str, now: Instant) -> Option<(Arc<str>, &mut Entry)> {
        self.drop_expired(now);
        let held = Arc::clone(self.entries.get_key_value(key)?.0);
        let entry = self.entries.get_mut(key)?;
        Some((held, entry))
    }

    /// Drops the records whose time to live passed, waking their waiters.
    fn drop_expired(&mut self, now: Instant) {
        while let Some(entry) = self.by_expiry.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let key = entry.remove();
            self.remove(&key);
        }
    }

    /// The next sequence number.
    fn next_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// Queues `key` as the youngest record, at `seq` (which its entry already holds).
    ///
    /// A completed record's claim number is skipped from then on: the queue holds about two
    /// numbers per record. When it holds more (records dropped by their time, not their age),
    /// skipped numbers are taken off the front, two per push, which frees the keys of dropped
    /// records; the check costs no lookup while the queue is within that. Should the queue still
    /// grow past twice the store's size (records kept for very different times), it is swept
    /// whole: the bound holds in every case.
    fn queue(&mut self, seq: u64, key: Arc<str>, max_entries: usize) {
        self.by_age.push_back((seq, key));
        let surplus = self.by_age.len() > 2 * self.entries.len() + 2;
        for _ in 0..if surplus { 2 } else { 0 } {
            match self.by_age.front() {
                Some((seq, key)) if !self.is_current(*seq, key) => self.by_age.pop_front(),
                _ => break,
            };
        }
        if self.by_age.len() / 2 > max_entries {
            let entries = &self.entries;
            self.by_age
                .retain(|(seq, key)| entries.get(key).is_some_and(|entry| entry.seq == *seq));
        }
    }

    /// Whether `seq` is `key`'s place in the queue (not skipped).
    fn is_current(&self, seq: u64, key: &str) -> bool {
        self.entries.get(key).is_some_and(|entry| entry.seq == seq)
    }

    /// Drops the oldest record, waking its waiters; false when there was none.
    fn drop_oldest(&mut self) -> bool {
        while let Some((seq, key)) = self.by_age.pop_front() {
            if self.is_current(seq, &key) {
                self.remove(&key);
                return true;
            }
        }
        false
    }

    /// Drops `key`'s record from every index (its place in `by_age` is skipped later), waking
    /// its waiters.
    fn remove(&mut self, key: &str) {
        if let Some(entry) = self.entries.remove(key) {
            self.by_expiry.remove(&(entry.expires, entry.seq));
            if let State::InFlight {
                waiters: Some(waiters),
                ..
            } = entry.state
            {
                waiters.notify_waiters();
            }
        }
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("max_entries", &self.max_entries)
            .field("entries", &self.lock().entries.len())
            .finish()
    }
}

impl IdempotencyStore for MemoryStore {
    fn claim<'a>(
        &'a self,
        key: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<Claim, StoreError>> {
        let claim = self.claim_now(key, ttl);
        Box::pin(std::future::ready(Ok(claim)))
    }

    fn complete<'a>(
        &'a self,
        key: &'a str,
        owner: &'a Owner,
        answer: &'a StoredAnswer,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let stored = self.complete_now(key, owner, answer, ttl);
        Box::pin(std::future::ready(Ok(stored)))
    }

    fn release<'a>(
        &'a self,
        key: &'a str,
        owner: &'a Owner,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let released = self.release_now(key, owner);
        Box::pin(std::future::ready(Ok(released)))
    }

    fn peek<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Status, StoreError>> {
        let status = self.peek_now(key);
        Box::pin(std::future::ready(Ok(status)))
    }

    fn wait<'a>(
        &'a self,
        key: &'a str,
        deadline: Instant,
    ) -> BoxFuture<'a, Result<Status, StoreError>> {
        Box::pin(async move { Ok(self.wait_for(key, deadline).await) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh(store: &MemoryStore, key: &str, ttl: Duration) -> Owner {
        match store.claim_now(key, ttl) {
            Claim::Fresh(owner) => owner,
            other => panic!("{key}: expected fresh, got {other:?}"),
        }
    }

    #[test]
    fn indices_stay_consistent() {
        let store = MemoryStore::with_max_entries(4);
        let ttl = Duration::from_secs(60);
        for round in 0..200 {
            let key = format!("k{}", round % 7);
            if let Claim::Fresh(owner) = store.claim_now(&key, ttl) {
                match round % 3 {
                    0 => assert!(store.release_now(&key, &owner)),
                    1 => assert!(store.complete_now(
                        &key,
                        &owner,
                        &StoredAnswer::ok_empty_json(),
                        ttl
                    )),
                    _ => {}
                }
            }
            let inner = store.lock();
            assert!(inner.entries.len() <= 4);
            assert!(inner.by_age.len() <= 2 * 4);
            assert_eq!(inner.by_expiry.len(), inner.entries.len());
            for (key, entry) in &inner.entries {
                assert_eq!(inner.by_expiry.get(&(entry.expires, entry.seq)), Some(key));
                assert!(
                    inner.by_age.contains(&(entry.seq, Arc::clone(key))),
                    "{key} is not queued at its sequence number"
                );
            }
        }
    }

    #[test]
    fn the_queue_stays_short_when_records_lapse_instead_of_being_dropped() {
        let store = MemoryStore::with_max_entries(1_000);
        for round in 0..10_000 {
            let key = format!("k{round}");
            let owner = fresh(&store, &key, Duration::ZERO);
            // Lapsed at once: the next call drops it by its time, not by its age.
            assert!(!store.release_now(&key, &owner));
        }
        let inner = store.lock();
        assert!(inner.entries.len() <= 1, "{}", inner.entries.len());
        // A handful (about two per record, plus two), not one per delivery ever made.
        assert!(inner.by_age.len() <= 4, "{}", inner.by_age.len());
    }

    #[test]
    fn a_store_without_a_practical_bound_works() {
        let store = MemoryStore::with_max_entries(usize::MAX);
        let owner = fresh(&store, "a", Duration::from_secs(60));
        assert!(store.complete_now(
            "a",
            &owner,
            &StoredAnswer::ok_empty_json(),
            Duration::from_secs(60)
        ));
        assert!(matches!(store.peek_now("a"), Status::Done(_)));
    }

    #[test]
    fn a_lapsed_record_is_absent_and_cannot_be_completed() {
        let store = MemoryStore::with_max_entries(4);
        let owner = fresh(&store, "a", Duration::ZERO);
        assert_eq!(store.peek_now("a"), Status::Absent);
        assert!(!store.complete_now(
            "a",
            &owner,
            &StoredAnswer::ok_empty_json(),
            Duration::from_secs(60)
        ));
        assert!(matches!(
            store.claim_now("a", Duration::from_secs(60)),
            Claim::Fresh(_)
        ));
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn completing_makes_a_record_young_again() {
        let store = MemoryStore::with_max_entries(2);
        let ttl = Duration::from_secs(60);
        let a = fresh(&store, "a", ttl);
        fresh(&store, "b", ttl);
        assert!(store.complete_now("a", &a, &StoredAnswer::ok_empty_json(), ttl));
        fresh(&store, "c", ttl); // drops "b", now the oldest
        assert_eq!(store.peek_now("b"), Status::Absent);
        assert!(matches!(store.peek_now("a"), Status::Done(_)));
        assert_eq!(store.peek_now("c"), Status::InFlight);
    }
}
