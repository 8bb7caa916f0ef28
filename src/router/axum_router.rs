//! The router as an axum `Router<S>`.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::Router;

use super::service::respond;
use super::{BuildError, Webhooks};

impl<S: Clone + Send + Sync + 'static> Webhooks<S> {
    /// Builds an axum `Router<S>` that answers webhooks on [`path`](Self::path). Like any axum
    /// router it leaves the state to the caller: merge or nest it into your app and call
    /// `.with_state(..)` once on the whole app. Nested routers are fine: the signature is checked
    /// against the original request URI.
    ///
    /// ```
    /// use axum::routing::get;
    /// use axum::Router;
    /// use twilio_webhooks::conversations::OnMessageAdded;
    /// use twilio_webhooks::handler::State;
    /// use twilio_webhooks::router::Webhooks;
    ///
    /// #[derive(Clone)]
    /// struct App { name: &'static str }
    ///
    /// async fn log(message: OnMessageAdded, State(app): State<App>) {
    ///     println!("{}: {}", app.name, message.body);
    /// }
    ///
    /// let webhooks = Webhooks::new()
    ///     .without_signature_validation()
    ///     .post_action(log)
    ///     .into_router()
    ///     .unwrap();
    /// let app: Router = Router::new()
    ///     .route("/health", get(|| async { "ok" }))
    ///     .merge(webhooks)
    ///     .with_state(App { name: "demo" });
    /// # let _ = app;
    /// ```
    ///
    /// # Errors
    ///
    /// [`BuildError`] for two handlers of one event, an invalid path, or no validator.
    pub fn into_router(self) -> Result<Router<S>, BuildError> {
        let shared = Arc::new(self.build()?);
        let path = shared.settings.path.clone();
        let handler = move |State(state): State<S>, request: Request| {
            let shared = Arc::clone(&shared);
            async move { respond(&shared, &state, request).await }
        };
        Ok(Router::new().route(&path, axum::routing::any(handler)))
    }
}
