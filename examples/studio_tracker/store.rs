//! Where the tracker keeps its records: [`MemoryStore`] in this process, or (feature `redis`)
//! `RedisStore`, shared by every instance. Both apply [`Record::apply`], so they merge events
//! the same way; the store only makes each merge atomic.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

use twilio_webhooks::idempotency::Idempotency;
use twilio_webhooks::sid::ExecutionSid;
use twilio_webhooks::studio::Correlation;

use crate::tracker::{Change, Record};

/// Why the store could not answer. Never shows the Redis URL.
#[derive(Debug, thiserror::Error)]
#[cfg_attr(not(feature = "redis"), allow(dead_code))] // Only the Redis store fails.
pub enum StoreError {
    /// Redis did not answer in time, refused the connection, or answered with an error.
    #[error("the state store failed to {operation}: {reason}")]
    Failed {
        /// What was being done (`read an execution`, `merge an event`, …).
        operation: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// A stored record is not one the tracker wrote.
    #[error("the stored record of {execution} is unreadable: {reason}")]
    Corrupt {
        /// Whose record.
        execution: ExecutionSid,
        /// What was wrong with it.
        reason: String,
    },
    /// Other instances changed the record every time this one tried to merge into it.
    #[error("the record of {execution} kept changing under concurrent updates; Event Streams will deliver the event again")]
    Contended {
        /// Whose record.
        execution: ExecutionSid,
    },
}

/// The state of every Execution, shared by the handlers (and, in Redis, by every instance).
pub trait Store: Clone + Send + Sync + 'static {
    /// Merges `change` into the record of `execution` (a new record when there is none) in one
    /// atomic step, and returns the record as stored after it.
    fn merge(
        &self,
        execution: ExecutionSid,
        change: &Change,
    ) -> impl Future<Output = Result<Record, StoreError>> + Send;

    /// The record of `execution`, if any event of it came.
    fn get(
        &self,
        execution: ExecutionSid,
    ) -> impl Future<Output = Result<Option<Record>, StoreError>> + Send;

    /// Lists `execution` under its conversation or call, ordered by `started_at` (microseconds)
    /// then SID. Idempotent.
    fn index(
        &self,
        belongs_to: Correlation,
        started_at: i64,
        execution: ExecutionSid,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The Executions of a conversation or call, oldest start first.
    fn executions_of(
        &self,
        belongs_to: Correlation,
    ) -> impl Future<Output = Result<Vec<ExecutionSid>, StoreError>> + Send;

    /// The crate's duplicate suppression over the same storage (this process's memory, or the
    /// same Redis connection): the router's, and the claims of the Context call.
    fn idempotency(&self) -> Idempotency;
}

/// The records in this process's memory: lost on restart, not shared with other instances.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore(Arc<Mutex<Memory>>);

#[derive(Debug, Default)]
struct Memory {
    records: HashMap<ExecutionSid, Record>,
    index: HashMap<Correlation, BTreeSet<(i64, ExecutionSid)>>,
}

impl MemoryStore {
    fn lock(&self) -> MutexGuard<'_, Memory> {
        // A panic elsewhere cannot leave a record half-merged: `merge` replaces it whole.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Store for MemoryStore {
    async fn merge(&self, execution: ExecutionSid, change: &Change) -> Result<Record, StoreError> {
        let mut memory = self.lock();
        let current = memory.records.remove(&execution);
        let merged = Record::apply(current, execution, change);
        memory.records.insert(execution, merged.clone());
        Ok(merged)
    }

    async fn get(&self, execution: ExecutionSid) -> Result<Option<Record>, StoreError> {
        Ok(self.lock().records.get(&execution).cloned())
    }

    async fn index(
        &self,
        belongs_to: Correlation,
        started_at: i64,
        execution: ExecutionSid,
    ) -> Result<(), StoreError> {
        self.lock()
            .index
            .entry(belongs_to)
            .or_default()
            .insert((started_at, execution));
        Ok(())
    }

    async fn executions_of(
        &self,
        belongs_to: Correlation,
    ) -> Result<Vec<ExecutionSid>, StoreError> {
        Ok(self
            .lock()
            .index
            .get(&belongs_to)
            .map(|listed| listed.iter().map(|(_, sid)| *sid).collect())
            .unwrap_or_default())
    }

    fn idempotency(&self) -> Idempotency {
        Idempotency::default()
    }
}
