//! The webhook router: validates the signature, parses the event, runs the handler registered
//! for it and answers Twilio.
//!
//! ```text
//! request -> read body (limit) -> decode form once -> X-Twilio-Signature -> EventType
//!         -> handler (deadline, errors, panics) -> 200 {} | 200 {changes} | 4xx/5xx
//! ```
//!
//! Register handlers explicitly, then turn the router into what your server runs: a tower
//! [`Service`](tower_service::Service) ([`Webhooks::into_service`]), an axum `Router`
//! ([`Webhooks::into_router`], with the `axum` feature), or a [`Layer`](tower_layer::Layer) that
//! answers its path and passes every other request on ([`Webhooks::into_layer`]).
//!
//! Every entry point (this router, [`ValidateSignatureLayer`](crate::signature::ValidateSignatureLayer))
//! runs one pipeline: read the body (limit, deadline), check the method and content type, verify
//! the signature, decode once. A request it refuses gets a short plain-text reason, the check that
//! failed (`invalid X-Twilio-Signature`, `expected Content-Type: …`, where a body does not
//! decode), never the URL the server rebuilt, key counts or the algorithm; the details go to a
//! `warn` tracing event (`error` for an empty keyring), never a secret.
//!
//! ```
//! use twilio_webhooks::conversations::{OnMessageAdd, OnParticipantAdded};
//! use twilio_webhooks::router::Webhooks;
//! use twilio_webhooks::signature::Validator;
//! use twilio_webhooks::{Decision, DecisionFor};
//!
//! async fn mask(message: OnMessageAdd) -> DecisionFor<OnMessageAdd> {
//!     Decision::modify_body(message.body.replace("heck", "****"))
//! }
//!
//! async fn welcome(participant: OnParticipantAdded) {
//!     println!("welcome {:?}", participant.identity);
//! }
//!
//! let webhooks = Webhooks::new()
//!     .validator(Validator::from_auth_tokens("your_auth_token").unwrap())
//!     .pre_action(mask)
//!     .post_action(welcome);
//! assert_eq!(webhooks.filters(), ["onMessageAdd", "onParticipantAdded"]);
//! let service = webhooks.into_service(()).unwrap();
//! # let _ = service;
//! ```

use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;

use crate::conversations::Rejection;
use crate::handler::{EventHandler, EventInput};
use crate::handler::{PostActionHandler, PostActionInput, PreActionHandler, PreActionInput};
use crate::idempotency::Idempotency;
use crate::signature::{BasicAuth, Validator};

#[cfg(feature = "axum")]
mod axum_router;
mod catch_panic;
mod dispatch;
mod mount;
pub(crate) mod pipeline;
mod service;
mod sink;

pub use mount::{WebhookLayer, WebhookMount};
pub use service::WebhookService;

use dispatch::Route;
use pipeline::{BodyKind, Intake};
use sink::{EventRoute, EventRoutes};

/// The path the router answers Conversations webhooks on unless told otherwise.
pub const DEFAULT_PATH: &str = "/twilio/conversations";

/// The path the router answers Event Streams deliveries on unless told otherwise.
pub const DEFAULT_EVENTS_PATH: &str = "/twilio/events";

/// The largest Event Streams body read unless told otherwise (16 MiB: batches of thousands of
/// events).
pub const DEFAULT_EVENTS_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// How long the handlers of one Event Streams batch may take unless told otherwise: under
/// Twilio's 5 s.
pub const DEFAULT_EVENTS_DEADLINE: Duration = Duration::from_secs(4);

pub use pipeline::{DEFAULT_BODY_LIMIT, DEFAULT_BODY_TIMEOUT};

/// The pre-action deadline unless told otherwise: under Twilio's 5 s, with room for the network.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(4);

/// What to answer when a pre-action handler misses the deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeadlineOutcome {
    /// Answer 200 `{}` now: Twilio publishes the change unmodified (what it would do after 5 s,
    /// minus the wait).
    Accept,
    /// Answer with this rejection: Twilio drops the change (fail closed, for moderation).
    Reject(Rejection),
}

/// What to answer a known event whose parameters do not parse (a missing or malformed field).
///
/// The parse error is logged at `warn` either way, with the event type and the parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum InvalidOutcome {
    /// Answer 400 with what was wrong (the default): Twilio drops a pre-action change, so a
    /// malformed event never reaches your conversation unchecked.
    #[default]
    Reject,
    /// Answer 200 `{}`: Twilio publishes the change unchanged (fail open, so a field this
    /// library cannot read never costs a real user's message). The handler does not run.
    Accept,
}

/// Why a router could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Two handlers of one event, or two catch-all handlers (`PostActionEvent`), were
    /// registered. A handler of one event beside a catch-all is fine: it takes that event.
    #[error("two handlers registered for {event_type}; register one handler per event (a catch-all handler takes only the events no other handler takes)")]
    DuplicateHandler {
        /// The event.
        event_type: &'static str,
    },
    /// Signature validation is on but no validator (auth token) was given.
    #[error("no auth token configured: call .validator(..) with your Twilio auth token, or .without_signature_validation() in tests")]
    NoValidator,
    /// The path does not start with `/`, or the webhook and Event Streams paths are the same.
    #[error("the webhook and Event Streams paths must start with '/' and differ, got {0:?}")]
    InvalidPath(String),
    /// [`Webhooks::events_error_status`] was given a status that is not a 5xx.
    #[error("an Event Streams batch that was not handled must be answered with a 5xx, got {0}")]
    NotAServerError(StatusCode),
    /// Two Event Streams handlers of one type, or two catch-alls of one kind, were registered.
    #[error("two Event Streams handlers registered for {0}; register one handler per type (a catch-all takes only the types no other handler takes)")]
    DuplicateEventHandler(&'static str),
}

/// What the builder configures besides handlers and the validator, carried as is into the
/// running service.
#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) path: String,
    pub(crate) body_limit: usize,
    pub(crate) body_timeout: Duration,
    pub(crate) deadline: Duration,
    pub(crate) deadline_outcome: DeadlineOutcome,
    pub(crate) error_status: StatusCode,
    pub(crate) invalid_outcome: InvalidOutcome,
    pub(crate) events_path: String,
    pub(crate) events_body_limit: usize,
    pub(crate) events_deadline: Duration,
    pub(crate) events_error_status: StatusCode,
}

/// Everything the running service shares between requests.
pub(crate) struct Shared<S> {
    pub(crate) routes: Vec<Route<S>>,
    /// `None` when turned off by name.
    pub(crate) idempotency: Option<Idempotency>,
    pub(crate) events: EventRoutes<S>,
    pub(crate) validator: Option<Validator>,
    pub(crate) basic_auth: Option<BasicAuth>,
    pub(crate) settings: Settings,
}

impl<S> Shared<S> {
    /// How the pipeline receives this router's Conversations webhooks.
    pub(crate) fn intake(&self) -> Intake<'_> {
        Intake {
            kind: BodyKind::Form,
            body_limit: self.settings.body_limit,
            body_timeout: self.settings.body_timeout,
            validator: self.validator.as_ref(),
            basic_auth: None,
        }
    }

    /// How the pipeline receives this router's Event Streams deliveries.
    pub(crate) fn events_intake(&self) -> Intake<'_> {
        Intake {
            kind: BodyKind::Json,
            body_limit: self.settings.events_body_limit,
            body_timeout: self.settings.body_timeout,
            validator: self.validator.as_ref(),
            basic_auth: self.basic_auth.as_ref(),
        }
    }

    pub(crate) fn route(&self, event_type: &str) -> Option<&Route<S>> {
        self.routes
            .iter()
            .find(|route| route.event_type == event_type)
    }
}

/// The `EventType`s of `routes`, each once, in registration order.
fn event_types<S>(routes: &[Route<S>]) -> Vec<&'static str> {
    let mut types: Vec<&'static str> = Vec::with_capacity(routes.len());
    for route in routes {
        if !types.contains(&route.event_type) {
            types.push(route.event_type);
        }
    }
    types
}

/// One route per event type: a handler of that event takes precedence over a catch-all; two of
/// the same kind for one event are an error.
fn resolve<S>(routes: Vec<Route<S>>) -> Result<Vec<Route<S>>, BuildError> {
    let mut kept: Vec<Route<S>> = Vec::with_capacity(routes.len());
    for route in routes {
        match kept
            .iter_mut()
            .find(|earlier| earlier.event_type == route.event_type)
        {
            None => kept.push(route),
            Some(earlier) if earlier.catch_all == route.catch_all => {
                return Err(BuildError::DuplicateHandler {
                    event_type: route.event_type,
                })
            }
            // The specific handler wins, whichever was registered first.
            Some(earlier) if earlier.catch_all => *earlier = route,
            Some(_) => {}
        }
    }
    Ok(kept)
}

/// Signature checking: on unless explicitly turned off.
#[derive(Debug)]
enum SignatureCheck {
    Unconfigured,
    On(Validator),
    Off,
}

/// The router builder: register handlers, configure, then build a service, router or layer.
///
/// `S` is the state handlers receive through [`State<S>`](crate::handler::State).
pub struct Webhooks<S = ()> {
    routes: Vec<Route<S>>,
    events: Vec<EventRoute<S>>,
    idempotency: Option<Idempotency>,
    signature: SignatureCheck,
    basic_auth: Option<BasicAuth>,
    settings: Settings,
}

impl<S> std::fmt::Debug for Webhooks<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhooks")
            .field("handlers", &self.filters())
            .field("signature", &self.signature)
            .field("settings", &self.settings)
            .finish()
    }
}

impl<S> Webhooks<S> {
    /// The `EventType`s with a handler, in registration order: paste them into the Filters of
    /// Twilio's webhook configuration so Twilio sends only these.
    pub fn filters(&self) -> Vec<&'static str> {
        event_types(&self.routes)
    }
}

impl<S: Clone + Send + Sync + 'static> Default for Webhooks<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Clone + Send + Sync + 'static> Webhooks<S> {
    /// A router with no handlers: every event is accepted / acknowledged with 200 `{}`.
    ///
    /// Defaults: path [`DEFAULT_PATH`], body limit [`DEFAULT_BODY_LIMIT`] read within
    /// [`DEFAULT_BODY_TIMEOUT`], pre-action deadline
    /// [`DEFAULT_DEADLINE`] answered with [`DeadlineOutcome::Accept`], handler errors answered
    /// 500. A validator must be set, or signature validation turned off by name.
    pub fn new() -> Self {
        Self {
            routes: Vec::new(),
            signature: SignatureCheck::Unconfigured,
            settings: Settings {
                path: DEFAULT_PATH.to_owned(),
                body_limit: DEFAULT_BODY_LIMIT,
                body_timeout: DEFAULT_BODY_TIMEOUT,
                deadline: DEFAULT_DEADLINE,
                deadline_outcome: DeadlineOutcome::Accept,
                error_status: StatusCode::INTERNAL_SERVER_ERROR,
                invalid_outcome: InvalidOutcome::Reject,
                events_path: DEFAULT_EVENTS_PATH.to_owned(),
                events_body_limit: DEFAULT_EVENTS_BODY_LIMIT,
                events_deadline: DEFAULT_EVENTS_DEADLINE,
                events_error_status: StatusCode::INTERNAL_SERVER_ERROR,
            },
            events: Vec::new(),
            idempotency: Some(Idempotency::default()),
            basic_auth: None,
        }
    }

    /// Registers the handler of a pre-action event (the event is the handler's first argument),
    /// or of all ten when its first argument is [`PreActionEvent`](crate::PreActionEvent): such a
    /// catch-all takes every pre-action event that has no handler of its own, and answers with
    /// a plain [`Decision`](crate::Decision) (accept or reject).
    ///
    /// ```
    /// use twilio_webhooks::conversations::OnMessageAdd;
    /// use twilio_webhooks::{Decision, DecisionFor, PreActionEvent, Webhooks};
    ///
    /// async fn moderate(message: OnMessageAdd) -> DecisionFor<OnMessageAdd> {
    ///     Decision::modify_body(message.body.replace("heck", "****"))
    /// }
    /// async fn only_from_the_api(event: PreActionEvent) -> Decision {
    ///     println!("{}", event.event_type());
    ///     Decision::accept()
    /// }
    ///
    /// let webhooks = Webhooks::<()>::new().pre_action(moderate).pre_action(only_from_the_api);
    /// assert_eq!(webhooks.filters().len(), 10);
    /// ```
    #[must_use]
    pub fn pre_action<E, Args, H>(mut self, handler: H) -> Self
    where
        E: PreActionInput,
        H: PreActionHandler<E, S, Args>,
    {
        self.routes.extend(Route::pre_action(handler));
        self
    }

    /// Registers the handler of a post-action event, or of all thirteen when its first argument
    /// is [`PostActionEvent`](crate::PostActionEvent): such a catch-all takes every post-action
    /// event that has no handler of its own, whatever the order of registration.
    ///
    /// ```
    /// use twilio_webhooks::conversations::OnMessageAdded;
    /// use twilio_webhooks::{PostActionEvent, Webhooks};
    ///
    /// async fn on_message(message: OnMessageAdded) { println!("{}", message.body); }
    /// async fn log_the_rest(event: PostActionEvent) { println!("{}", event.event_type()); }
    ///
    /// let webhooks = Webhooks::<()>::new().post_action(log_the_rest).post_action(on_message);
    /// assert_eq!(webhooks.filters().len(), 13);
    /// assert!(webhooks.without_signature_validation().into_service(()).is_ok());
    /// ```
    #[must_use]
    pub fn post_action<E, Args, H>(mut self, handler: H) -> Self
    where
        E: PostActionInput,
        H: PostActionHandler<E, S, Args>,
    {
        self.routes.extend(Route::post_action(handler));
        self
    }

    /// Registers an Event Streams handler: of one CloudEvent type (its first argument is a type
    /// from [`streams`](crate::streams), e.g. [`MessageAdded`](crate::streams::MessageAdded)), or
    /// a catch-all (its first argument is [`streams::Event`](crate::streams::Event),
    /// [`CloudEvent<Event>`](crate::streams::CloudEvent), or
    /// [`BatchItem`](crate::streams::BatchItem) to see invalid events too). A handler of a type
    /// takes precedence over a catch-all.
    ///
    /// Deliveries are answered on [`events_path`](Self::events_path) (`/twilio/events`): 200
    /// when every event of the batch is done, 500 when a handler failed, panicked or missed
    /// [`events_deadline`](Self::events_deadline), so Twilio delivers the batch again.
    ///
    /// ```
    /// use twilio_webhooks::streams::{Event, MessageAdded};
    /// use twilio_webhooks::Webhooks;
    ///
    /// async fn on_message(message: MessageAdded) {
    ///     println!("{:?}", message.message_body);
    /// }
    /// async fn everything_else(event: Event) {
    ///     println!("{}", event.event_type());
    /// }
    ///
    /// let webhooks = Webhooks::<()>::new()
    ///     .stream_event(on_message)
    ///     .stream_event(everything_else)
    ///     .without_signature_validation();
    /// assert!(webhooks.into_service(()).is_ok());
    /// ```
    #[must_use]
    pub fn stream_event<E, Args, H>(mut self, handler: H) -> Self
    where
        E: EventInput,
        H: EventHandler<E, S, Args>,
    {
        self.events.push(EventRoute::new(handler));
        self
    }

    /// The path Event Streams deliveries are answered on (default [`DEFAULT_EVENTS_PATH`]),
    /// relative to where the router is mounted, like [`path`](Self::path).
    #[must_use]
    pub fn events_path(mut self, path: impl Into<String>) -> Self {
        self.settings.events_path = path.into();
        self
    }

    /// The largest Event Streams body accepted, in bytes (default
    /// [`DEFAULT_EVENTS_BODY_LIMIT`]); larger deliveries get 413.
    #[must_use]
    pub fn events_body_limit(mut self, bytes: usize) -> Self {
        self.settings.events_body_limit = bytes;
        self
    }

    /// How long the handlers of one batch may take together (default 4 s; Twilio waits 5 s).
    /// Events not done by then are answered with a 5xx, and Twilio delivers the batch again.
    #[must_use]
    pub fn events_deadline(mut self, deadline: Duration) -> Self {
        self.settings.events_deadline = deadline;
        self
    }

    /// The status a batch is answered with when an event was not handled (a handler failed,
    /// panicked or missed the deadline): 500 by default, or another 5xx, such as 503 for "try
    /// again later". Twilio delivers the batch again after any 5xx.
    ///
    /// ```
    /// use http::StatusCode;
    /// use twilio_webhooks::Webhooks;
    ///
    /// let webhooks = Webhooks::<()>::new().events_error_status(StatusCode::SERVICE_UNAVAILABLE)?;
    /// assert!(Webhooks::<()>::new().events_error_status(StatusCode::OK).is_err());
    /// # Ok::<(), twilio_webhooks::router::BuildError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`BuildError::NotAServerError`] for a status that is not a 5xx: anything else would tell
    /// Twilio the events were delivered, and they would be lost.
    pub fn events_error_status(mut self, status: StatusCode) -> Result<Self, BuildError> {
        if !status.is_server_error() {
            return Err(BuildError::NotAServerError(status));
        }
        self.settings.events_error_status = status;
        Ok(self)
    }

    /// Requires HTTP Basic credentials on Event Streams deliveries: Twilio sends them when the
    /// sink's destination URL has `user:password@`. Without them, or with others, a delivery
    /// gets 401 with `WWW-Authenticate`. The signature is checked too.
    ///
    /// ```
    /// use twilio_webhooks::signature::BasicAuth;
    /// use twilio_webhooks::Webhooks;
    ///
    /// // Sink destination: https://twilio:s3cret@hooks.example.com/twilio/events
    /// let webhooks = Webhooks::<()>::new().basic_auth(BasicAuth::new("twilio", "s3cret"));
    /// # let _ = webhooks;
    /// ```
    #[must_use]
    pub fn basic_auth(mut self, credentials: BasicAuth) -> Self {
        self.basic_auth = Some(credentials);
        self
    }

    /// Suppresses duplicate deliveries with this configuration: its store (in memory, or
    /// Redis shared by every instance), how long answers are kept, what to do when the store
    /// fails. By default a [`MemoryStore`](crate::idempotency::MemoryStore) with the defaults
    /// of [`Idempotency`] is used.
    ///
    /// A Conversations webhook is keyed by its `I-Twilio-Idempotency-Token` (scoped by its
    /// `AccountSid`), an Event Streams event by its CloudEvent `id`. A duplicate of a finished
    /// delivery gets the first answer and its handler does not run again; a duplicate that
    /// arrives while the first is still running waits for it until the deadline, then gets 503;
    /// a handler that fails, panics or misses its deadline leaves nothing behind, so the retry
    /// runs it.
    ///
    /// ```
    /// use twilio_webhooks::idempotency::{Idempotency, MemoryStore};
    /// use twilio_webhooks::Webhooks;
    ///
    /// let webhooks = Webhooks::<()>::new().idempotency(Idempotency::new(MemoryStore::with_max_entries(10_000)));
    /// # let _ = webhooks;
    /// ```
    #[must_use]
    pub fn idempotency(mut self, idempotency: Idempotency) -> Self {
        self.idempotency = Some(idempotency);
        self
    }

    /// Handles every delivery, duplicates included: each retry runs its handler again.
    #[must_use]
    pub fn without_idempotency(mut self) -> Self {
        self.idempotency = None;
        self
    }

    /// Checks `X-Twilio-Signature` with this validator (auth tokens, shared keys, public URL).
    #[must_use]
    pub fn validator(mut self, validator: Validator) -> Self {
        self.signature = SignatureCheck::On(validator);
        self
    }

    /// Accepts unsigned requests. Only for tests and local experiments: anyone who can reach the
    /// server could then forge webhooks.
    #[must_use]
    pub fn without_signature_validation(mut self) -> Self {
        self.signature = SignatureCheck::Off;
        self
    }

    /// The path to answer on (default [`DEFAULT_PATH`]); used by [`into_router`](Self::into_router)
    /// and [`into_layer`](Self::into_layer). [`into_service`](Self::into_service) answers any path.
    #[must_use]
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.settings.path = path.into();
        self
    }

    /// The largest body accepted, in bytes (default 1 MiB); larger requests get 413.
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.settings.body_limit = bytes;
        self
    }

    /// How long the whole body may take to arrive (default 10 s); a slower body gets 408, so a
    /// client trickling bytes cannot hold the request open.
    #[must_use]
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.settings.body_timeout = timeout;
        self
    }

    /// How long a pre-action handler may take (default 4 s; Twilio gives up at 5 s).
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.settings.deadline = deadline;
        self
    }

    /// What to answer when a pre-action handler misses the deadline (default: accept).
    #[must_use]
    pub fn on_deadline(mut self, outcome: DeadlineOutcome) -> Self {
        self.settings.deadline_outcome = outcome;
        self
    }

    /// What to answer a known event whose parameters do not parse (default
    /// [`InvalidOutcome::Reject`], a 400).
    ///
    /// ```
    /// use twilio_webhooks::router::InvalidOutcome;
    /// use twilio_webhooks::Webhooks;
    ///
    /// // Fail open: a message with a field this library cannot read is published unchanged.
    /// let webhooks = Webhooks::<()>::new().on_invalid(InvalidOutcome::Accept);
    /// # let _ = webhooks;
    /// ```
    #[must_use]
    pub fn on_invalid(mut self, outcome: InvalidOutcome) -> Self {
        self.settings.invalid_outcome = outcome;
        self
    }

    /// The status answered when a handler returns `Err` or panics (default 500, which makes
    /// Twilio reject a pre-action change). Use 200 to fail open instead.
    #[must_use]
    pub fn handler_error_status(mut self, status: StatusCode) -> Self {
        self.settings.error_status = status;
        self
    }

    pub(crate) fn build(mut self) -> Result<Shared<S>, BuildError> {
        self.routes = resolve(self.routes)?;
        let events =
            EventRoutes::resolve(self.events).map_err(BuildError::DuplicateEventHandler)?;
        if !self.settings.events_path.starts_with('/')
            || self.settings.events_path == self.settings.path
        {
            return Err(BuildError::InvalidPath(self.settings.events_path));
        }
        if !self.settings.path.starts_with('/') {
            return Err(BuildError::InvalidPath(self.settings.path));
        }
        let validator = match self.signature {
            SignatureCheck::Unconfigured => return Err(BuildError::NoValidator),
            SignatureCheck::On(validator) => Some(validator),
            SignatureCheck::Off => None,
        };
        Ok(Shared {
            routes: self.routes,
            idempotency: self.idempotency,
            events,
            validator,
            basic_auth: self.basic_auth,
            settings: self.settings,
        })
    }

    /// Builds a tower `Service` answering webhooks on any path, with `state` for the handlers.
    /// Use it with hyper directly, or anywhere a `Service<http::Request<B>>` fits. With an
    /// Event Streams handler registered, a JSON body is taken as an Event Streams delivery and
    /// anything else as a Conversations webhook.
    ///
    /// # Errors
    ///
    /// [`BuildError`] for two handlers of one event, a path not starting with `/` (checked
    /// although a bare service answers on any path), or no validator configured.
    pub fn into_service(self, state: S) -> Result<WebhookService<S>, BuildError> {
        Ok(WebhookService::new(Arc::new(self.build()?), state))
    }

    /// Builds a `Layer` that answers webhooks on [`path`](Self::path) and passes every other
    /// request to the service it wraps.
    ///
    /// # Errors
    ///
    /// As [`into_service`](Self::into_service).
    pub fn into_layer(self, state: S) -> Result<WebhookLayer<S>, BuildError> {
        Ok(WebhookLayer::new(self.into_service(state)?))
    }
}
