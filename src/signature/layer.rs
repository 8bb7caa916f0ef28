//! Tower middleware that rejects requests not signed by Twilio.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::Full;
use tower_layer::Layer;
use tower_service::Service;

use super::error::SignatureError;
use super::validator::{is_form, Validator};
use crate::body::{read_body, BodyError, DEFAULT_BODY_LIMIT};
use crate::params::Params;

/// Applies [`ValidateSignature`]: rejects requests whose `X-Twilio-Signature` does not check
/// out, before they reach the inner service.
///
/// The middleware reads the body (up to a limit, 1 MiB by default), decodes it once when it is
/// form-encoded (or has no `Content-Type`), checks the signature with a [`Validator`], and calls
/// the inner service with the body restored as [`Full<Bytes>`] and the decoded [`Params`] in the
/// request extensions (empty for GET and non-form bodies). It works in front of any handler, not only this crate's router.
///
/// Rejections are short plain-text responses, never 5xx for a client's fault:
///
/// | status | when |
/// | --- | --- |
/// | 400 | missing or malformed `X-Twilio-Signature`, no `Host`, a form body that does not decode, a body that cannot be read |
/// | 403 | the signature does not match, the body does not match `bodySHA256`, an unsigned non-form body, an unknown key |
/// | 413 | the body is over the limit (`Content-Length` is checked before reading) |
/// | 500 | the keyring is empty (a configuration error) |
///
/// Each rejection is logged with `tracing`: a `warn` event for a signature that does not match
/// (often a proxy rewriting the URL), `error` for an empty keyring, `debug` for the rest. No
/// secret is logged.
///
/// # Example: an incoming-SMS webhook in axum
///
/// ```
/// use axum::{routing::post, Extension, Router};
/// use tower::ServiceBuilder;
/// use twilio_webhooks::signature::{ValidateSignatureLayer, Validator};
/// use twilio_webhooks::Params;
///
/// async fn incoming_sms(Extension(params): Extension<Params>) -> String {
///     format!("<Response><Message>You said: {}</Message></Response>", params.get("Body").unwrap_or(""))
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
    limit: usize,
}

impl ValidateSignatureLayer {
    /// Validates with `validator`; bodies up to [`DEFAULT_BODY_LIMIT`] (1 MiB).
    pub fn new(validator: Validator) -> Self {
        Self {
            validator: Arc::new(validator),
            limit: DEFAULT_BODY_LIMIT,
        }
    }

    /// Sets the largest body read, in bytes; larger bodies are answered with 413.
    pub fn body_limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }
}

impl<S> Layer<S> for ValidateSignatureLayer {
    type Service = ValidateSignature<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ValidateSignature {
            inner,
            validator: Arc::clone(&self.validator),
            limit: self.limit,
        }
    }
}

/// Middleware that validates `X-Twilio-Signature` before calling the inner service; see
/// [`ValidateSignatureLayer`].
#[derive(Debug, Clone)]
pub struct ValidateSignature<S> {
    inner: S,
    validator: Arc<Validator>,
    limit: usize,
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

/// Why a request was turned away before reaching the inner service.
enum Rejection {
    Body(BodyError),
    Form(crate::params::FormError),
    Signature(SignatureError),
}

impl Rejection {
    fn respond<B: From<String>>(self) -> Response<B> {
        let (status, reason) = match &self {
            Self::Body(err) => (err.status(), err.to_string()),
            Self::Form(err) => (StatusCode::BAD_REQUEST, err.to_string()),
            Self::Signature(err) => (err.status(), err.reason().to_owned()),
        };
        match &self {
            Self::Signature(err) => err.log(),
            Self::Body(err) => {
                tracing::debug!(status = status.as_u16(), error = %err, "rejected a request: body");
            }
            Self::Form(err) => {
                tracing::debug!(status = status.as_u16(), error = %err, "rejected a request: form body");
            }
        }
        let mut response = Response::new(B::from(reason));
        *response.status_mut() = status;
        response.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        response
    }
}

impl<S, B, ResBody> Service<Request<B>> for ValidateSignature<S>
where
    S: Service<Request<Full<Bytes>>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: 'static,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: fmt::Display,
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
        let limit = self.limit;
        ResponseFuture {
            inner: Box::pin(async move {
                let (mut parts, body) = request.into_parts();
                let checked = async {
                    let raw = read_body(body, &parts.headers, limit)
                        .await
                        .map_err(Rejection::Body)?;
                    let params = if is_form(&parts.headers) {
                        Params::parse(&raw).map_err(Rejection::Form)?
                    } else {
                        Params::default()
                    };
                    validator
                        .verify(&parts, &params, &raw)
                        .map_err(Rejection::Signature)?;
                    Ok::<_, Rejection>((raw, params))
                };
                match checked.await {
                    Ok((raw, params)) => {
                        parts.extensions.insert(params);
                        inner.call(Request::from_parts(parts, Full::new(raw))).await
                    }
                    Err(rejection) => Ok(rejection.respond()),
                }
            }),
        }
    }
}
