//! The router as an axum `Router<S>`.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::Router;

use super::service::{respond, respond_events};
use super::{BuildError, Webhooks};

impl<S: Clone + Send + Sync + 'static> Webhooks<S> {
    /// Builds an axum `Router<S>` that answers webhooks on [`path`](Self::path). Like any axum
    /// router it leaves the state to the caller: merge or nest it into your app and call
    /// `.with_state(..)` once on the whole app. The signature is checked against the original
    /// request URI, so nesting does not change what is verified.
    ///
    /// **`path` is relative to where the router is mounted.** Merged, it is the full path
    /// (`/twilio/conversations` by default). Nested with `.nest(prefix, ..)`, axum puts `prefix`
    /// in front of it: nest at `/twilio` with `.path("/conversations")`, or give the whole path to
    /// `nest` and `.path("/")` here. Nesting the default path at `/twilio/conversations` answers
    /// on `/twilio/conversations/twilio/conversations`, which is not what you want.
    ///
    /// Merged, at the default path:
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
    ///     .merge(webhooks) // POST /twilio/conversations
    ///     .with_state(App { name: "demo" });
    /// # let _ = app;
    /// ```
    ///
    /// Nested:
    ///
    /// ```
    /// use axum::Router;
    /// use twilio_webhooks::router::Webhooks;
    ///
    /// let webhooks = Webhooks::<()>::new()
    ///     .without_signature_validation()
    ///     .path("/") // relative to the prefix given to `nest`
    ///     .into_router()
    ///     .unwrap();
    /// let app: Router = Router::new().nest("/twilio/conversations", webhooks); // POST /twilio/conversations
    /// # let _ = app;
    /// ```
    ///
    /// # Errors
    ///
    /// [`BuildError`] for two handlers of one event, an invalid path, or no validator.
    pub fn into_router(self) -> Result<Router<S>, BuildError> {
        let shared = Arc::new(self.build()?);
        let path = shared.settings.path.clone();
        let webhooks = {
            let shared = Arc::clone(&shared);
            move |State(state): State<S>, request: Request| {
                let shared = Arc::clone(&shared);
                async move { respond(&shared, &state, request).await }
            }
        };
        let router = Router::new().route(&path, axum::routing::any(webhooks));
        if shared.events.is_empty() {
            return Ok(router);
        }
        let events_path = shared.settings.events_path.clone();
        let events = move |State(state): State<S>, request: Request| {
            let shared = Arc::clone(&shared);
            async move { respond_events(&shared, &state, request).await }
        };
        Ok(router.route(&events_path, axum::routing::any(events)))
    }
}
