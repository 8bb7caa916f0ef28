//! [`RedisStore`]: the tracker's records in Redis, so that several instances behind one load
//! balancer agree (feature `redis`).
//!
//! Keys, under the prefix `studio_tracker:`:
//!
//! - `execution:{FN}`: the [`Record`] as JSON. A merge reads it, applies the change with
//!   [`Record::apply`] (the same rules as in memory), and writes it back with a compare-and-set
//!   script that succeeds only if nobody wrote it in between; otherwise it reads again. So two
//!   instances merging events of one Execution at once both land, whatever the interleaving.
//! - `conversation:{CH}` and `call:{CA}`: sorted sets of Execution SIDs scored by their start
//!   (microseconds); Redis orders equal scores by member, as the memory store does.
//!
//! Duplicate suppression and the claims of the Context call go through the crate's
//! `RedisStore` on the same connection (its own keys, under its own prefix).

use std::sync::LazyLock;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, RedisError, Script};

use twilio_webhooks::idempotency::Idempotency;
use twilio_webhooks::sid::ExecutionSid;
use twilio_webhooks::studio::Correlation;

use crate::store::{Store, StoreError};
use crate::tracker::{Change, Record};

/// The prefix of every key.
const PREFIX: &str = "studio_tracker:";

/// The time bound of every Redis call.
const TIMEOUT: Duration = Duration::from_millis(1000);

/// How many times a merge reads and tries to write before giving up (each failure means
/// another instance wrote the record in between).
const MERGE_ATTEMPTS: usize = 50;

/// Writes `ARGV[2]` to `KEYS[1]` if it still holds `ARGV[1]` (`""`: if it does not exist).
static COMPARE_AND_SET: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        "local current = redis.call('GET', KEYS[1]) \
         if current == false then current = '' end \
         if current ~= ARGV[1] then return 0 end \
         redis.call('SET', KEYS[1], ARGV[2]) \
         return 1",
    )
});

/// The tracker's state in Redis, shared by every instance. Cheap to clone.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
}

impl RedisStore {
    /// A store for the Redis at `url` that connects on its first call (the server starts even
    /// while Redis is down). The error never repeats the URL, which may hold a password.
    pub fn connect_lazy(url: &str) -> Result<Self, String> {
        let client = Client::open(url).map_err(|error| {
            format!(
                "REDIS_URL must be a Redis URL like redis://127.0.0.1:6379: {}",
                error.detail().unwrap_or("it does not parse")
            )
        })?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(TIMEOUT))
            .set_response_timeout(Some(TIMEOUT))
            .set_number_of_retries(0);
        let connection = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|error| format!("cannot set up the Redis connection: {error}"))?;
        Ok(Self { connection })
    }

    fn execution_key(execution: ExecutionSid) -> String {
        format!("{PREFIX}execution:{execution}")
    }

    fn index_key(belongs_to: Correlation) -> String {
        match belongs_to {
            Correlation::Conversation(sid) => format!("{PREFIX}conversation:{sid}"),
            Correlation::Call(sid) => format!("{PREFIX}call:{sid}"),
        }
    }

    /// Runs one command or script within [`TIMEOUT`].
    async fn bounded<T>(
        &self,
        operation: &'static str,
        request: impl std::future::Future<Output = Result<T, RedisError>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(TIMEOUT, request).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(StoreError::Failed {
                operation,
                reason: error.to_string(),
            }),
            Err(_) => Err(StoreError::Failed {
                operation,
                reason: format!("Redis did not answer within {} ms", TIMEOUT.as_millis()),
            }),
        }
    }

    async fn read(&self, execution: ExecutionSid) -> Result<Option<String>, StoreError> {
        let mut connection = self.connection.clone();
        let key = Self::execution_key(execution);
        self.bounded(
            "read an execution",
            redis::cmd("GET")
                .arg(&key)
                .query_async::<Option<String>>(&mut connection),
        )
        .await
    }
}

fn parse(execution: ExecutionSid, text: &str) -> Result<Record, StoreError> {
    serde_json::from_str(text).map_err(|error| StoreError::Corrupt {
        execution,
        reason: error.to_string(),
    })
}

impl Store for RedisStore {
    async fn merge(&self, execution: ExecutionSid, change: &Change) -> Result<Record, StoreError> {
        let key = Self::execution_key(execution);
        for _ in 0..MERGE_ATTEMPTS {
            let stored = self.read(execution).await?;
            let current = stored
                .as_deref()
                .map(|text| parse(execution, text))
                .transpose()?;
            let merged = Record::apply(current.clone(), execution, change);
            if current.as_ref() == Some(&merged) {
                return Ok(merged); // Nothing new (a duplicate).
            }
            let text = serde_json::to_string(&merged).map_err(|error| StoreError::Corrupt {
                execution,
                reason: error.to_string(),
            })?;
            let mut connection = self.connection.clone();
            let written: i64 = self
                .bounded(
                    "merge an event",
                    COMPARE_AND_SET
                        .key(&key)
                        .arg(stored.as_deref().unwrap_or(""))
                        .arg(&text)
                        .invoke_async(&mut connection),
                )
                .await?;
            if written == 1 {
                return Ok(merged);
            }
        }
        Err(StoreError::Contended { execution })
    }

    async fn get(&self, execution: ExecutionSid) -> Result<Option<Record>, StoreError> {
        self.read(execution)
            .await?
            .map(|text| parse(execution, &text))
            .transpose()
    }

    async fn index(
        &self,
        belongs_to: Correlation,
        started_at: i64,
        execution: ExecutionSid,
    ) -> Result<(), StoreError> {
        let mut connection = self.connection.clone();
        self.bounded(
            "list an execution",
            redis::cmd("ZADD")
                .arg(Self::index_key(belongs_to))
                .arg(started_at)
                .arg(execution.as_str())
                .query_async::<i64>(&mut connection),
        )
        .await
        .map(drop)
    }

    async fn executions_of(
        &self,
        belongs_to: Correlation,
    ) -> Result<Vec<ExecutionSid>, StoreError> {
        let mut connection = self.connection.clone();
        let listed: Vec<String> = self
            .bounded(
                "read a list of executions",
                redis::cmd("ZRANGE")
                    .arg(Self::index_key(belongs_to))
                    .arg(0)
                    .arg(-1)
                    .query_async(&mut connection),
            )
            .await?;
        // Only this program writes these keys; a member that is not a SID is left out.
        Ok(listed.iter().filter_map(|sid| sid.parse().ok()).collect())
    }

    fn idempotency(&self) -> Idempotency {
        Idempotency::new(
            twilio_webhooks::idempotency::RedisStore::builder()
                .with_connection(self.connection.clone()),
        )
    }
}
