//! What can go wrong when calling Studio's REST API.

use std::fmt;
use std::time::Duration;

use crate::excerpt::Excerpt;
use crate::sid::FlowSid;

/// The most characters of a non-JSON error body kept as the error's message.
const BODY_EXCERPT_CHARS: usize = 200;

/// An error answer from Twilio: the HTTP status and, when the body is Twilio's JSON error
/// (`{"code", "message", "more_info", "status"}`), its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status of the answer.
    pub status: u16,
    /// Twilio's error code (`code`, e.g. 20404), when the body carried one.
    pub code: Option<u32>,
    /// Twilio's message (`message`); for a body that is not Twilio's JSON, the start of the
    /// body as text (or the status's reason when the body is empty).
    pub message: String,
    /// The page explaining the code (`more_info`).
    pub more_info: Option<String>,
    /// How long Twilio asked the client to wait (`Retry-After`, in seconds), when it did.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// Reads an error answer: Twilio's JSON error when the body is one, the body as text
    /// otherwise.
    pub(crate) fn from_answer(status: u16, retry_after: Option<Duration>, body: &[u8]) -> Self {
        #[derive(serde::Deserialize)]
        struct TwilioError {
            #[serde(default)]
            code: Option<serde_json::Value>,
            #[serde(default)]
            message: Option<String>,
            #[serde(default)]
            more_info: Option<String>,
        }
        let parsed = serde_json::from_slice::<TwilioError>(body).ok();
        let code = parsed.as_ref().and_then(|e| match e.code.as_ref()? {
            serde_json::Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        });
        let more_info = parsed.as_ref().and_then(|e| e.more_info.clone());
        let message = match parsed.and_then(|e| e.message) {
            Some(message) => Excerpt {
                text: &message,
                max_chars: BODY_EXCERPT_CHARS,
                quoted: false,
            }
            .to_string(),
            None => {
                let text = String::from_utf8_lossy(body);
                let text = text.trim();
                if text.is_empty() {
                    http::StatusCode::from_u16(status)
                        .ok()
                        .and_then(|s| s.canonical_reason())
                        .unwrap_or("no reason given")
                        .to_owned()
                } else {
                    Excerpt {
                        text,
                        max_chars: BODY_EXCERPT_CHARS,
                        quoted: true,
                    }
                    .to_string()
                }
            }
        };
        Self {
            status,
            code,
            message,
            more_info,
            retry_after,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = self.code {
            write!(f, ", Twilio error {code}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(more_info) = &self.more_info {
            write!(f, " (see {more_info})")?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, "; retry after {} s", wait.as_secs())?;
        }
        Ok(())
    }
}

/// Why a call to Studio's REST API failed. No variant shows a credential.
///
/// `request` fields name the method and path of the call (`POST /v2/Flows/FW…/Executions`),
/// never the base URL or credentials.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StudioError {
    /// Starting an Execution was refused with HTTP 409 because the contact already has an active
    /// Execution of this flow (Studio allows one per contact). End it
    /// ([`StudioClient::end_execution`](super::StudioClient::end_execution)) or wait for it to
    /// end, then start again.
    #[error("Studio did not start an Execution of flow {flow}: the contact already has an active Execution ({error})")]
    ExecutionActive {
        /// The flow whose start was refused.
        flow: FlowSid,
        /// Twilio's answer (status 409, code, message).
        error: ApiError,
    },
    /// Twilio answered with an error status (after any retries): wrong credentials (401), an
    /// unknown flow or Execution (404), too many requests (429), a server error (5xx), …
    #[error("Studio answered {request} with {error}")]
    Api {
        /// The call, as `METHOD /path`.
        request: String,
        /// Twilio's answer.
        error: ApiError,
    },
    /// No answer came within the client's timeout.
    #[error("Studio did not answer {request} within {} ms", .timeout.as_millis())]
    Timeout {
        /// The call, as `METHOD /path`.
        request: String,
        /// The timeout that ran out.
        timeout: Duration,
    },
    /// The request could not be sent or its answer not read (connection refused, TLS, reset …).
    #[error("could not call Studio ({request}): {source}")]
    Transport {
        /// The call, as `METHOD /path`.
        request: String,
        /// What the HTTP client reported (without the URL).
        #[source]
        source: reqwest::Error,
    },
    /// A success answer whose body is not the resource expected.
    #[error("Studio's answer to {request} is not a valid {resource}: {source}")]
    Decode {
        /// The call, as `METHOD /path`.
        request: String,
        /// What was expected (`Execution`, `Execution Context`).
        resource: &'static str,
        /// What was wrong with it.
        #[source]
        source: serde_json::Error,
    },
    /// The answer's body is larger than the client reads (8 MiB).
    #[error("Studio's answer to {request} is larger than {limit} bytes")]
    AnswerTooLarge {
        /// The call, as `METHOD /path`.
        request: String,
        /// The most bytes read.
        limit: usize,
    },
    /// `start_execution`'s parameters do not serialize to a JSON object (or to `null` for no
    /// parameters); Studio exposes them by name as `{{flow.data.*}}`.
    #[error("the Execution's parameters must serialize to a JSON object or null: {reason}")]
    InvalidParameters {
        /// What was wrong.
        reason: String,
    },
    /// The base URL given to the client builder is not an absolute `http`/`https` URL without
    /// credentials, query or fragment.
    #[error("the Studio base URL is not usable: {reason}")]
    InvalidBaseUrl {
        /// What was wrong.
        reason: String,
    },
    /// The HTTP client could not be built (for example TLS could not be set up).
    #[error("could not build the HTTP client for Studio: {source}")]
    Client {
        /// What the HTTP client reported.
        #[source]
        source: reqwest::Error,
    },
}

impl StudioError {
    /// Twilio's answer, for [`ExecutionActive`](Self::ExecutionActive) and [`Api`](Self::Api).
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::ExecutionActive { error, .. } | Self::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The HTTP status Twilio answered with, when it answered with an error.
    pub fn status(&self) -> Option<u16> {
        self.api_error().map(|e| e.status)
    }

    /// Whether Twilio answered 404: the flow or Execution does not exist (or its data has
    /// expired: Studio keeps Executions 30 days).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// How long Twilio asked to wait before trying again (`Retry-After`), when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api_error().and_then(|e| e.retry_after)
    }

    /// Whether trying the same call again later may succeed: a timeout, a transport failure,
    /// HTTP 429 or a 5xx. A caller that must not start an Execution twice should still check
    /// first (fetch it, or wait for its event) before retrying a start that timed out.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Timeout { .. } | Self::Transport { .. } => true,
            Self::Api { error, .. } => error.status == 429 || error.status >= 500,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twilio_json_errors_are_read_field_by_field() {
        let body = br#"{"code": 20404, "message": "not found", "more_info": "https://www.twilio.com/docs/errors/20404", "status": 404}"#;
        let error = ApiError::from_answer(404, None, body);
        assert_eq!((error.status, error.code), (404, Some(20404)));
        assert_eq!(error.message, "not found");
        assert_eq!(
            error.to_string(),
            "HTTP 404, Twilio error 20404: not found (see https://www.twilio.com/docs/errors/20404)"
        );
        // A code sent as a string, no more_info.
        let error = ApiError::from_answer(
            429,
            Some(Duration::from_secs(3)),
            br#"{"code": "20429", "message": "slow down"}"#,
        );
        assert_eq!(error.code, Some(20429));
        assert_eq!(
            error.to_string(),
            "HTTP 429, Twilio error 20429: slow down; retry after 3 s"
        );
    }

    #[test]
    fn other_bodies_are_cut_and_never_fail() {
        let long = "x".repeat(5000);
        let error = ApiError::from_answer(500, None, long.as_bytes());
        assert!(
            error.message.len() < 300 && error.message.contains("(5000 bytes)"),
            "{}",
            error.message
        );
        assert_eq!(error.code, None);
        let error = ApiError::from_answer(502, None, &[0xff, 0xfe, b'o', b'k']);
        assert!(error.message.contains("ok"), "{}", error.message);
        let error = ApiError::from_answer(503, None, b"  \n");
        assert_eq!(error.message, "Service Unavailable");
        let error = ApiError::from_answer(599, None, b"");
        assert_eq!(error.message, "no reason given");
        // JSON that is not Twilio's error: shown as text.
        let error = ApiError::from_answer(500, None, br#"[1, 2]"#);
        assert_eq!((error.code, error.message.as_str()), (None, r#""[1, 2]""#));
        let error = ApiError::from_answer(500, None, br#"{"code": -1, "message": null}"#);
        assert_eq!(error.code, None);
    }
}
