//! The router mounted as tower middleware: it answers its own path and hands every other
//! request to the service it wraps.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::{Request, Response};
use http_body_util::Either;

use super::pipeline::BoxError;
use super::service::{respond, respond_events, WebhookBody};
use super::WebhookService;

/// A [`Layer`](tower_layer::Layer) that answers Twilio webhooks on the router's path (and
/// Event Streams deliveries on its events path, when an Event Streams handler is registered)
/// and passes every other request through.
///
/// ```
/// use tower::ServiceBuilder;
/// use twilio_webhooks::router::Webhooks;
///
/// let layer = Webhooks::<()>::new()
///     .without_signature_validation()
///     .path("/twilio/conversations")
///     .into_layer(())
///     .unwrap();
/// let app = ServiceBuilder::new().layer(layer).service_fn(|_request: http::Request<String>| async {
///     Ok::<_, std::convert::Infallible>(http::Response::new(String::from("the rest of the app")))
/// });
/// # let _ = app;
/// ```
#[derive(Debug, Clone)]
pub struct WebhookLayer<S> {
    webhooks: WebhookService<S>,
}

impl<S> WebhookLayer<S> {
    pub(crate) fn new(webhooks: WebhookService<S>) -> Self {
        Self { webhooks }
    }
}

impl<S: Clone, Inner> tower_layer::Layer<Inner> for WebhookLayer<S> {
    type Service = WebhookMount<S, Inner>;

    fn layer(&self, inner: Inner) -> Self::Service {
        WebhookMount {
            webhooks: self.webhooks.clone(),
            inner,
        }
    }
}

/// The service made by [`WebhookLayer`]: webhooks on its path, `Inner` for the rest.
#[derive(Debug, Clone)]
pub struct WebhookMount<S, Inner> {
    webhooks: WebhookService<S>,
    inner: Inner,
}

type MountFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

impl<S, Inner, B, ResBody> tower_service::Service<Request<B>> for WebhookMount<S, Inner>
where
    S: Clone + Send + Sync + 'static,
    Inner: tower_service::Service<Request<B>, Response = Response<ResBody>>,
    Inner::Future: Send + 'static,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Response = Response<Either<WebhookBody, ResBody>>;
    type Error = Inner::Error;
    type Future = MountFuture<Self::Response, Inner::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let path = request.uri().path();
        if path == self.webhooks.path() {
            let webhooks = self.webhooks.clone();
            Box::pin(async move {
                let response = respond(webhooks.shared(), webhooks.state(), request).await;
                Ok(response.map(Either::Left))
            })
        } else if self.webhooks.serves_events() && path == self.webhooks.events_path() {
            let webhooks = self.webhooks.clone();
            Box::pin(async move {
                let response = respond_events(webhooks.shared(), webhooks.state(), request).await;
                Ok(response.map(Either::Left))
            })
        } else {
            let future = self.inner.call(request);
            Box::pin(async move { Ok(future.await?.map(Either::Right)) })
        }
    }
}
