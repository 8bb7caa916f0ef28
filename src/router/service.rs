//! The tower `Service` that answers one webhook request.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http::{header, HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::Full;
use tracing::{field, Instrument};

use super::catch_panic::CatchPanic;
use super::dispatch::Answer;
use super::{DeadlineOutcome, Shared};
use crate::body::read_body;
use crate::conversations::event_type;
use crate::conversations::{Decision, Unmodifiable};
use crate::params::Params;

/// The response body the router answers with.
pub type WebhookBody = Full<Bytes>;

/// The header Twilio sets to the same value on every retry of one delivery.
const IDEMPOTENCY_TOKEN: &str = "i-twilio-idempotency-token";

/// Answers webhooks: a tower `Service` over `http::Request<B>` for any body `B`.
///
/// Built by [`Webhooks::into_service`](super::Webhooks::into_service). Cloning is cheap.
///
/// ```
/// use tower::ServiceExt;
/// use twilio_webhooks::router::Webhooks;
/// use twilio_webhooks::testing;
///
/// # tokio_test(async {
/// let service = Webhooks::<()>::new().without_signature_validation().into_service(()).unwrap();
/// let request = http::Request::post("http://example.com/twilio/conversations")
///     .header("content-type", "application/x-www-form-urlencoded")
///     .body(testing::sample_params("onUserAdded").unwrap().to_form())
///     .unwrap();
/// let response = service.oneshot(request).await.unwrap();
/// assert_eq!(response.status(), 200);
/// # });
/// # fn tokio_test<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
/// # }
/// ```
pub struct WebhookService<S> {
    shared: Arc<Shared<S>>,
    state: S,
}

impl<S: Clone> Clone for WebhookService<S> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            state: self.state.clone(),
        }
    }
}

impl<S> std::fmt::Debug for WebhookService<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookService")
            .field("path", &self.shared.settings.path)
            .field("handlers", &super::event_types(&self.shared.routes))
            .finish_non_exhaustive()
    }
}

impl<S: Clone + Send + Sync + 'static> WebhookService<S> {
    pub(crate) fn new(shared: Arc<Shared<S>>, state: S) -> Self {
        Self { shared, state }
    }

    pub(crate) fn shared(&self) -> &Shared<S> {
        &self.shared
    }

    pub(crate) fn state(&self) -> &S {
        &self.state
    }

    /// The path this service answers on when mounted as a layer or router.
    pub fn path(&self) -> &str {
        &self.shared.settings.path
    }

    /// The `EventType`s with a handler.
    pub fn filters(&self) -> Vec<&'static str> {
        super::event_types(&self.shared.routes)
    }
}

impl<S, B> tower_service::Service<Request<B>> for WebhookService<S>
where
    S: Clone + Send + Sync + 'static,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: std::fmt::Display,
{
    type Response = Response<WebhookBody>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let shared = Arc::clone(&self.shared);
        let state = self.state.clone();
        Box::pin(async move { Ok(respond(&shared, &state, request).await) })
    }
}

/// A plain-text error answer with a short reason.
pub(crate) fn plain(status: StatusCode, reason: impl Into<Bytes>) -> Response<WebhookBody> {
    let mut response = Response::new(Full::new(reason.into()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Answers one request: read, validate, parse, dispatch.
pub(crate) async fn respond<S, B>(
    shared: &Shared<S>,
    state: &S,
    request: Request<B>,
) -> Response<WebhookBody>
where
    S: Send + Sync + 'static,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: std::fmt::Display,
{
    // The clock is read only when a tracing subscriber listens at debug level: `elapsed_us` is
    // recorded for it (not through the `log` crate fallback).
    let started = tracing::level_enabled!(tracing::Level::DEBUG).then(Instant::now);
    // Nested in an axum router, `parts.uri` lacks the outer path; the validator signs over
    // axum's `OriginalUri` instead, and the query (all a GET's parameters) is the same in both.
    let (parts, body) = request.into_parts();

    let (params, raw_body) = match parts.method {
        Method::POST => {
            if !crate::signature::is_form(&parts.headers) {
                return plain(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "expected Content-Type: application/x-www-form-urlencoded",
                );
            }
            let reading = read_body(body, &parts.headers, shared.settings.body_limit);
            let raw_body = match tokio::time::timeout(shared.settings.body_timeout, reading).await {
                Ok(Ok(bytes)) => bytes,
                Ok(Err(err)) => return plain(err.status(), err.to_string()),
                Err(_) => {
                    return plain(
                        StatusCode::REQUEST_TIMEOUT,
                        format!(
                            "the request body did not arrive within {} ms",
                            shared.settings.body_timeout.as_millis()
                        ),
                    )
                }
            };
            match Params::parse(&raw_body) {
                Ok(params) => (params, raw_body),
                Err(err) => return plain(StatusCode::BAD_REQUEST, err.to_string()),
            }
        }
        // Twilio can be configured to send post-action webhooks as GET with a query string.
        Method::GET => match Params::parse(parts.uri.query().unwrap_or("").as_bytes()) {
            Ok(params) => (params, Bytes::new()),
            Err(err) => return plain(StatusCode::BAD_REQUEST, err.to_string()),
        },
        _ => {
            let mut response = plain(
                StatusCode::METHOD_NOT_ALLOWED,
                "Twilio webhooks are POST (or GET) requests",
            );
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST, GET"));
            return response;
        }
    };

    if let Some(validator) = &shared.validator {
        // A GET is signed over its URL alone; its query is already part of that URL.
        let no_params = Params::default();
        let signed_params = if parts.method == Method::GET {
            &no_params
        } else {
            &params
        };
        if let Err(err) = validator.verify(&parts, signed_params, &raw_body) {
            err.log();
            return plain(err.status(), err.to_string());
        }
    }

    let event_type = match event_type(&params) {
        Ok(event_type) => event_type,
        Err(err) => return plain(StatusCode::BAD_REQUEST, err.to_string()),
    };

    let span = tracing::debug_span!(
        "twilio_webhook",
        event_type = %event_type,
        conversation_sid = field::Empty,
        decision = field::Empty,
        status = field::Empty,
        elapsed_us = field::Empty,
    );
    // Found before `params` moves into the delivery, so `event_type` need not be copied.
    let route = shared.route(event_type);
    let answer = dispatch(shared, state, &parts, params, route)
        .instrument(span.clone())
        .await;
    span.record("decision", answer.outcome);
    let response = answer.response;
    span.record("status", response.status().as_u16());
    if let Some(started) = started {
        span.record("elapsed_us", started.elapsed().as_micros() as u64);
    }
    span.in_scope(|| tracing::debug!("answered"));
    response
}

/// The answer to a handler that failed or panicked; the details go to the log only.
fn failure<S>(shared: &Shared<S>) -> Answer {
    if shared.settings.error_status.is_success() {
        // Failing open: answer like an accept, so Twilio goes ahead unchanged.
        Answer::empty_ok("error-accept")
    } else {
        Answer {
            response: plain(shared.settings.error_status, "handler failed"),
            outcome: "error",
        }
    }
}

/// Parses the event and runs its handler (a pre-action one within the deadline); a panic in
/// either is caught here, once.
async fn dispatch<S>(
    shared: &Shared<S>,
    state: &S,
    parts: &http::request::Parts,
    params: Params,
    route: Option<&super::dispatch::Route<S>>,
) -> Answer
where
    S: Send + Sync + 'static,
{
    let Some(route) = route else {
        // No handler: accept (pre-action) or acknowledge (post-action and unknown events).
        return Answer::empty_ok("none");
    };
    let event_type = route.event_type;
    let idempotency_token = parts
        .headers
        .get(IDEMPOTENCY_TOKEN)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let handled = CatchPanic::new(async move {
        let prepared = match route.prepare(params, idempotency_token, state) {
            Ok(prepared) => prepared,
            Err(err) => {
                return Ok(Answer {
                    response: plain(StatusCode::BAD_REQUEST, err.to_string()),
                    outcome: "invalid",
                })
            }
        };
        if let Some(sid) = prepared.conversation_sid {
            tracing::Span::current().record("conversation_sid", field::display(sid));
        }
        if !route.pre_action {
            return prepared.run.await;
        }
        match tokio::time::timeout(shared.settings.deadline, prepared.run).await {
            Ok(outcome) => outcome,
            Err(_) => {
                tracing::warn!(
                    event_type,
                    deadline_ms = shared.settings.deadline.as_millis() as u64,
                    "pre-action handler missed its deadline"
                );
                Ok(match &shared.settings.deadline_outcome {
                    DeadlineOutcome::Accept => Answer::empty_ok("deadline-accept"),
                    DeadlineOutcome::Reject(rejection) => Answer::new(
                        Decision::<Unmodifiable>::Reject(rejection.clone()),
                        "deadline-reject",
                    ),
                })
            }
        }
    });
    match handled.await {
        Ok(Ok(answer)) => answer,
        Ok(Err(err)) => {
            tracing::error!(event_type, error = %err, "webhook handler returned an error");
            failure(shared)
        }
        Err(message) => {
            tracing::error!(event_type, panic = %message, "webhook handler panicked");
            failure(shared)
        }
    }
}
