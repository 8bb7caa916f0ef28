//! The idempotency stage of the request pipeline: how the router uses a store for each delivery
//! (claim before the handler, complete or release after), and its configuration.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::{Claim, IdempotencyStore, MemoryStore, Owner, Status, StoreError, StoredAnswer};

/// How long answers are kept unless told otherwise: five hours, longer than the four hours
/// Event Streams keeps redelivering.
pub const DEFAULT_KEEP: Duration = Duration::from_secs(5 * 60 * 60);

/// How long a claim lives unless told otherwise: longer than a handler should take, short enough
/// that a claim left by an instance that died lapses before Twilio stops retrying.
pub const DEFAULT_CLAIM_TTL: Duration = Duration::from_secs(60);

/// What to do when the store fails (down, slow, refusing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum StoreFailure {
    /// Handle the delivery without duplicate suppression (the default): a duplicate is better
    /// than a lost event. Each such delivery is logged at `warn` and counted
    /// ([`Idempotency::failures`]).
    #[default]
    HandleAnyway,
    /// Answer 503, so Twilio delivers again later (fail closed). Counted as well.
    Refuse,
}

/// How the router suppresses duplicate deliveries: the store, how long answers and claims are
/// kept, and what to do when the store fails.
///
/// Keys: a Conversations webhook's `I-Twilio-Idempotency-Token`, scoped by its `AccountSid` (a
/// webhook without a token is handled normally); an Event Streams event's CloudEvent `id`.
///
/// ```
/// use std::time::Duration;
///
/// use twilio_webhooks::idempotency::{Idempotency, MemoryStore, StoreFailure};
/// use twilio_webhooks::Webhooks;
///
/// let idempotency = Idempotency::new(MemoryStore::new())
///     .keep_answers_for(Duration::from_secs(6 * 60 * 60))
///     .on_store_failure(StoreFailure::Refuse);
/// let failures = idempotency.failures();
/// let webhooks = Webhooks::<()>::new().idempotency(idempotency);
/// assert_eq!(failures.get(), 0);
/// # let _ = webhooks;
/// ```
#[derive(Clone)]
pub struct Idempotency {
    store: Arc<dyn IdempotencyStore>,
    /// The same store when it is a [`MemoryStore`] given to [`new`](Self::new): called directly,
    /// without the trait's boxed futures (two allocations per delivery).
    memory: Option<Arc<MemoryStore>>,
    keep: Duration,
    claim_ttl: Duration,
    on_failure: StoreFailure,
    failures: FailureCounter,
}

impl fmt::Debug for Idempotency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Idempotency")
            .field("store", &self.store)
            .field("keep", &self.keep)
            .field("claim_ttl", &self.claim_ttl)
            .field("on_failure", &self.on_failure)
            .field("failures", &self.failures.get())
            .finish()
    }
}

impl Default for Idempotency {
    /// A [`MemoryStore`] with the default settings.
    fn default() -> Self {
        Self::new(MemoryStore::new())
    }
}

impl Idempotency {
    /// Suppresses duplicates through `store`; answers kept [`DEFAULT_KEEP`], claims live
    /// [`DEFAULT_CLAIM_TTL`], a failing store does not stop deliveries.
    pub fn new(store: impl IdempotencyStore + 'static) -> Self {
        let store = Arc::new(store);
        let any: Arc<dyn std::any::Any + Send + Sync> = Arc::clone(&store) as _;
        Self {
            memory: any.downcast::<MemoryStore>().ok(),
            ..Self::shared(store)
        }
    }

    /// As [`new`](Self::new), with a store shared with other code.
    pub fn shared(store: Arc<dyn IdempotencyStore>) -> Self {
        Self {
            store,
            memory: None,
            keep: DEFAULT_KEEP,
            claim_ttl: DEFAULT_CLAIM_TTL,
            on_failure: StoreFailure::HandleAnyway,
            failures: FailureCounter::default(),
        }
    }

    /// How long a finished delivery's answer is kept, and so how long its duplicates are
    /// recognised (default five hours).
    #[must_use]
    pub fn keep_answers_for(mut self, keep: Duration) -> Self {
        self.keep = keep;
        self
    }

    /// How long a claim lives while its handler runs (default 60 s). A claim left by an instance
    /// that died lapses after this, and the next retry runs the handler.
    #[must_use]
    pub fn claim_ttl(mut self, ttl: Duration) -> Self {
        self.claim_ttl = ttl;
        self
    }

    /// What to do when the store fails (default [`StoreFailure::HandleAnyway`]).
    #[must_use]
    pub fn on_store_failure(mut self, on_failure: StoreFailure) -> Self {
        self.on_failure = on_failure;
        self
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn IdempotencyStore> {
        &self.store
    }

    /// A handle on the number of deliveries the store failed for (each also logged at `warn`).
    pub fn failures(&self) -> FailureCounter {
        self.failures.clone()
    }

    /// Runs one delivery of `key` at most once: claims the key (waiting until `deadline` for a
    /// duplicate's first delivery to finish), runs `run`, then keeps the answer `keep` gives for
    /// its output, or releases the claim when it gives none (the retry runs it again).
    pub(crate) async fn once<T>(
        &self,
        key: &str,
        deadline: Instant,
        run: impl std::future::Future<Output = T>,
        keep: impl FnOnce(&T) -> Option<StoredAnswer>,
    ) -> Once<T> {
        let ticket = match self.begin(key, deadline).await {
            Begin::Run(ticket) => ticket,
            Begin::Replay(answer) => return Once::Replay(answer),
            Begin::Busy => return Once::Busy,
            Begin::StoreDown => return Once::StoreDown,
        };
        let output = run.await;
        if let Some(ticket) = ticket {
            match keep(&output) {
                Some(answer) => self.complete(ticket, &answer).await,
                None => self.release(ticket).await,
            }
        }
        Once::Ran(output)
    }

    /// Claims `key` for one delivery; waits until `deadline` for a duplicate's first delivery
    /// to finish.
    async fn begin<'k>(&self, key: &'k str, deadline: Instant) -> Begin<'k> {
        let mut claimed_again = false;
        loop {
            let claim = match &self.memory {
                Some(memory) => Ok(memory.claim_now(key, self.claim_ttl)),
                None => self.store.claim(key, self.claim_ttl).await,
            };
            let claim = match claim {
                Ok(claim) => claim,
                Err(err) => return self.store_failed("claim", &err),
            };
            match claim {
                Claim::Fresh(owner) => return Begin::Run(Some(Ticket { key, owner })),
                Claim::Done(answer) => return Begin::Replay(answer),
                Claim::InFlight => {}
            }
            let status = match &self.memory {
                // Boxed: a duplicate in flight is rare, and its timer would make every
                // delivery's future larger.
                Some(memory) => Ok(Box::pin(memory.wait_for(key, deadline)).await),
                None => self.store.wait(key, deadline).await,
            };
            match status {
                Ok(Status::Done(answer)) => return Begin::Replay(answer),
                Ok(Status::InFlight) => return Begin::Busy,
                // Released or lapsed while we waited: take it over, once.
                Ok(Status::Absent) if !claimed_again => claimed_again = true,
                Ok(Status::Absent) => return Begin::Busy,
                Err(err) => return self.store_failed("wait", &err),
            }
        }
    }

    /// Stores the answer of a finished delivery.
    async fn complete(&self, ticket: Ticket<'_>, answer: &StoredAnswer) {
        let stored = match &self.memory {
            Some(memory) => Ok(memory.complete_now(ticket.key, &ticket.owner, answer, self.keep)),
            None => {
                self.store
                    .complete(ticket.key, &ticket.owner, answer, self.keep)
                    .await
            }
        };
        match stored {
            Ok(true) => {}
            Ok(false) => tracing::warn!(
                "idempotency: a claim lapsed before its handler finished; raise the claim TTL"
            ),
            Err(err) => {
                self.failures.add();
                tracing::warn!(error = %err, "idempotency: could not store an answer; a retry will run the handler again");
            }
        }
    }

    /// Gives up a claim, so the retry runs the handler again.
    async fn release(&self, ticket: Ticket<'_>) {
        let released = match &self.memory {
            Some(memory) => Ok(memory.release_now(ticket.key, &ticket.owner)),
            None => self.store.release(ticket.key, &ticket.owner).await,
        };
        if let Err(err) = released {
            self.failures.add();
            tracing::warn!(error = %err, "idempotency: could not release a claim; the retry waits for it to lapse");
        }
    }

    fn store_failed(&self, operation: &'static str, err: &StoreError) -> Begin<'static> {
        self.failures.add();
        match self.on_failure {
            StoreFailure::HandleAnyway => {
                tracing::warn!(operation, error = %err, "idempotency store failed: handling the delivery without duplicate suppression");
                Begin::Run(None)
            }
            StoreFailure::Refuse => {
                tracing::warn!(operation, error = %err, "idempotency store failed: refusing the delivery (503) so Twilio delivers it again");
                Begin::StoreDown
            }
        }
    }
}

/// What became of a delivery run through [`Idempotency::once`].
#[derive(Debug)]
pub(crate) enum Once<T> {
    /// It ran (its answer kept, or its claim released).
    Ran(T),
    /// A duplicate of a finished delivery: its answer, to give again.
    Replay(StoredAnswer),
    /// A duplicate whose first delivery is still running past the deadline: ask for a retry.
    Busy,
    /// The store failed and the configuration says to refuse.
    StoreDown,
}

/// What to do with one delivery, after its claim.
#[derive(Debug)]
enum Begin<'k> {
    /// Run the handler; complete or release the ticket after (none: the store failed, handle
    /// without suppression).
    Run(Option<Ticket<'k>>),
    /// A duplicate of a finished delivery: give its answer again.
    Replay(StoredAnswer),
    /// A duplicate whose first delivery is still running past the deadline: ask for a retry.
    Busy,
    /// The store failed and the configuration says to refuse.
    StoreDown,
}

/// A fresh claim, to complete or release.
#[derive(Debug)]
struct Ticket<'k> {
    key: &'k str,
    owner: Owner,
}

/// How many deliveries an [`Idempotency`] store failed for; cheap to clone, shared.
#[derive(Debug, Clone, Default)]
pub struct FailureCounter(Arc<AtomicU64>);

impl FailureCounter {
    /// The count so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn add(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}
