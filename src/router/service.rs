//! The tower `Service` that answers one webhook request.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use tracing::{field, Instrument};

use super::dispatch::dispatch;
use super::pipeline::{self, BoxError, Refusal};
use super::{sink, Shared};
use crate::conversations::event_type;

/// The response body the router answers with.
pub(crate) type WebhookBody = Full<Bytes>;

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

    /// The path this service answers Conversations webhooks on when mounted as a layer or
    /// router.
    pub fn path(&self) -> &str {
        &self.shared.settings.path
    }

    /// The path this service answers Event Streams deliveries on when mounted as a layer or
    /// router (when an Event Streams handler is registered).
    pub fn events_path(&self) -> &str {
        &self.shared.settings.events_path
    }

    /// Whether an Event Streams handler is registered, so the events path is answered.
    pub fn serves_events(&self) -> bool {
        !self.shared.events.is_empty()
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
    B::Error: Into<BoxError>,
{
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let shared = Arc::clone(&self.shared);
        let state = self.state.clone();
        // The path is chosen before the future is made, so each boxed future is only as large
        // as its own path (one future holding both measured about 0.4 µs a request slower).
        if takes_events(&shared, &request) {
            Box::pin(async move { Ok(respond_events(&shared, &state, request).await) })
        } else {
            Box::pin(async move { Ok(respond(&shared, &state, request).await) })
        }
    }
}

/// Answers one Event Streams delivery: the pipeline (JSON, `bodySHA256`, Basic credentials),
/// then the sink.
pub(crate) async fn respond_events<S, B>(
    shared: &Shared<S>,
    state: &S,
    request: Request<B>,
) -> Response<WebhookBody>
where
    S: Send + Sync + 'static,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    match pipeline::receive(request, shared.events_intake()).await {
        Ok(received) => sink::respond(shared, state, received).await,
        Err(refusal) => refusal.into_response(),
    }
}

/// Whether a request to a service answering any path is an Event Streams delivery: a JSON body,
/// when an Event Streams handler is registered; anything else is a Conversations webhook.
fn takes_events<S, B>(shared: &Shared<S>, request: &Request<B>) -> bool {
    !shared.events.is_empty() && pipeline::is_json(request.headers())
}

/// Answers one request: the pipeline (read, verify, decode), then `EventType`, then dispatch.
pub(crate) async fn respond<S, B>(
    shared: &Shared<S>,
    state: &S,
    request: Request<B>,
) -> Response<WebhookBody>
where
    S: Send + Sync + 'static,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    // The clock is read only when a tracing subscriber listens at debug level: `elapsed_us` is
    // recorded for it (not through the `log` crate fallback).
    let started = tracing::level_enabled!(tracing::Level::DEBUG).then(Instant::now);
    // Nested in an axum router, `parts.uri` lacks the outer path; the validator signs over
    // axum's `OriginalUri` instead, and the query (all a GET's parameters) is the same in both.
    let received = match pipeline::receive(request, shared.intake()).await {
        Ok(received) => received,
        Err(refusal) => return refusal.into_response(),
    };
    let event_type = match event_type(&received.params) {
        Ok(event_type) => event_type,
        Err(err) => {
            return Refusal::Malformed {
                what: "webhook",
                detail: err.to_string(),
            }
            .into_response()
        }
    };

    let span = tracing::debug_span!(
        "twilio_webhook",
        event_type = %event_type,
        conversation_sid = field::Empty,
        decision = field::Empty,
        status = field::Empty,
        reason = field::Empty,
        elapsed_us = field::Empty,
    );
    // Found before the parameters move into the delivery, so `event_type` need not be copied.
    let route = shared.route(event_type);
    let answer = dispatch(shared, state, &received.parts, received.params, route)
        .instrument(span.clone())
        .await;
    span.record("decision", answer.outcome);
    let response = answer.response.map(Full::new);
    span.record("status", response.status().as_u16());
    if let Some(reason) = &answer.reason {
        span.record("reason", reason.as_ref());
    }
    if let Some(started) = started {
        span.record("elapsed_us", started.elapsed().as_micros() as u64);
    }
    span.in_scope(|| tracing::debug!("answered"));
    response
}
