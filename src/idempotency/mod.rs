//! Duplicate suppression: remember which deliveries were handled, and what was answered.
//!
//! Twilio delivers at least once. A retried Conversations webhook carries the same
//! `I-Twilio-Idempotency-Token`; a redelivered Event Streams CloudEvent the same `id`. An
//! [`IdempotencyStore`] keeps one small record per such key so that a delivery is handled once:
//!
//! 1. [`claim`](IdempotencyStore::claim) the key before running the handler. The answer is
//!    [`Claim::Fresh`] (this caller now owns the key and runs the handler), [`Claim::Done`] (a
//!    previous delivery finished: here is its [`StoredAnswer`]) or [`Claim::InFlight`] (another
//!    caller, maybe on another instance, is running the handler right now).
//! 2. After the handler: [`complete`](IdempotencyStore::complete) stores the answer, so every
//!    later duplicate gets it without the handler running again; or, when the handler failed,
//!    panicked or missed its deadline, [`release`](IdempotencyStore::release) deletes the claim so
//!    that Twilio's retry runs the handler again. Both only act while the caller still owns the
//!    key (the [`Owner`] token from the fresh claim).
//! 3. A duplicate that finds the key in flight may [`wait`](IdempotencyStore::wait), bounded by a
//!    deadline, for the first delivery's answer.
//!
//! A claim carries a time to live: when the instance that claimed a key dies, the claim lapses
//! and a later retry is handled. A completed answer carries its own time to live (Event Streams
//! redelivers for up to four hours, so keep answers at least that long).
//!
//! Two stores come with the crate:
//!
//! - [`MemoryStore`], the default: one process, bounded in entries and by time to live.
//! - `RedisStore` (feature `redis`): shared by every instance behind a load balancer, one round
//!   trip per claim, one per completion or release.
//!
//! Implement [`IdempotencyStore`] to use another shared store; share it as
//! `Arc<dyn IdempotencyStore>`.
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! use twilio_webhooks::idempotency::{Claim, IdempotencyStore, MemoryStore, StoredAnswer};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), twilio_webhooks::idempotency::StoreError> {
//! let store: Arc<dyn IdempotencyStore> = Arc::new(MemoryStore::new());
//! let in_flight = Duration::from_secs(30);
//! let keep = Duration::from_secs(5 * 60 * 60);
//!
//! // The first delivery claims the key, runs the handler and stores its answer.
//! let Claim::Fresh(owner) = store.claim("token-1", in_flight).await? else {
//!     panic!("a new key is fresh");
//! };
//! let answer = StoredAnswer::json(200, r#"{"body":"hello"}"#);
//! assert!(store.complete("token-1", &owner, &answer, keep).await?);
//!
//! // Twilio's retry gets the same answer; the handler does not run again.
//! match store.claim("token-1", in_flight).await? {
//!     Claim::Done(stored) => assert_eq!(stored, answer),
//!     other => panic!("expected the stored answer, got {other:?}"),
//! }
//!
//! // A handler that fails releases its claim: the retry runs it again.
//! let Claim::Fresh(owner) = store.claim("token-2", in_flight).await? else {
//!     panic!("a new key is fresh");
//! };
//! assert!(store.release("token-2", &owner).await?);
//! assert!(matches!(store.claim("token-2", in_flight).await?, Claim::Fresh(_)));
//! # Ok(())
//! # }
//! ```

mod answer;
mod deliveries;
mod memory;
#[cfg(feature = "redis")]
mod redis_store;

use std::collections::hash_map::RandomState;
use std::fmt;
use std::future::Future;
use std::hash::BuildHasher;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use tokio::time::Instant;

pub use answer::{AnswerDecodeError, StoredAnswer};
pub(crate) use deliveries::Once;
pub use deliveries::{FailureCounter, Idempotency, StoreFailure, DEFAULT_CLAIM_TTL, DEFAULT_KEEP};
pub use memory::{MemoryStore, DEFAULT_MAX_ENTRIES};
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use redis_store::{RedisStore, RedisStoreBuilder, DEFAULT_PREFIX, DEFAULT_TIMEOUT};

/// A boxed, sendable future: what the methods of [`IdempotencyStore`] return, so that the
/// trait can be used as `dyn IdempotencyStore`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The longest time to live a store keeps a record for; longer ones are shortened to it
/// (ten years). It keeps deadline arithmetic from overflowing.
pub const MAX_TTL: Duration = Duration::from_secs(10 * 365 * 24 * 60 * 60);

/// The first pause of [`IdempotencyStore::wait`]'s default implementation between two looks at
/// an in-flight key; each pause doubles, up to [`WAIT_POLL_MAX`].
pub const WAIT_POLL_MIN: Duration = Duration::from_millis(5);

/// The longest pause of [`IdempotencyStore::wait`]'s default implementation between two looks
/// at an in-flight key.
pub const WAIT_POLL_MAX: Duration = Duration::from_millis(100);

/// Where deliveries' keys are claimed, completed with their answer, or released.
///
/// Keys are plain strings: the caller scopes them (for example a webhook's idempotency token
/// with its account, a CloudEvent's `id`). Every method returns a [`BoxFuture`] so that the
/// trait is object safe; share a store as `Arc<dyn IdempotencyStore>`.
///
/// An implementation must make [`claim`](Self::claim) atomic: when many callers, in one process
/// or many, claim the same absent key at once, exactly one gets [`Claim::Fresh`]. It should bound
/// the time of every call and answer [`StoreError::Timeout`] rather than hang.
///
/// [`wait`](Self::wait) has a default implementation that looks at the key with
/// [`peek`](Self::peek) first after [`WAIT_POLL_MIN`], then after pauses doubling up to
/// [`WAIT_POLL_MAX`], until the key is done or gone or the deadline passes.
pub trait IdempotencyStore: Send + Sync + fmt::Debug {
    /// Claims `key` for the caller unless a record of it exists, in one atomic step.
    ///
    /// - [`Claim::Fresh`]: there was no record; now an in-flight record owned by the returned
    ///   [`Owner`] lives for `ttl` (so that a claim left by a dead instance lapses).
    /// - [`Claim::Done`]: a delivery of this key finished; its answer.
    /// - [`Claim::InFlight`]: someone else holds the claim.
    ///
    /// Choose `ttl` a little longer than the handler may take (its deadline plus a margin), not
    /// as long as answers are kept: it is how long duplicates are held off when the owner died.
    /// A `ttl` above [`MAX_TTL`] is shortened to it; a zero `ttl` lapses at once (in Redis,
    /// after a millisecond).
    ///
    /// A claim that failed with [`StoreError::Timeout`] may still take effect when a slow store
    /// gets to it: the key then stays in flight, owned by no one, until `ttl` passes.
    fn claim<'a>(&'a self, key: &'a str, ttl: Duration)
        -> BoxFuture<'a, Result<Claim, StoreError>>;

    /// Replaces `owner`'s in-flight claim of `key` with `answer`, kept for `ttl`.
    ///
    /// `Ok(true)` when stored; `Ok(false)`, storing nothing, when `owner` no longer holds the
    /// claim (it lapsed, was released, or another caller claimed the key since).
    fn complete<'a>(
        &'a self,
        key: &'a str,
        owner: &'a Owner,
        answer: &'a StoredAnswer,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Deletes `owner`'s in-flight claim of `key`, so that the next delivery of it is
    /// [`Claim::Fresh`] and runs the handler again.
    ///
    /// `Ok(true)` when deleted; `Ok(false)`, changing nothing, when `owner` no longer holds the
    /// claim.
    fn release<'a>(
        &'a self,
        key: &'a str,
        owner: &'a Owner,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// What the store holds for `key` now, changing nothing.
    fn peek<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Status, StoreError>>;

    /// Waits until `key` is done, or no longer claimed, or `deadline` passes, whichever comes
    /// first, and tells which: [`Status::Done`] with the answer, [`Status::Absent`] when the
    /// claim was released or lapsed (the caller may claim the key itself), [`Status::InFlight`]
    /// when the deadline passed first.
    ///
    /// The default implementation polls [`peek`](Self::peek) with a bounded backoff (see the
    /// trait's documentation); when a look is still unanswered at the deadline the answer is
    /// [`Status::InFlight`]. [`MemoryStore`] is woken instead, without polling.
    fn wait<'a>(
        &'a self,
        key: &'a str,
        deadline: Instant,
    ) -> BoxFuture<'a, Result<Status, StoreError>> {
        Box::pin(poll_until(self, key, deadline))
    }
}

/// The default [`IdempotencyStore::wait`]: `peek` after pauses of [`WAIT_POLL_MIN`] doubling to
/// [`WAIT_POLL_MAX`], never past `deadline`.
async fn poll_until<S: IdempotencyStore + ?Sized>(
    store: &S,
    key: &str,
    deadline: Instant,
) -> Result<Status, StoreError> {
    let mut pause = WAIT_POLL_MIN;
    loop {
        let status = match tokio::time::timeout_at(deadline, store.peek(key)).await {
            Ok(status) => status?,
            Err(_elapsed) => return Ok(Status::InFlight),
        };
        if !matches!(status, Status::InFlight) {
            return Ok(status);
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(Status::InFlight);
        }
        tokio::time::sleep_until(deadline.min(now + pause)).await;
        pause = (pause * 2).min(WAIT_POLL_MAX);
    }
}

/// The outcome of [`IdempotencyStore::claim`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key was not claimed: the caller now holds it, as this owner, and runs the handler,
    /// then [`complete`](IdempotencyStore::complete)s or [`release`](IdempotencyStore::release)s
    /// it.
    Fresh(Owner),
    /// A delivery of this key finished earlier: its answer, to give again without running the
    /// handler.
    Done(StoredAnswer),
    /// Another caller holds the claim and has not finished.
    InFlight,
}

/// What a store holds for a key: the answer of [`IdempotencyStore::peek`] and
/// [`IdempotencyStore::wait`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Nothing: never claimed, released, or lapsed.
    Absent,
    /// Claimed and not finished.
    InFlight,
    /// Finished, with this answer.
    Done(StoredAnswer),
}

/// Who holds a claim: a token unique to one [`Claim::Fresh`], which only its holder can present
/// to [`complete`](IdempotencyStore::complete) or [`release`](IdempotencyStore::release).
///
/// 128 bits: 64 that are random for the process (from the standard library's randomly seeded
/// hasher, with the process id and the time) and a 64-bit counter, so that tokens of different
/// instances sharing one store do not collide.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Owner(u128);

impl Owner {
    /// A new token, different from every other one this process made.
    pub fn new() -> Self {
        static PROCESS: OnceLock<u64> = OnceLock::new();
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let process = *PROCESS.get_or_init(|| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            RandomState::new().hash_one((std::process::id(), now))
        });
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        Self((u128::from(process) << 64) | u128::from(count))
    }

    /// The token as 16 bytes (big-endian), as stores keep it.
    pub fn to_bytes(self) -> [u8; 16] {
        self.0.to_be_bytes()
    }

    /// The token [`to_bytes`](Self::to_bytes) gave.
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(u128::from_be_bytes(bytes))
    }
}

impl Default for Owner {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Owner({:032x})", self.0)
    }
}

/// Why a store call failed. Nothing here contains a key's value, a URL or a password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store did not answer `operation` within its time bound (`after`).
    #[error("idempotency store: {operation} got no answer within {after:?}")]
    Timeout {
        /// The call: `connect`, `claim`, `complete`, `release` or `peek`.
        operation: &'static str,
        /// The time bound that passed.
        after: Duration,
    },
    /// The store could not be reached for `operation`: connection refused, dropped or being
    /// re-established.
    #[error("idempotency store unavailable during {operation}: {reason}")]
    Unavailable {
        /// The call that failed.
        operation: &'static str,
        /// What the connection reported.
        reason: String,
    },
    /// The store answered `operation` with an error: refused the command (for example a Redis
    /// older than 7.0, out of memory, or wrong credentials).
    #[error("idempotency store refused {operation}: {reason}")]
    Rejected {
        /// The call that failed.
        operation: &'static str,
        /// The store's error message.
        reason: String,
    },
    /// A record the store holds (or its reply) is not in the expected format, for example a key
    /// written by another program under the same prefix.
    #[error("idempotency store: unexpected record during {operation}: {reason}")]
    Corrupt {
        /// The call that read it.
        operation: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// The store's configuration is invalid (for example a Redis URL that does not parse).
    #[error("idempotency store configuration: {reason}")]
    InvalidConfig {
        /// What was wrong.
        reason: String,
    },
    /// Another implementation's failure.
    #[error("idempotency store: {0}")]
    Other(Box<dyn std::error::Error + Send + Sync>),
}

/// `now + ttl`, the ttl capped at [`MAX_TTL`].
fn expiry(now: Instant, ttl: Duration) -> Instant {
    let ttl = ttl.min(MAX_TTL);
    now.checked_add(ttl).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_are_distinct_and_round_trip() {
        let a = Owner::new();
        let b = Owner::new();
        assert_ne!(a, b);
        assert_eq!(Owner::from_bytes(a.to_bytes()), a);
        assert_eq!(a.to_bytes()[..8], b.to_bytes()[..8], "same process prefix");
        assert!(format!("{a:?}").starts_with("Owner("));
    }

    #[test]
    fn expiry_caps_the_ttl() {
        let now = Instant::now();
        assert_eq!(expiry(now, Duration::MAX), now + MAX_TTL);
        assert_eq!(
            expiry(now, Duration::from_secs(1)),
            now + Duration::from_secs(1)
        );
    }
}
