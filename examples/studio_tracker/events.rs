//! The Event Streams handlers: each Studio event is merged into its Execution's record; the
//! `execution.started` event also decides which conversation or call the Execution belongs to.

use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;

use twilio_webhooks::handler::State;
use twilio_webhooks::idempotency::{self, Claim, IdempotencyStore};
use twilio_webhooks::sid::ExecutionSid;
use twilio_webhooks::streams::{ExecutionEnded, ExecutionStarted, StepEnded};
use twilio_webhooks::studio::{correlate, needs_context, StudioClient, StudioError};
use twilio_webhooks::Webhooks;

use crate::store::{Store, StoreError};
use crate::tracker::{BelongsTo, Change, Record};

/// What the handlers (and the HTTP queries) share.
#[derive(Clone)]
pub struct App<S> {
    /// The records.
    pub store: S,
    /// Studio's REST API, for the Execution Context.
    pub studio: StudioClient,
    /// Where a handler claims the Context call of an Execution, so that one handler (in this
    /// instance or another) calls it at a time: the store of the router's duplicate suppression.
    pub claims: Arc<dyn IdempotencyStore>,
}

/// How long a claim of the Context call holds when it is not given back (its holder crashed, or
/// its handler was cut off at the batch deadline): well over the Studio client's timeout.
const CLAIM_TTL: Duration = Duration::from_secs(10);

/// Why an event was not handled. Each answers the delivery with a 5xx, so Event Streams
/// delivers it again; a handler that got this far changed nothing that a second run would
/// change differently.
#[derive(Debug, thiserror::Error)]
pub enum TrackError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The claim of the Context call could not be made (Redis down or slow).
    #[error("cannot claim the context call: {0}; Event Streams will deliver the event again")]
    Claim(#[from] idempotency::StoreError),
    /// The Execution Context API failed (5xx, 429, timeout, wrong credentials …), other than
    /// with a 404.
    #[error("cannot correlate {execution}: {source}; Event Streams will deliver the event again")]
    Context {
        /// The Execution.
        execution: ExecutionSid,
        /// What the client reported.
        #[source]
        source: StudioError,
    },
    /// Another handler (in this instance or another) is reading the same Execution's context.
    #[error("another handler is reading the context of {execution}; Event Streams will deliver the event again")]
    ContextBusy {
        /// The Execution.
        execution: ExecutionSid,
    },
}

/// The Event Streams handlers of the three Studio types; every other type is acknowledged.
///
/// A batch with an event not handled is answered 503 rather than 500: the tracker is missing
/// something it can get later (the Context API, Redis), and Event Streams delivers again.
pub fn webhooks<S: Store>() -> Webhooks<App<S>> {
    Webhooks::new()
        .stream_event(started::<S>)
        .stream_event(ended::<S>)
        .stream_event(step::<S>)
        .events_error_status(http::StatusCode::SERVICE_UNAVAILABLE)
        .expect("503 is a server error")
}

/// `execution.started`: merged, then correlated (once per Execution).
async fn started<S: Store>(
    event: ExecutionStarted,
    State(app): State<App<S>>,
) -> Result<(), TrackError> {
    let change = Change::started(&event, OffsetDateTime::now_utc());
    let record = app.store.merge(event.execution_sid, &change).await?;
    app.correlate(record).await
}

/// `execution.ended`: merged (the status is `ended` from now on).
async fn ended<S: Store>(
    event: ExecutionEnded,
    State(app): State<App<S>>,
) -> Result<(), TrackError> {
    app.store
        .merge(event.execution_sid, &Change::ended(&event))
        .await?;
    Ok(())
}

/// `step.ended`: merged (a step already known is not added again).
async fn step<S: Store>(event: StepEnded, State(app): State<App<S>>) -> Result<(), TrackError> {
    app.store
        .merge(event.execution_sid, &Change::step(&event))
        .await?;
    Ok(())
}

impl<S: Store> App<S> {
    /// Decides what a started Execution belongs to, unless that is already decided, and lists it
    /// under its conversation or call.
    async fn correlate(&self, record: Record) -> Result<(), TrackError> {
        let record = match record.belongs_to {
            Some(_) => record,
            None => self.decide(&record).await?,
        };
        // Listing is idempotent: done again on every started event, so a crash between the
        // record and the list is repaired by the redelivery.
        if let (Some(belongs_to), Some(started_at)) = (
            record.belongs_to.and_then(BelongsTo::correlation),
            record.started_at,
        ) {
            self.store
                .index(belongs_to, started_at, record.execution_sid)
                .await?;
        }
        Ok(())
    }

    /// `started_by` when it is a conversation or call; otherwise the Execution Context, fetched
    /// by one handler at a time.
    async fn decide(&self, record: &Record) -> Result<Record, TrackError> {
        let execution = record.execution_sid;
        let started_by = record.started_by.as_deref();
        if !needs_context(started_by) {
            let belongs_to = BelongsTo::from_correlation(correlate(started_by, None));
            return self.record_decision(record, belongs_to).await;
        }
        let key = format!("studio_tracker:context:{execution}");
        let Claim::Fresh(owner) = self.claims.claim(&key, CLAIM_TTL).await? else {
            // Held by another handler (claims are always released, never completed).
            return Err(TrackError::ContextBusy { execution });
        };
        let decided = self.decide_from_context(record).await;
        // Given back whatever happened: after a failure the redelivery may try again.
        if let Err(error) = self.claims.release(&key, &owner).await {
            tracing::warn!(%execution, %error, "could not release the context claim; it expires by itself");
        }
        decided
    }

    async fn decide_from_context(&self, record: &Record) -> Result<Record, TrackError> {
        let execution = record.execution_sid;
        // Another handler may have decided between this one's merge and its claim.
        if let Some(current) = self.store.get(execution).await? {
            if current.belongs_to.is_some() {
                return Ok(current);
            }
        }
        let belongs_to = match self
            .studio
            .execution_context(record.flow_sid, execution)
            .await
        {
            Ok(context) => {
                BelongsTo::from_correlation(correlate(record.started_by.as_deref(), Some(&context)))
            }
            Err(error) if error.is_not_found() => {
                tracing::info!(%execution, "Studio no longer has this execution's context (kept 30 days): recorded without a conversation or call");
                BelongsTo::Nothing
            }
            Err(source) => return Err(TrackError::Context { execution, source }),
        };
        self.record_decision(record, belongs_to).await
    }

    async fn record_decision(
        &self,
        record: &Record,
        belongs_to: BelongsTo,
    ) -> Result<Record, TrackError> {
        let change = Change::Correlated {
            flow_sid: record.flow_sid,
            belongs_to,
        };
        Ok(self.store.merge(record.execution_sid, &change).await?)
    }
}
