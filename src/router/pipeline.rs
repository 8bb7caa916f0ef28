//! The front half of every entry point: read the body (size limit and deadline), check the
//! method and content type, verify the signature, decode once.
//!
//! The router, the signature middleware and the Event Streams sink all call [`receive`]; what
//! differs between them is an [`Intake`]. Whatever it refuses is a [`Refusal`], answered the same
//! way everywhere: a short reason to the caller, the details to a `warn` tracing event.
//!
//! ```text
//! request -> method -> content type -> body (limit, deadline) -> signature -> decode
//!            405       415              413 / 408 / 400          400/401/403/500  400
//! ```

use std::borrow::Cow;
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use http::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::params::{is_form, media_type, FormError, Params};
use crate::signature::{BasicAuth, SignatureError, Validator};

/// The largest body read unless told otherwise (1 MiB).
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// How long a body may take to arrive unless told otherwise.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// The error type of request bodies the entry points read (the bound `http_body_util::Limited`
/// needs).
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Which bodies an entry point takes, and so which methods and content types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    /// Conversations webhooks: a POST form body, or a GET whose query holds the parameters.
    Form,
    /// Event Streams: a POST JSON body, signed through `bodySHA256`.
    Json,
    /// The signature middleware: any method and body; a form body is decoded, any other body
    /// must be covered by `bodySHA256`.
    Any,
}

impl BodyKind {
    /// The methods this kind answers (for `Allow`), and the reason sent with a 405.
    fn allowed(self) -> (&'static str, &'static str) {
        match self {
            Self::Form => ("POST, GET", "Twilio webhooks are POST (or GET) requests"),
            Self::Json | Self::Any => ("POST", "Event Streams deliveries are POST requests"),
        }
    }

    fn accepts_method(self, method: &Method) -> bool {
        match self {
            Self::Form => method == Method::POST || method == Method::GET,
            Self::Json => method == Method::POST,
            Self::Any => true,
        }
    }
}

/// How one entry point receives requests.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Intake<'a> {
    pub(crate) kind: BodyKind,
    pub(crate) body_limit: usize,
    pub(crate) body_timeout: Duration,
    /// `None` only when signature validation was turned off by name.
    pub(crate) validator: Option<&'a Validator>,
    /// HTTP Basic credentials every request must carry (Event Streams sinks with `user:pass@`).
    pub(crate) basic_auth: Option<&'a BasicAuth>,
}

/// A request that passed every check: its head, its raw body, and its form parameters (the
/// decoded POST body or GET query; empty for other bodies).
#[derive(Debug)]
pub(crate) struct Received {
    pub(crate) parts: Parts,
    pub(crate) body: Bytes,
    pub(crate) params: Params,
}

/// Why a request was turned away before any handler ran.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// A method this entry point does not answer: 405 with `Allow`.
    Method {
        allowed: &'static str,
        reason: &'static str,
    },
    /// The wrong `Content-Type`: 415.
    MediaType { expected: &'static str },
    /// The body is, or says it is, over the limit: 413.
    TooLarge { limit: usize },
    /// The body did not arrive within the deadline: 408.
    Slow { timeout: Duration },
    /// The body could not be read (the client went away, a malformed chunk): 400.
    Unreadable { message: String },
    /// HTTP Basic credentials missing or wrong: 401 with `WWW-Authenticate`.
    Credentials,
    /// The signature check failed: the error's own status.
    Signature(SignatureError),
    /// The body does not decode: 400. `what` names the body ("form body", "CloudEvents
    /// batch"), `detail` says what was wrong and where.
    Malformed { what: &'static str, detail: String },
}

impl From<FormError> for Refusal {
    fn from(err: FormError) -> Self {
        Self::Malformed {
            what: "form body",
            detail: err.to_string(),
        }
    }
}

impl Refusal {
    /// The status answered.
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Self::Method { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::MediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Slow { .. } => StatusCode::REQUEST_TIMEOUT,
            Self::Unreadable { .. } | Self::Malformed { .. } => StatusCode::BAD_REQUEST,
            Self::Credentials => StatusCode::UNAUTHORIZED,
            Self::Signature(err) => err.status(),
        }
    }

    /// The short reason sent to the caller: which check failed, and for a body that does not
    /// decode, where. Never the URL the server rebuilt, key counts or the algorithm.
    pub(crate) fn reason(&self) -> Cow<'static, str> {
        match self {
            Self::Method { reason, .. } => (*reason).into(),
            Self::MediaType { expected } => format!("expected Content-Type: {expected}").into(),
            Self::TooLarge { limit } => {
                format!("request body is larger than the limit of {limit} bytes").into()
            }
            Self::Slow { timeout } => format!(
                "the request body did not arrive within {} ms",
                timeout.as_millis()
            )
            .into(),
            Self::Unreadable { message } => {
                format!("could not read the request body: {message}").into()
            }
            Self::Credentials => "missing or wrong HTTP Basic credentials".into(),
            Self::Signature(err) => err.reason().into(),
            Self::Malformed { detail, .. } => detail.clone().into(),
        }
    }

    /// Logs the refusal with its details (never a secret): `error` for a configuration error
    /// (an empty keyring), `warn` for everything else.
    pub(crate) fn log(&self) {
        let status = self.status().as_u16();
        match self {
            Self::Signature(err @ SignatureError::NoKeys) => {
                tracing::error!(status, error = %err, "refused a request: signature validation is not configured");
            }
            Self::Signature(err) => {
                tracing::warn!(status, error = %err, "refused a request: X-Twilio-Signature");
            }
            Self::Malformed { what, detail } => {
                tracing::warn!(status, error = %detail, "refused a request: malformed {what}");
            }
            other => {
                tracing::warn!(status, reason = %other.reason(), "refused a request");
            }
        }
    }

    /// Logs the refusal and turns it into its plain-text answer.
    pub(crate) fn into_response<B: From<String>>(self) -> Response<B> {
        self.log();
        let mut response = plain(self.status(), self.reason().into_owned());
        match self {
            Self::Method { allowed, .. } => {
                response
                    .headers_mut()
                    .insert(ALLOW, HeaderValue::from_static(allowed));
            }
            Self::Credentials => {
                response.headers_mut().insert(
                    WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"twilio\", charset=\"UTF-8\""),
                );
            }
            _ => {}
        }
        response
    }
}

/// A plain-text answer with a short reason.
pub(crate) fn plain<B: From<String>>(status: StatusCode, reason: String) -> Response<B> {
    let mut response = Response::new(B::from(reason));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Whether the body is declared JSON (`application/json`, any parameters).
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    media_type(headers).is_some_and(|media| media.eq_ignore_ascii_case("application/json"))
}

/// Whether the request's `Content-Length` says the body is over `limit`.
fn declared_too_large(headers: &HeaderMap, limit: usize) -> bool {
    headers.get_all(CONTENT_LENGTH).iter().any(|value| {
        value
            .to_str()
            .ok()
            .and_then(|value| value.trim().parse::<u64>().ok())
            .is_some_and(|length| length > limit as u64)
    })
}

/// Reads the whole body through `http_body_util::Limited`, within `timeout`. A body that says
/// (`Content-Length`, size hint) it is over the limit is refused before any of it is read.
async fn read_body<B>(
    body: B,
    headers: &HeaderMap,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, Refusal>
where
    B: http_body::Body,
    B::Error: Into<BoxError>,
{
    if declared_too_large(headers, limit) || body.size_hint().lower() > limit as u64 {
        return Err(Refusal::TooLarge { limit });
    }
    match tokio::time::timeout(timeout, collect(Limited::new(body, limit))).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(err)) if err.is::<LengthLimitError>() => Err(Refusal::TooLarge { limit }),
        Ok(Err(err)) => Err(Refusal::Unreadable {
            message: err.to_string(),
        }),
        Err(_) => Err(Refusal::Slow { timeout }),
    }
}

/// The body's data frames as one buffer. One chunk (the usual case) is kept as it came, without
/// a copy or a list to hold it (`BodyExt::collect` allocates a list for its chunks); several are
/// joined.
async fn collect<B: http_body::Body>(body: B) -> Result<Bytes, B::Error> {
    let mut body = std::pin::pin!(body);
    let mut first = Bytes::new();
    let mut joined: Option<BytesMut> = None;
    while let Some(frame) = body.as_mut().frame().await {
        let Ok(mut data) = frame?.into_data() else {
            continue; // trailers
        };
        let chunk = data.copy_to_bytes(data.remaining());
        match &mut joined {
            Some(joined) => joined.extend_from_slice(&chunk),
            None if first.is_empty() => first = chunk,
            None => {
                let mut buffer = BytesMut::with_capacity(first.len() + chunk.len());
                buffer.extend_from_slice(&first);
                buffer.extend_from_slice(&chunk);
                joined = Some(buffer);
            }
        }
    }
    Ok(joined.map_or(first, BytesMut::freeze))
}

/// Runs every check of `intake` on `request`; see the [module docs](self).
pub(crate) async fn receive<B>(request: Request<B>, intake: Intake<'_>) -> Result<Received, Refusal>
where
    B: http_body::Body,
    B::Error: Into<BoxError>,
{
    let (parts, body) = request.into_parts();
    if !intake.kind.accepts_method(&parts.method) {
        let (allowed, reason) = intake.kind.allowed();
        return Err(Refusal::Method { allowed, reason });
    }
    // A GET webhook carries its parameters in the query, which the signed URL already holds.
    let form_get = intake.kind == BodyKind::Form && parts.method == Method::GET;
    // The one place the content type is read.
    let form = is_form(&parts.headers);
    match intake.kind {
        BodyKind::Form if !form_get && !form => {
            return Err(Refusal::MediaType {
                expected: "application/x-www-form-urlencoded",
            })
        }
        BodyKind::Json if !is_json(&parts.headers) => {
            return Err(Refusal::MediaType {
                expected: "application/json",
            })
        }
        _ => {}
    }
    if let Some(credentials) = intake.basic_auth {
        if !credentials.matches(&parts.headers) {
            return Err(Refusal::Credentials);
        }
    }
    let (body, params) = if form_get {
        let query = parts.uri.query().unwrap_or_default();
        (Bytes::new(), Params::parse(query.as_bytes())?)
    } else {
        let body = read_body(body, &parts.headers, intake.body_limit, intake.body_timeout).await?;
        let params = match intake.kind {
            BodyKind::Form | BodyKind::Any if form => Params::parse(&body)?,
            _ => Params::default(),
        };
        (body, params)
    };
    if let Some(validator) = intake.validator {
        let signed = if form_get { &Params::EMPTY } else { &params };
        validator
            .verify_decoded(&parts, signed, &body, form)
            .map_err(Refusal::Signature)?;
    }
    Ok(Received {
        parts,
        body,
        params,
    })
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::pin::Pin;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::{Context, Poll};

    use http_body::{Frame, SizeHint};
    use http_body_util::Full;

    use super::*;

    /// A body of `left` chunks of `size` bytes that gives no size hint and counts polls.
    struct Chunks {
        left: usize,
        size: usize,
        polled: Arc<AtomicUsize>,
    }

    impl http_body::Body for Chunks {
        type Data = Bytes;
        type Error = Infallible;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
            self.polled.fetch_add(1, Ordering::SeqCst);
            if self.left == 0 {
                return Poll::Ready(None);
            }
            self.left -= 1;
            Poll::Ready(Some(Ok(Frame::data(Bytes::from(vec![b'a'; self.size])))))
        }

        fn size_hint(&self) -> SizeHint {
            SizeHint::default()
        }
    }

    fn run<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(future)
    }

    fn read(
        body: impl http_body::Body<Error = Infallible>,
        headers: &HeaderMap,
        limit: usize,
    ) -> Result<Bytes, Refusal> {
        run(read_body(body, headers, limit, Duration::from_secs(5)))
    }

    fn chunks(left: usize, size: usize) -> (Chunks, Arc<AtomicUsize>) {
        let polled = Arc::new(AtomicUsize::new(0));
        let body = Chunks {
            left,
            size,
            polled: Arc::clone(&polled),
        };
        (body, polled)
    }

    #[test]
    fn joins_chunks_under_the_limit() {
        let (body, _) = chunks(3, 10);
        assert_eq!(read(body, &HeaderMap::new(), 30).unwrap().len(), 30);
    }

    #[test]
    fn stops_as_soon_as_the_limit_is_passed() {
        let (body, polled) = chunks(1000, 10);
        let err = read(body, &HeaderMap::new(), 25).unwrap_err();
        assert!(matches!(err, Refusal::TooLarge { limit: 25 }), "{err:?}");
        assert_eq!(err.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(polled.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn refuses_early_on_content_length() {
        let (body, polled) = chunks(1, 1);
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_LENGTH, HeaderValue::from_static("26"));
        let err = read(body, &headers, 25).unwrap_err();
        assert_eq!(err.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(polled.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn empty_and_exact() {
        let empty = read(Full::new(Bytes::new()), &HeaderMap::new(), 0).unwrap();
        assert!(empty.is_empty());
        let exact = read(Full::new(Bytes::from("abc")), &HeaderMap::new(), 3).unwrap();
        assert_eq!(&exact[..], b"abc");
    }

    #[test]
    fn content_types() {
        let mut headers = HeaderMap::new();
        assert!(is_form(&headers), "no Content-Type is a form");
        assert!(!is_json(&headers));
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("Application/JSON; charset=utf-8"),
        );
        assert!(is_json(&headers));
        assert!(!is_form(&headers));
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded;charset=UTF-8"),
        );
        assert!(is_form(&headers));
    }

    #[test]
    fn reasons_are_short_and_statuses_right() {
        let refusal = Refusal::Signature(SignatureError::Mismatch {
            url: "http://internal.example/secret-path".into(),
            urls: 2,
            keys: 3,
            algorithm: crate::signature::Algorithm::HmacSha1,
        });
        assert_eq!(refusal.status(), StatusCode::FORBIDDEN);
        assert_eq!(refusal.reason(), "invalid X-Twilio-Signature");
        let response: Response<Full<Bytes>> = Refusal::Credentials.into_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(response.headers().contains_key(WWW_AUTHENTICATE));
        let response: Response<Full<Bytes>> = Refusal::Method {
            allowed: "POST",
            reason: "no",
        }
        .into_response();
        assert_eq!(response.headers()[ALLOW], "POST");
    }
}
