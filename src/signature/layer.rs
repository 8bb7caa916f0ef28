//! Tower middleware that rejects requests not signed by Twilio.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use tower_layer::Layer;
use tower_service::Service;

use super::validator::Validator;
use crate::router::pipeline::{
    receive, BodyKind, BoxError, Intake, Received, DEFAULT_BODY_LIMIT, DEFAULT_BODY_TIMEOUT,
};

/// Applies [`ValidateSignature`]: rejects requests whose `X-Twilio-Signature` does not check
/// out, before they reach the inner service.
///
/// The middleware runs the same pipeline as the webhook router: it reads the body (up to a
/// limit, 1 MiB by default, within a deadline, 10 s by default), decodes it once when it is
/// form-encoded (or has no `Content-Type`), checks the signature with a [`Validator`], and calls
/// the inner service with the body restored as [`Full<Bytes>`] and the decoded
/// [`Params`](crate::Params) in the request extensions (empty for GET and non-form bodies). It
/// works in front of any handler, not only this crate's router. Any method is let through.
///
/// Rejections are short plain-text reasons (which check failed, never the URL the server
/// rebuilt or how many keys were tried), never 5xx for a client's fault:
///
/// | status | when |
/// | --- | --- |
/// | 400 | missing or malformed `X-Twilio-Signature`, no `Host`, a form body that does not decode, a body that cannot be read |
/// | 403 | the signature does not match, the body does not match `bodySHA256`, an unsigned non-form body, an unknown key |
/// | 408 | the body did not arrive within the deadline |
/// | 413 | the body is over the limit (`Content-Length` is checked before reading) |
/// | 500 | the keyring is empty (a configuration error) |
///
/// Each rejection is logged with `tracing` with its details: `error` for an empty keyring,
/// `warn` for the rest. No secret is logged.
///
/// # Example: an incoming-SMS webhook in axum
///
/// TwiML is XML: escape what the sender wrote before putting it in, and answer `text/xml`.
///
/// ```
/// use axum::{routing::post, Extension, Router};
/// use tower::ServiceBuilder;
/// use twilio_webhooks::signature::{ValidateSignatureLayer, Validator};
/// use twilio_webhooks::Params;
///
/// fn escape(text: &str) -> String {
///     text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
/// }
///
/// async fn incoming_sms(Extension(params): Extension<Params>) -> ([(&'static str, &'static str); 1], String) {
///     let said = escape(params.get("Body").unwrap_or(""));
///     let twiml = format!("<Response><Message>You said: {said}</Message></Response>");
///     ([("content-type", "text/xml")], twiml)
/// }
///
/// let validator = Validator::from_auth_tokens("your_auth_token")?
///     .public_url("https://hooks.example.com")?;
/// let app: Router = Router::new()
///     .route("/sms", post(incoming_sms))
///     .layer(ServiceBuilder::new().layer(ValidateSignatureLayer::new(validator)));
/// # let _ = app;
/// # Ok::<(), twilio_webhooks::signature::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ValidateSignatureLayer {
    validator: Arc<Validator>,
    limits: Limits,
}

/// The body limits of the middleware.
#[derive(Debug, Clone, Copy)]
struct Limits {
    body_limit: usize,
    body_timeout: Duration,
}

impl ValidateSignatureLayer {
    /// Validates with `validator`; bodies up to [`DEFAULT_BODY_LIMIT`] (1 MiB), read within
    /// [`DEFAULT_BODY_TIMEOUT`] (10 s).
    pub fn new(validator: Validator) -> Self {
        Self {
            validator: Arc::new(validator),
            limits: Limits {
                body_limit: DEFAULT_BODY_LIMIT,
                body_timeout: DEFAULT_BODY_TIMEOUT,
            },
        }
    }

    /// Sets the largest body read, in bytes; larger bodies are answered with 413.
    #[must_use]
    pub fn body_limit(mut self, limit: usize) -> Self {
        self.limits.body_limit = limit;
        self
    }

    /// Sets how long the whole body may take to arrive; a slower body is answered with 408.
    #[must_use]
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.limits.body_timeout = timeout;
        self
    }
}

impl<S> Layer<S> for ValidateSignatureLayer {
    type Service = ValidateSignature<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ValidateSignature {
            inner,
            validator: Arc::clone(&self.validator),
            limits: self.limits,
        }
    }
}

/// Middleware that validates `X-Twilio-Signature` before calling the inner service; see
/// [`ValidateSignatureLayer`].
#[derive(Debug, Clone)]
pub struct ValidateSignature<S> {
    inner: S,
    validator: Arc<Validator>,
    limits: Limits,
}

impl<S> ValidateSignature<S> {
    /// Wraps `inner`, validating with `validator`; bodies up to 1 MiB.
    pub fn new(inner: S, validator: Validator) -> Self {
        ValidateSignatureLayer::new(validator).layer(inner)
    }

    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Unwraps the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

/// The future of [`ValidateSignature`]: reads and validates, then runs the inner service.
pub struct ResponseFuture<R, E> {
    inner: Pin<Box<dyn Future<Output = Result<R, E>> + Send>>,
}

impl<R, E> fmt::Debug for ResponseFuture<R, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<R, E> Future for ResponseFuture<R, E> {
    type Output = Result<R, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

impl<S, B, ResBody> Service<Request<B>> for ValidateSignature<S>
where
    S: Service<Request<Full<Bytes>>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: 'static,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
    ResBody: From<String> + 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // The clone is the one that is not ready; call the one `poll_ready` was called on.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let validator = Arc::clone(&self.validator);
        let limits = self.limits;
        ResponseFuture {
            inner: Box::pin(async move {
                let intake = Intake {
                    kind: BodyKind::Any,
                    body_limit: limits.body_limit,
                    body_timeout: limits.body_timeout,
                    validator: Some(&validator),
                    basic_auth: None,
                };
                match receive(request, intake).await {
                    Ok(Received {
                        mut parts,
                        body,
                        params,
                    }) => {
                        parts.extensions.insert(params);
                        inner
                            .call(Request::from_parts(parts, Full::new(body)))
                            .await
                    }
                    Err(refusal) => Ok(refusal.into_response()),
                }
            }),
        }
    }
}
