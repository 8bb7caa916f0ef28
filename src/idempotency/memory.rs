//! [`MemoryStore`]: the records of one process, bounded in number and by time to live.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::futures::OwnedNotified;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::{expiry, BoxFuture, Claim, IdempotencyStore, Owner, Status, StoreError, StoredAnswer};

/// How many records a [`MemoryStore::new`] keeps at most.
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
    /// The records by the time they lapse (then by age, to make each position unique).
    by_expiry: BTreeMap<(Instant, u64), Arc<str>>,
    /// The records by age: the sequence number of their last claim or completion.
    by_age: BTreeMap<u64, Arc<str>>,
    /// The next sequence number.
    next_seq: u64,
}

struct Entry {
    state: State,
    expires: Instant,
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

    fn claim_now(&self, key: &str, ttl: Duration) -> Claim {
        let now = Instant::now();
        let mut inner = self.lock();
        inner.drop_expired(now);
        if let Some(entry) = inner.entries.get(key) {
            return match &entry.state {
                State::InFlight { .. } => Claim::InFlight,
                State::Done(answer) => Claim::Done(answer.clone()),
            };
        }
        while inner.entries.len() >= self.max_entries {
            inner.drop_oldest();
        }
        let owner = Owner::new();
        let key: Arc<str> = Arc::from(key);
        let seq = inner.next_seq;
        inner.next_seq += 1;
        let expires = expiry(now, ttl);
        inner.by_expiry.insert((expires, seq), Arc::clone(&key));
        inner.by_age.insert(seq, Arc::clone(&key));
        let state = State::InFlight {
            owner,
            waiters: None,
        };
        inner.entries.insert(
            key,
            Entry {
                state,
                expires,
                seq,
            },
        );
        Claim::Fresh(owner)
    }

    fn complete_now(&self, key: &str, owner: &Owner, answer: &StoredAnswer, ttl: Duration) -> bool {
        let now = Instant::now();
        let mut inner = self.lock();
        inner.drop_expired(now);
        let seq = inner.next_seq;
        let Inner {
            entries,
            by_expiry,
            by_age,
            next_seq,
        } = &mut *inner;
        let Some(key) = entries.get_key_value(key).map(|(key, _)| Arc::clone(key)) else {
            return false;
        };
        let Some(entry) = entries.get_mut(&key) else {
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
        by_expiry.remove(&(entry.expires, entry.seq));
        by_age.remove(&entry.seq);
        entry.expires = expiry(now, ttl);
        entry.seq = seq;
        *next_seq += 1;
        by_expiry.insert((entry.expires, seq), Arc::clone(&key));
        by_age.insert(seq, key);
        true
    }

    fn release_now(&self, key: &str, owner: &Owner) -> bool {
        let mut inner = self.lock();
        inner.drop_expired(Instant::now());
        match inner.entries.get(key) {
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
        inner.drop_expired(Instant::now());
        match inner.entries.get(key) {
            None => Status::Absent,
            Some(entry) => match &entry.state {
                State::InFlight { .. } => Status::InFlight,
                State::Done(answer) => Status::Done(answer.clone()),
            },
        }
    }

    async fn wait_for(&self, key: &str, deadline: Instant) -> Status {
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

    /// Drops the oldest record, waking its waiters.
    fn drop_oldest(&mut self) {
        if let Some((_, key)) = self.by_age.pop_first() {
            self.remove(&key);
        }
    }

    /// Drops `key`'s record from every index, waking its waiters.
    fn remove(&mut self, key: &str) {
        if let Some(entry) = self.entries.remove(key) {
            self.by_expiry.remove(&(entry.expires, entry.seq));
            self.by_age.remove(&entry.seq);
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
        for round in 0..50 {
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
            assert_eq!(inner.by_expiry.len(), inner.entries.len());
            assert_eq!(inner.by_age.len(), inner.entries.len());
            for entry in inner.entries.values() {
                assert!(inner.by_expiry.contains_key(&(entry.expires, entry.seq)));
                assert!(inner.by_age.contains_key(&entry.seq));
            }
        }
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
