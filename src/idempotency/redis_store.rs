//! [`RedisStore`]: records shared by every instance through Redis (feature `redis`).

use std::fmt;
use std::future::Future;
use std::sync::LazyLock;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, ErrorKind, RedisError, Script, Value};

use super::{BoxFuture, Claim, IdempotencyStore, Owner, Status, StoreError, StoredAnswer, MAX_TTL};

/// The prefix of every key a [`RedisStore`] writes, unless set otherwise.
pub const DEFAULT_PREFIX: &str = "twilio-webhooks:";

/// The time bound of every [`RedisStore`] call, unless set otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);

/// The first byte of an in-flight record; the owner's 16 bytes follow.
const IN_FLIGHT: u8 = b'F';

/// The first byte of a done record; the [`StoredAnswer::encode`]d answer follows.
const DONE: u8 = b'D';

/// Stores `ARGV[2]` for `ARGV[3]` milliseconds if the key still holds the claim `ARGV[1]`.
static COMPLETE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then \
             redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) \
             return 1 \
         end \
         return 0",
    )
});

/// Deletes the key if it still holds the claim `ARGV[1]`.
static RELEASE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then \
             return redis.call('DEL', KEYS[1]) \
         end \
         return 0",
    )
});

/// An [`IdempotencyStore`] in Redis (7.0 or later, or Valkey), shared by every instance of a
/// service: a duplicate is recognised whichever instance it reaches.
///
/// One record per key, under a prefix ([`DEFAULT_PREFIX`] unless set), as a Redis string with a
/// time to live:
///
/// - [`claim`](IdempotencyStore::claim) is one command, `SET key claim NX PX ttl GET`: it
///   creates the in-flight record unless one exists, and returns the existing one, so a fresh
///   claim and a duplicate both take one round trip;
/// - [`complete`](IdempotencyStore::complete) and [`release`](IdempotencyStore::release) are
///   one `EVALSHA` each, of a short Lua script that checks the owner and replaces or deletes
///   the record (the first call after Redis started loads the script: two more round trips);
/// - so a fresh delivery costs two round trips and a duplicate one;
/// - [`wait`](IdempotencyStore::wait) polls the record with `GET`, first after 5 ms, then
///   after pauses doubling up to 100 ms, until it is done or gone or the deadline passes.
///
/// Every call is bounded by the store's timeout ([`DEFAULT_TIMEOUT`] unless set) and then
/// fails with [`StoreError::Timeout`]; a refused or dropped connection is
/// [`StoreError::Unavailable`]. The connection is a [`ConnectionManager`]: when Redis is back
/// it reconnects by itself, within a second, and the calls succeed again.
///
/// The store is cheap to clone; clones share the connection.
///
/// ```no_run
/// use std::sync::Arc;
/// use std::time::Duration;
///
/// use twilio_webhooks::idempotency::{IdempotencyStore, RedisStore};
///
/// # async fn run() -> Result<(), twilio_webhooks::idempotency::StoreError> {
/// let store: Arc<dyn IdempotencyStore> = Arc::new(
///     RedisStore::builder()
///         .prefix("my-app:dedup:")
///         .timeout(Duration::from_millis(250))
///         .connect("redis://127.0.0.1:6379")
///         .await?,
/// );
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
    timeout: Duration,
}

/// Settings of a [`RedisStore`]: its key prefix and time bound. From [`RedisStore::builder`].
#[derive(Debug, Clone)]
pub struct RedisStoreBuilder {
    prefix: String,
    timeout: Duration,
}

impl RedisStore {
    /// Connects to the Redis at `url` (`redis://[:password@]host[:port][/db]`, or `rediss://`
    /// with TLS if the `redis` crate's TLS feature is on) with the default prefix and timeout.
    ///
    /// Fails with [`StoreError::InvalidConfig`] when the URL does not parse,
    /// [`StoreError::Unavailable`] or [`StoreError::Timeout`] when Redis cannot be reached
    /// within the timeout. Neither message contains the URL.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::builder().connect(url).await
    }

    /// Settings to change before connecting.
    pub fn builder() -> RedisStoreBuilder {
        RedisStoreBuilder {
            prefix: DEFAULT_PREFIX.to_owned(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The prefix of every key this store writes.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The time bound of every call.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    fn key(&self, key: &str) -> Vec<u8> {
        let mut full = Vec::with_capacity(self.prefix.len() + key.len());
        full.extend_from_slice(self.prefix.as_bytes());
        full.extend_from_slice(key.as_bytes());
        full
    }

    /// Runs `request` bounded by the timeout, its errors classified for `operation`.
    async fn bounded<T>(
        &self,
        operation: &'static str,
        request: impl Future<Output = Result<T, RedisError>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.timeout, request).await {
            Ok(result) => result.map_err(|error| classify(operation, self.timeout, &error)),
            Err(_elapsed) => Err(StoreError::Timeout {
                operation,
                after: self.timeout,
            }),
        }
    }
}

impl RedisStoreBuilder {
    /// The prefix of every key the store writes ([`DEFAULT_PREFIX`] unless set): keeps its
    /// records apart from other data, or from another service's, in the same database.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The time bound of every call, and of each connection attempt ([`DEFAULT_TIMEOUT`]
    /// unless set).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connects to the Redis at `url` (see [`RedisStore::connect`]), waiting for the first
    /// connection at most the timeout.
    pub async fn connect(self, url: &str) -> Result<RedisStore, StoreError> {
        let client = open(url)?;
        let timeout = self.timeout;
        let connecting = ConnectionManager::new_with_config(client, self.manager_config());
        let connection = match tokio::time::timeout(timeout, connecting).await {
            Ok(result) => result.map_err(|error| classify("connect", timeout, &error))?,
            Err(_elapsed) => {
                return Err(StoreError::Timeout {
                    operation: "connect",
                    after: timeout,
                })
            }
        };
        Ok(self.with_connection(connection))
    }

    /// A store for the Redis at `url` that connects on its first call: the service can start
    /// while Redis is down. Must be called within a Tokio runtime.
    ///
    /// Fails only with [`StoreError::InvalidConfig`], when the URL does not parse.
    pub fn connect_lazy(self, url: &str) -> Result<RedisStore, StoreError> {
        let client = open(url)?;
        let connection = ConnectionManager::new_lazy_with_config(client, self.manager_config())
            .map_err(|error| classify("connect", self.timeout, &error))?;
        Ok(self.with_connection(connection))
    }

    /// A store on a connection manager configured by the caller (its own retry and timeout
    /// settings); calls are still bounded by the timeout.
    pub fn with_connection(self, connection: ConnectionManager) -> RedisStore {
        RedisStore {
            connection,
            prefix: self.prefix,
            timeout: self.timeout,
        }
    }

    fn manager_config(&self) -> ConnectionManagerConfig {
        ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            // One connection attempt per reconnection: while Redis is down, calls fail at once
            // rather than wait for a retry loop, and the first call after it is back reconnects.
            .set_number_of_retries(0)
    }
}

/// The client for `url`; an error never repeats the URL (it may hold a password).
fn open(url: &str) -> Result<Client, StoreError> {
    Client::open(url).map_err(|error| StoreError::InvalidConfig {
        reason: format!(
            "the Redis URL is invalid: {}",
            error.detail().unwrap_or("it does not parse")
        ),
    })
}

/// What a Redis error means for the caller. The messages of the `redis` crate name neither the
/// URL nor the password.
fn classify(operation: &'static str, timeout: Duration, error: &RedisError) -> StoreError {
    if error.is_timeout() {
        return StoreError::Timeout {
            operation,
            after: timeout,
        };
    }
    let reason = error.to_string();
    if error.is_io_error()
        || error.is_connection_refusal()
        || error.is_connection_dropped()
        || error.is_unrecoverable_error()
    {
        return StoreError::Unavailable { operation, reason };
    }
    match error.kind() {
        ErrorKind::Parse | ErrorKind::UnexpectedReturnType => {
            StoreError::Corrupt { operation, reason }
        }
        ErrorKind::InvalidClientConfig => StoreError::InvalidConfig { reason },
        _ => StoreError::Rejected { operation, reason },
    }
}

/// A claim record: `F` and the owner.
fn in_flight_record(owner: &Owner) -> [u8; 17] {
    let mut record = [IN_FLIGHT; 17];
    record[1..].copy_from_slice(&owner.to_bytes());
    record
}

/// What a record says.
fn read_record(operation: &'static str, value: Value) -> Result<Status, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt { operation, reason };
    let bytes = match value {
        Value::Nil => return Ok(Status::Absent),
        Value::BulkString(bytes) => bytes,
        other => {
            return Err(corrupt(format!(
                "a string was expected, not {}",
                kind(&other)
            )))
        }
    };
    match bytes.split_first() {
        Some((&IN_FLIGHT, owner)) if owner.len() == 16 => Ok(Status::InFlight),
        Some((&DONE, answer)) => StoredAnswer::decode(answer)
            .map(Status::Done)
            .map_err(|error| corrupt(error.to_string())),
        _ => Err(corrupt(format!(
            "a record of {} bytes that this crate did not write",
            bytes.len()
        ))),
    }
}

/// The name of a reply's type, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Int(_) => "an integer",
        Value::Array(_) | Value::Set(_) => "an array",
        Value::Map(_) => "a map",
        Value::Okay | Value::SimpleString(_) => "a status",
        _ => "another type",
    }
}

/// An owner-checked script's `1` or `0`.
fn read_flag(operation: &'static str, value: Value) -> Result<bool, StoreError> {
    match value {
        Value::Int(flag) => Ok(flag != 0),
        other => Err(StoreError::Corrupt {
            operation,
            reason: format!("an integer was expected, not {}", kind(&other)),
        }),
    }
}

/// A time to live in Redis milliseconds: capped at [`MAX_TTL`], at least 1.
fn ttl_millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.min(MAX_TTL).as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not the connection manager: its client holds the URL's user name.
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl IdempotencyStore for RedisStore {
    fn claim<'a>(
        &'a self,
        key: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<Claim, StoreError>> {
        Box::pin(async move {
            let owner = Owner::new();
            let mut connection = self.connection.clone();
            let mut command = redis::cmd("SET");
            command
                .arg(self.key(key))
                .arg(&in_flight_record(&owner)[..])
                .arg("NX")
                .arg("PX")
                .arg(ttl_millis(ttl))
                .arg("GET");
            let reply: Value = self
                .bounded("claim", command.query_async(&mut connection))
                .await?;
            Ok(match read_record("claim", reply)? {
                Status::Absent => Claim::Fresh(owner),
                Status::InFlight => Claim::InFlight,
                Status::Done(answer) => Claim::Done(answer),
            })
        })
    }

    fn complete<'a>(
        &'a self,
        key: &'a str,
        owner: &'a Owner,
        answer: &'a StoredAnswer,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let mut record = vec![DONE];
            answer.encode_into(&mut record);
            let mut invocation = COMPLETE.prepare_invoke();
            invocation
                .key(self.key(key))
                .arg(&in_flight_record(owner)[..])
                .arg(record)
                .arg(ttl_millis(ttl));
            let reply: Value = self
                .bounded("complete", invocation.invoke_async(&mut connection))
                .await?;
            read_flag("complete", reply)
        })
    }

    fn release<'a>(
        &'a self,
        key: &'a str,
        owner: &'a Owner,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let mut invocation = RELEASE.prepare_invoke();
            invocation
                .key(self.key(key))
                .arg(&in_flight_record(owner)[..]);
            let reply: Value = self
                .bounded("release", invocation.invoke_async(&mut connection))
                .await?;
            read_flag("release", reply)
        })
    }

    fn peek<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Status, StoreError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let mut command = redis::cmd("GET");
            command.arg(self.key(key));
            let reply: Value = self
                .bounded("peek", command.query_async(&mut connection))
                .await?;
            read_record("peek", reply)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_read_back() {
        let owner = Owner::new();
        let record = in_flight_record(&owner);
        assert_eq!(
            read_record("peek", Value::BulkString(record.to_vec())).unwrap(),
            Status::InFlight
        );
        let answer = StoredAnswer::json(403, "{}");
        let mut done = vec![DONE];
        done.extend_from_slice(&answer.encode());
        assert_eq!(
            read_record("peek", Value::BulkString(done)).unwrap(),
            Status::Done(answer)
        );
        assert_eq!(read_record("peek", Value::Nil).unwrap(), Status::Absent);
        for junk in [
            Value::BulkString(b"hello".to_vec()),
            Value::BulkString(vec![IN_FLIGHT, 1, 2]),
            Value::BulkString(vec![DONE, 9]),
            Value::Int(3),
        ] {
            assert!(matches!(
                read_record("peek", junk),
                Err(StoreError::Corrupt { .. })
            ));
        }
    }

    #[test]
    fn ttls_are_whole_positive_milliseconds() {
        assert_eq!(ttl_millis(Duration::ZERO), 1);
        assert_eq!(ttl_millis(Duration::from_micros(1500)), 1);
        assert_eq!(ttl_millis(Duration::from_secs(2)), 2000);
        assert_eq!(ttl_millis(Duration::MAX), MAX_TTL.as_millis() as u64);
    }

    #[test]
    fn invalid_urls_are_reported_without_the_url() {
        let error = open("redis://user:hunter2@[::1").unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(matches!(error, StoreError::InvalidConfig { .. }), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
