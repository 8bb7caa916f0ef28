//! The Event Streams sink: a verified JSON body parsed as a batch of CloudEvents, each event run
//! through the handler registered for its type, and one answer for the batch.
//!
//! ```text
//! batch -> for each event, in order: handler of its type | catch-all | none (acknowledged)
//!       -> 200 when every event is done | 5xx (Twilio delivers the batch again)
//! ```
//!
//! An event whose data does not fit its type does not hold the batch back: it goes to a
//! catch-all that takes invalid events, or is logged at `warn` and acknowledged (delivering it
//! again would not make it parse).

use std::sync::Arc;

use tokio::time::Instant;

use http::{Response, StatusCode};
use tracing::Instrument;

use super::catch_panic::CatchPanic;
use super::dispatch::BoxFuture;
use super::pipeline::{plain, Received, Refusal};
use super::service::WebhookBody;
use super::Shared;
use crate::handler::{EventHandler, EventInput, EventSelection, HandlerError};
use crate::idempotency::{Once, StoredAnswer};
use crate::streams::{parse_batch, BatchItem, EventContext};

/// Starts a handler on one event of a batch.
type ErasedEvent<S> = dyn Fn(BatchItem, &EventContext, &S) -> Option<BoxFuture<Result<(), HandlerError>>>
    + Send
    + Sync;

/// One registered Event Streams handler.
pub(crate) struct EventRoute<S> {
    pub(crate) selection: EventSelection,
    handler: Arc<ErasedEvent<S>>,
}

impl<S: Send + Sync + 'static> EventRoute<S> {
    pub(crate) fn new<E, Args, H>(handler: H) -> Self
    where
        E: EventInput,
        H: EventHandler<E, S, Args>,
    {
        Self {
            selection: E::SELECTION,
            handler: Arc::new(move |item, context, state| {
                let event = E::from_item(item)?;
                let future = handler.call(event, context, state);
                Some(Box::pin(future) as BoxFuture<_>)
            }),
        }
    }
}

impl<S> EventRoute<S> {
    /// What the route is registered under, for messages: a type, or which catch-all.
    pub(crate) fn name(&self) -> &'static str {
        match self.selection {
            EventSelection::Type(event_type) => event_type,
            EventSelection::Valid => "every event (catch-all)",
            EventSelection::All => "every event, invalid ones included (catch-all)",
        }
    }
}

/// The routes of a sink, resolved: a handler of a type wins over a catch-all.
pub(crate) struct EventRoutes<S> {
    typed: Vec<EventRoute<S>>,
    valid: Option<EventRoute<S>>,
    all: Option<EventRoute<S>>,
}

impl<S> EventRoutes<S> {
    /// Sorts `routes`; `Err` names what two of them were registered for.
    pub(crate) fn resolve(routes: Vec<EventRoute<S>>) -> Result<Self, &'static str> {
        let mut resolved = Self {
            typed: Vec::new(),
            valid: None,
            all: None,
        };
        for route in routes {
            let name = route.name();
            let taken = match route.selection {
                EventSelection::Type(event_type) => {
                    if resolved
                        .typed
                        .iter()
                        .any(|typed| typed.selection == route.selection)
                    {
                        return Err(event_type);
                    }
                    resolved.typed.push(route);
                    false
                }
                EventSelection::Valid => resolved.valid.replace(route).is_some(),
                EventSelection::All => resolved.all.replace(route).is_some(),
            };
            if taken {
                return Err(name);
            }
        }
        Ok(resolved)
    }

    /// Whether any handler is registered.
    pub(crate) fn is_empty(&self) -> bool {
        self.typed.is_empty() && self.valid.is_none() && self.all.is_none()
    }

    /// The route for one event: its type's, else a catch-all that takes it.
    fn route(&self, item: &BatchItem) -> Option<&EventRoute<S>> {
        let event_type = match item {
            Ok(event) => event.event_type.as_str(),
            Err(invalid) => invalid.event_type(),
        };
        let typed = || {
            self.typed.iter().find(|route| {
                matches!(route.selection, EventSelection::Type(registered) if registered == event_type)
            })
        };
        match item {
            Ok(_) => typed().or(self.valid.as_ref()).or(self.all.as_ref()),
            Err(_) => self.all.as_ref(),
        }
    }
}

/// What became of one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Its handler finished.
    Handled,
    /// No handler takes it, or it is invalid with no catch-all for invalid events: acknowledged.
    Acknowledged,
    /// Its handler failed, panicked or missed the deadline.
    Failed,
    /// A redelivery of an event already handled: skipped.
    Duplicate,
}

/// Runs one event through its route.
async fn handle_one<S: Send + Sync + 'static>(
    shared: &Shared<S>,
    state: &S,
    item: BatchItem,
    deadline: Instant,
) -> Outcome {
    if let Err(invalid) = &item {
        tracing::warn!(
            event_id = invalid.id(),
            event_type = invalid.event_type(),
            error = %invalid.error,
            "an Event Streams event does not fit its type"
        );
    }
    let Some(route) = shared.events.route(&item) else {
        return Outcome::Acknowledged;
    };
    // Built only for an event a handler takes (it copies the envelope's strings).
    let context = match &item {
        Ok(event) => event.context(),
        Err(invalid) => invalid.context(),
    };
    let Some(idempotency) = &shared.idempotency else {
        return run(route, item, &context, state, deadline).await;
    };
    let key = format!("events:{}", context.id());
    let handled = idempotency.once(
        &key,
        deadline,
        run(route, item, &context, state, deadline),
        |outcome| (*outcome != Outcome::Failed).then(StoredAnswer::ok_empty_json),
    );
    match handled.await {
        Once::Ran(outcome) => outcome,
        Once::Replay(_) => Outcome::Duplicate,
        Once::Busy | Once::StoreDown => Outcome::Failed,
    }
}

/// Runs the handler of one event until `deadline`, a panic caught.
async fn run<S: Send + Sync + 'static>(
    route: &EventRoute<S>,
    item: BatchItem,
    context: &EventContext,
    state: &S,
    deadline: Instant,
) -> Outcome {
    let Some(future) = (route.handler)(item, context, state) else {
        // The route was chosen for this event, so its input takes it; nothing to run otherwise.
        return Outcome::Acknowledged;
    };
    match tokio::time::timeout_at(deadline, CatchPanic::new(future)).await {
        Ok(Ok(Ok(()))) => Outcome::Handled,
        Ok(Ok(Err(err))) => {
            tracing::error!(event_id = context.id(), event_type = context.event_type(), error = %err, "Event Streams handler returned an error");
            Outcome::Failed
        }
        Ok(Err(panic)) => {
            tracing::error!(event_id = context.id(), event_type = context.event_type(), panic = %panic, "Event Streams handler panicked");
            Outcome::Failed
        }
        Err(_) => {
            tracing::warn!(
                event_id = context.id(),
                event_type = context.event_type(),
                "Event Streams handler missed the batch deadline"
            );
            Outcome::Failed
        }
    }
}

/// Answers one verified Event Streams delivery.
pub(crate) async fn respond<S: Send + Sync + 'static>(
    shared: &Shared<S>,
    state: &S,
    received: Received,
) -> Response<WebhookBody> {
    let started = Instant::now();
    let deadline = started + shared.settings.events_deadline;
    let batch = match parse_batch(&received.body) {
        Ok(batch) => batch,
        Err(err) => {
            return Refusal::Malformed {
                what: "CloudEvents batch",
                detail: err.to_string(),
            }
            .into_response()
        }
    };
    let span = tracing::debug_span!(
        "twilio_events",
        events = batch.len(),
        handled = tracing::field::Empty,
        duplicates = tracing::field::Empty,
        failed = tracing::field::Empty,
        status = tracing::field::Empty,
    );
    let (mut handled, mut failed, mut duplicates) = (0usize, 0usize, 0usize);
    async {
        for item in batch {
            // Once the deadline has passed, the rest waits for Twilio's next delivery.
            if Instant::now() >= deadline {
                failed += 1;
                continue;
            }
            match handle_one(shared, state, item, deadline).await {
                Outcome::Handled => handled += 1,
                Outcome::Acknowledged => {}
                Outcome::Duplicate => duplicates += 1,
                Outcome::Failed => failed += 1,
            }
        }
    }
    .instrument(span.clone())
    .await;
    let response = if failed == 0 {
        plain::<WebhookBody>(StatusCode::OK, String::new())
    } else {
        plain(
            shared.settings.events_error_status,
            format!("{failed} event(s) not handled; deliver the batch again"),
        )
    };
    span.record("handled", handled);
    span.record("duplicates", duplicates);
    span.record("failed", failed);
    span.record("status", response.status().as_u16());
    span.in_scope(|| tracing::debug!("answered"));
    response
}
