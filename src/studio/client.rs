//! The Studio REST API v2 client: start, fetch and end Executions, read their context.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, ACCEPT, RETRY_AFTER};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::sid::{AccountSid, ApiKeySid, ExecutionSid, FlowSid};

use super::error::{ApiError, StudioError};
use super::model::{Execution, ExecutionContext};

/// Studio's public REST API.
pub const DEFAULT_BASE_URL: &str = "https://studio.twilio.com";

/// How long one request may take, from connecting to the last byte of the answer, unless
/// [`StudioClientBuilder::timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// How many times a read (`GET`) is tried in all, unless
/// [`StudioClientBuilder::max_attempts`] says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

/// The largest answer body read; a larger one is [`StudioError::AnswerTooLarge`].
const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The HTTP Basic credentials of Twilio's REST API: the account SID with its auth token, or an
/// API key (`SK…`) with its secret. The secret never appears in `Debug` output.
///
/// ```
/// use twilio_webhooks::studio::Credentials;
///
/// let account = "AC0123456789abcdef0123456789abcdef".parse()?;
/// let key = "SK0123456789abcdef0123456789abcdef".parse()?;
/// let credentials = Credentials::api_key(account, key, "key-secret");
/// assert_eq!(credentials.username(), "SK0123456789abcdef0123456789abcdef");
/// assert!(!format!("{credentials:?}").contains("key-secret"));
/// # Ok::<(), twilio_webhooks::sid::SidError>(())
/// ```
#[derive(Clone)]
pub struct Credentials {
    account_sid: AccountSid,
    api_key: Option<ApiKeySid>,
    secret: String,
}

impl Credentials {
    /// The account SID as user name and the account's auth token as password.
    pub fn auth_token(account_sid: AccountSid, auth_token: impl Into<String>) -> Self {
        Self {
            account_sid,
            api_key: None,
            secret: auth_token.into(),
        }
    }

    /// An API key SID (`SK…`) as user name and its secret as password, for the account
    /// `account_sid` (the one Twilio recommends for production).
    pub fn api_key(account_sid: AccountSid, key: ApiKeySid, secret: impl Into<String>) -> Self {
        Self {
            account_sid,
            api_key: Some(key),
            secret: secret.into(),
        }
    }

    /// The account the credentials act for.
    pub fn account_sid(&self) -> AccountSid {
        self.account_sid
    }

    /// The API key, when these are API key credentials.
    pub fn api_key_sid(&self) -> Option<ApiKeySid> {
        self.api_key
    }

    /// The Basic auth user name: the API key SID, or the account SID.
    pub fn username(&self) -> &str {
        match &self.api_key {
            Some(key) => key.as_str(),
            None => self.account_sid.as_str(),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Credentials");
        debug.field("account_sid", &self.account_sid);
        if let Some(key) = &self.api_key {
            debug.field("api_key", key);
        }
        debug.field("secret", &"<redacted>").finish()
    }
}

/// Settings of a [`StudioClient`]; made by [`StudioClient::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct StudioClientBuilder {
    credentials: Credentials,
    base_url: String,
    timeout: Duration,
    max_attempts: u32,
    backoff: Duration,
    max_retry_wait: Duration,
}

impl StudioClientBuilder {
    /// The API's base URL: a regional edge (`https://studio.dublin.ie1.twilio.com`), a proxy, or a
    /// test server. Default [`DEFAULT_BASE_URL`]. Paths such as `/v2/Flows/…` are appended to it.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// How long one request may take in all (connecting, sending, reading the answer). Default
    /// [`DEFAULT_TIMEOUT`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How many times a read (`GET`) answered with 429 or a 5xx is tried in all (at least 1).
    /// Default [`DEFAULT_MAX_ATTEMPTS`]. `POST`s (start, end) are tried once.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry when Twilio gives no `Retry-After`; it doubles for each
    /// further retry. Default 250 ms.
    pub fn backoff(mut self, backoff: Duration) -> Self {
        self.backoff = backoff;
        self
    }

    /// The longest wait before a retry. A `Retry-After` longer than this is not waited for: the
    /// error is returned with its [`retry_after`](StudioError::retry_after). Default 5 s.
    pub fn max_retry_wait(mut self, wait: Duration) -> Self {
        self.max_retry_wait = wait;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`StudioError::InvalidBaseUrl`] for a base URL that is not an absolute `http(s)` URL, or
    /// that carries credentials, a query or a fragment; [`StudioError::Client`] when the HTTP
    /// client cannot be set up.
    pub fn build(self) -> Result<StudioClient, StudioError> {
        let invalid = |reason: &str| StudioError::InvalidBaseUrl {
            reason: reason.to_owned(),
        };
        let url = Url::parse(&self.base_url).map_err(|e| invalid(&format!("{e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("the scheme must be http or https"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "it must not carry credentials; give them as Credentials",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("it must not have a query or a fragment"));
        }
        let base = url.as_str().trim_end_matches('/').to_owned();
        let http = reqwest::Client::builder()
            .connect_timeout(self.timeout)
            .user_agent(concat!("twilio-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| StudioError::Client {
                source: source.without_url(),
            })?;
        Ok(StudioClient {
            inner: Arc::new(Inner {
                http,
                base,
                credentials: self.credentials,
                timeout: self.timeout,
                max_attempts: self.max_attempts,
                backoff: self.backoff,
                max_retry_wait: self.max_retry_wait,
            }),
        })
    }
}

/// A client of Studio's REST API v2: start an Execution of a flow for a contact, fetch it and
/// its context, end it. Cheap to clone (the connection pool is shared).
///
/// Each request has a [timeout](StudioClientBuilder::timeout). Reads (`GET`) answered with 429
/// or a 5xx are retried a [bounded](StudioClientBuilder::max_attempts) number of times, after
/// Twilio's `Retry-After` or an exponential backoff. `POST`s (starting and ending an Execution)
/// are never retried: a start that timed out may have started the Execution. Twilio documents
/// that a request answered 429 was not processed, so a caller may start again after
/// [`StudioError::retry_after`].
///
/// Needs a Tokio runtime with the time driver.
///
/// ```no_run
/// use twilio_webhooks::studio::{Credentials, StudioClient, StudioError};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let credentials = Credentials::auth_token(
///     std::env::var("TWILIO_ACCOUNT_SID")?.parse()?,
///     std::env::var("TWILIO_AUTH_TOKEN")?,
/// );
/// let studio = StudioClient::new(credentials)?;
/// let flow = "FW0123456789abcdef0123456789abcdef".parse()?;
/// let parameters = serde_json::json!({"appointment": "2026-12-01T09:30:00Z"});
/// match studio.start_execution(flow, "+15551230000", "+15559870000", &parameters).await {
///     Ok(execution) => println!("started {}", execution.sid),
///     Err(StudioError::ExecutionActive { .. }) => println!("already in the flow"),
///     Err(other) => return Err(other.into()),
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct StudioClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// The base URL without a trailing slash.
    base: String,
    credentials: Credentials,
    timeout: Duration,
    max_attempts: u32,
    backoff: Duration,
    max_retry_wait: Duration,
}

impl fmt::Debug for StudioClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("StudioClient")
            .field("base_url", &inner.base)
            .field("credentials", &inner.credentials)
            .field("timeout", &inner.timeout)
            .field("max_attempts", &inner.max_attempts)
            .finish_non_exhaustive()
    }
}

impl StudioClient {
    /// A client of [`DEFAULT_BASE_URL`] with the default settings.
    ///
    /// # Errors
    ///
    /// [`StudioError::Client`] when the HTTP client cannot be set up.
    pub fn new(credentials: Credentials) -> Result<Self, StudioError> {
        Self::builder(credentials).build()
    }

    /// Settings for a client: base URL, timeout, retries.
    pub fn builder(credentials: Credentials) -> StudioClientBuilder {
        StudioClientBuilder {
            credentials,
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            backoff: Duration::from_millis(250),
            max_retry_wait: Duration::from_secs(5),
        }
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// The account the client acts for.
    pub fn account_sid(&self) -> AccountSid {
        self.inner.credentials.account_sid()
    }

    /// Starts an Execution of `flow` for the contact `to`, sending from `from` (a Twilio number
    /// in E.164, or a Messaging Service SID): `POST /v2/Flows/{flow}/Executions`. `parameters`
    /// is serialized to the JSON object string Studio exposes as `{{flow.data.*}}`; pass `&()`
    /// (or anything serializing to `null`) to send none.
    ///
    /// # Errors
    ///
    /// [`StudioError::ExecutionActive`] when the contact already has an active Execution of the
    /// flow (HTTP 409); [`StudioError::InvalidParameters`] before sending when `parameters` is
    /// not a JSON object; otherwise as described on [`StudioError`]. Never retried.
    pub async fn start_execution<P: Serialize + ?Sized>(
        &self,
        flow: FlowSid,
        to: &str,
        from: &str,
        parameters: &P,
    ) -> Result<Execution, StudioError> {
        let parameters = parameters_json(parameters)?;
        let mut form = vec![("To", to), ("From", from)];
        if let Some(parameters) = &parameters {
            form.push(("Parameters", parameters));
        }
        let path = format!("/v2/Flows/{flow}/Executions");
        match self.call(Method::POST, &path, Some(&form)).await {
            Err(StudioError::Api { error, .. }) if error.status == 409 => {
                Err(StudioError::ExecutionActive { flow, error })
            }
            answer => decode(&path, Method::POST, "Execution", answer?),
        }
    }

    /// Fetches an Execution: `GET /v2/Flows/{flow}/Executions/{execution}`.
    ///
    /// # Errors
    ///
    /// As described on [`StudioError`]; [`StudioError::is_not_found`] when Studio does not know
    /// it (or its 30 days of retention are over).
    pub async fn execution(
        &self,
        flow: FlowSid,
        execution: ExecutionSid,
    ) -> Result<Execution, StudioError> {
        let path = format!("/v2/Flows/{flow}/Executions/{execution}");
        let body = self.call(Method::GET, &path, None).await?;
        decode(&path, Method::GET, "Execution", body)
    }

    /// Fetches an Execution's context, with typed access to its trigger:
    /// `GET /v2/Flows/{flow}/Executions/{execution}/Context`.
    ///
    /// # Errors
    ///
    /// As for [`execution`](Self::execution).
    pub async fn execution_context(
        &self,
        flow: FlowSid,
        execution: ExecutionSid,
    ) -> Result<ExecutionContext, StudioError> {
        let path = format!("/v2/Flows/{flow}/Executions/{execution}/Context");
        let body = self.call(Method::GET, &path, None).await?;
        decode(&path, Method::GET, "Execution Context", body)
    }

    /// Ends an active Execution (`POST /v2/Flows/{flow}/Executions/{execution}` with
    /// `Status=ended`) and returns it as Studio now has it.
    ///
    /// # Errors
    ///
    /// As described on [`StudioError`]. Never retried.
    pub async fn end_execution(
        &self,
        flow: FlowSid,
        execution: ExecutionSid,
    ) -> Result<Execution, StudioError> {
        let path = format!("/v2/Flows/{flow}/Executions/{execution}");
        let body = self
            .call(Method::POST, &path, Some(&[("Status", "ended")]))
            .await?;
        decode(&path, Method::POST, "Execution", body)
    }

    /// Sends one call, retrying a `GET` answered 429 or 5xx; the body of the 2xx answer.
    async fn call(
        &self,
        method: Method,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> Result<Vec<u8>, StudioError> {
        let inner = &*self.inner;
        let attempts = if method == Method::GET {
            inner.max_attempts
        } else {
            1
        };
        let mut attempt = 1;
        loop {
            let (status, retry_after, body) = self.attempt(&method, path, form).await?;
            if (200..300).contains(&status) {
                return Ok(body);
            }
            let error = ApiError::from_answer(status, retry_after, &body);
            let wait = self.retry_wait(status, retry_after, attempt);
            match wait {
                Some(wait) if attempt < attempts => {
                    tracing::debug!(
                        request = %describe(&method, path),
                        status,
                        attempt,
                        wait_ms = wait.as_millis() as u64,
                        "Studio answered with a retryable status; retrying"
                    );
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                _ => {
                    return Err(StudioError::Api {
                        request: describe(&method, path),
                        error,
                    })
                }
            }
        }
    }

    /// The wait before retrying after `status`, or `None` when it is not worth retrying: not
    /// 429/5xx, or Twilio asked for a longer wait than the client's limit.
    fn retry_wait(
        &self,
        status: u16,
        retry_after: Option<Duration>,
        attempt: u32,
    ) -> Option<Duration> {
        let inner = &*self.inner;
        if status != 429 && !(500..600).contains(&status) {
            return None;
        }
        match retry_after {
            Some(wait) if wait > inner.max_retry_wait => None,
            Some(wait) => Some(wait),
            None => {
                let doublings = attempt.saturating_sub(1).min(16);
                Some(
                    inner
                        .backoff
                        .saturating_mul(1 << doublings)
                        .min(inner.max_retry_wait),
                )
            }
        }
    }

    /// One request: its status, `Retry-After` and body, within the timeout.
    async fn attempt(
        &self,
        method: &Method,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> Result<(u16, Option<Duration>, Vec<u8>), StudioError> {
        let inner = &*self.inner;
        let mut request = inner
            .http
            .request(method.clone(), format!("{}{path}", inner.base))
            .basic_auth(
                inner.credentials.username(),
                Some(&inner.credentials.secret),
            )
            .header(ACCEPT, "application/json");
        if let Some(form) = form {
            request = request.form(form);
        }
        let exchange = async {
            let mut response = request.send().await?;
            let status = response.status().as_u16();
            let retry_after = retry_after(response.headers());
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await? {
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    return Ok(Err(()));
                }
                body.extend_from_slice(&chunk);
            }
            Ok::<_, reqwest::Error>(Ok((status, retry_after, body)))
        };
        let request = || describe(method, path);
        match tokio::time::timeout(inner.timeout, exchange).await {
            Err(_elapsed) => Err(StudioError::Timeout {
                request: request(),
                timeout: inner.timeout,
            }),
            Ok(Err(source)) if source.is_timeout() => Err(StudioError::Timeout {
                request: request(),
                timeout: inner.timeout,
            }),
            Ok(Err(source)) => Err(StudioError::Transport {
                request: request(),
                source: source.without_url(),
            }),
            Ok(Ok(Err(()))) => Err(StudioError::AnswerTooLarge {
                request: request(),
                limit: MAX_BODY_BYTES,
            }),
            Ok(Ok(Ok(answer))) => Ok(answer),
        }
    }
}

/// `METHOD /path`, as errors and logs name a call.
fn describe(method: &Method, path: &str) -> String {
    format!("{method} {path}")
}

/// `Retry-After` in seconds; an HTTP date or anything else reads as absent.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?;
    text.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The `Parameters` form value: the parameters' JSON object as a string, `None` for `null`.
fn parameters_json<P: Serialize + ?Sized>(parameters: &P) -> Result<Option<String>, StudioError> {
    let invalid = |reason: String| StudioError::InvalidParameters { reason };
    match serde_json::to_value(parameters).map_err(|e| invalid(e.to_string()))? {
        serde_json::Value::Null => Ok(None),
        object @ serde_json::Value::Object(_) => Ok(Some(object.to_string())),
        other => Err(invalid(format!(
            "got a JSON {}",
            match other {
                serde_json::Value::Bool(_) => "boolean",
                serde_json::Value::Number(_) => "number",
                serde_json::Value::String(_) => "string",
                _ => "array",
            }
        ))),
    }
}

/// Parses a success answer's body.
fn decode<T: DeserializeOwned>(
    path: &str,
    method: Method,
    resource: &'static str,
    body: Vec<u8>,
) -> Result<T, StudioError> {
    serde_json::from_slice(&body).map_err(|source| StudioError::Decode {
        request: describe(&method, path),
        resource,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(retry_wait: Duration) -> StudioClient {
        let account = "AC0123456789abcdef0123456789abcdef".parse().unwrap();
        StudioClient::builder(Credentials::auth_token(account, "s3cret-token"))
            .backoff(Duration::from_millis(100))
            .max_retry_wait(retry_wait)
            .build()
            .unwrap()
    }

    #[test]
    fn backoff_doubles_is_capped_and_retry_after_wins_within_the_cap() {
        let studio = client(Duration::from_millis(350));
        let waits: Vec<_> = (1..=4).map(|n| studio.retry_wait(503, None, n)).collect();
        let ms = |n| Some(Duration::from_millis(n));
        assert_eq!(waits, [ms(100), ms(200), ms(350), ms(350)]);
        assert_eq!(studio.retry_wait(429, Some(Duration::ZERO), 1), ms(0));
        assert_eq!(
            studio.retry_wait(429, Some(Duration::from_secs(1)), 1),
            None
        );
        for status in [200, 400, 401, 404, 409, 600] {
            assert_eq!(studio.retry_wait(status, None, 1), None, "{status}");
        }
    }

    #[test]
    fn parameters_must_be_an_object_or_null() {
        assert_eq!(parameters_json(&()).unwrap(), None);
        assert_eq!(
            parameters_json(&serde_json::json!({"a": [1, "x"]}))
                .unwrap()
                .as_deref(),
            Some(r#"{"a":[1,"x"]}"#)
        );
        for bad in [
            serde_json::json!([1]),
            serde_json::json!("x"),
            serde_json::json!(3),
        ] {
            let err = parameters_json(&bad).unwrap_err();
            assert!(
                matches!(err, StudioError::InvalidParameters { .. }),
                "{err}"
            );
        }
        let unserializable: std::collections::HashMap<(u8, u8), u8> = [((1, 2), 3)].into();
        assert!(parameters_json(&unserializable).is_err());
    }

    #[test]
    fn base_url_is_checked_and_trimmed() {
        let credentials =
            Credentials::auth_token("AC0123456789abcdef0123456789abcdef".parse().unwrap(), "tok");
        let build = |url: &str| {
            StudioClient::builder(credentials.clone())
                .base_url(url)
                .build()
        };
        assert_eq!(
            build("http://127.0.0.1:9/").unwrap().base_url(),
            "http://127.0.0.1:9"
        );
        assert_eq!(
            build("https://edge.example/studio/").unwrap().base_url(),
            "https://edge.example/studio"
        );
        for bad in [
            "studio.twilio.com",
            "ftp://x",
            "https://u:p@x",
            "https://x/?a=1",
            "https://x/#f",
        ] {
            let err = build(bad).unwrap_err();
            assert!(
                matches!(err, StudioError::InvalidBaseUrl { .. }),
                "{bad}: {err}"
            );
            assert!(!err.to_string().contains(":p@"), "{err}");
        }
    }

    #[test]
    fn retry_after_reads_seconds_only() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, " 7 ".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2026 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers), None);
    }
}
