//! Twilio Studio: start flow Executions over the REST API, and learn which conversation or call
//! each Execution belongs to.
//!
#![cfg_attr(
    feature = "studio",
    doc = "- [`StudioClient`] (feature `studio`): Studio's REST API v2 over reqwest with rustls.
  [`start_execution`](StudioClient::start_execution) starts a flow for a contact; a contact
  that already has an active Execution of the flow gets [`StudioError::ExecutionActive`]
  (HTTP 409), not a generic error. [`execution`](StudioClient::execution),
  [`execution_context`](StudioClient::execution_context) and
  [`end_execution`](StudioClient::end_execution) fetch and end them. Timeouts on every
  request; bounded retries of reads only."
)]
#![cfg_attr(
    not(feature = "studio"),
    doc = "- `StudioClient` (feature `studio`, not enabled in this build): Studio's REST API v2
  over reqwest with rustls: start, fetch and end Executions, fetch their context."
)]
//! - [`Execution`], [`ExecutionContext`] and [`Trigger`] (always available): the resources,
//!   parsed leniently, with typed access to what started the Execution.
//! - [`correlate`] and [`needs_context`] (always available, no HTTP): the conversation (`CH…`)
//!   or call (`CA…`) of an Execution, from its `execution.started` event's `started_by` and, when
//!   that is not decisive, its context.
//!
//! How the SIDs relate: every run of a flow is a new Execution (`FN…`). A messaging run belongs
//! to a Conversation (`CH…`), a voice run to a Call (`CA…`). Usually one Execution per
//! conversation, but a WhatsApp conversation can outlive several Executions. No Event Streams
//! event carries both SIDs, hence [`correlate`].
//!
//! # Starting a flow, and correlating its Execution
//!
//! ```no_run
//! # #[cfg(feature = "studio")]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use twilio_webhooks::studio::{correlate, needs_context, Credentials, StudioClient, StudioError};
//!
//! let credentials = Credentials::api_key(
//!     "AC0123456789abcdef0123456789abcdef".parse()?,
//!     "SK0123456789abcdef0123456789abcdef".parse()?,
//!     std::env::var("TWILIO_API_KEY_SECRET")?,
//! );
//! let studio = StudioClient::builder(credentials)
//!     .timeout(Duration::from_secs(3))
//!     .build()?;
//! let flow = "FW0123456789abcdef0123456789abcdef".parse()?;
//!
//! #[derive(serde::Serialize)]
//! struct Reminder<'a> { name: &'a str, time: &'a str }
//!
//! let reminder = Reminder { name: "Zeke", time: "9:30" }; // {{flow.data.name}}, {{flow.data.time}}
//! let execution = match studio.start_execution(flow, "+15551230000", "+15559870000", &reminder).await {
//!     Ok(execution) => execution,
//!     Err(StudioError::ExecutionActive { error, .. }) => {
//!         println!("the contact is still in the flow: {}", error.message);
//!         return Ok(());
//!     }
//!     Err(other) => return Err(other.into()),
//! };
//!
//! // Later, from the execution.started event's `started_by`:
//! let started_by: Option<&str> = None;
//! let context = if needs_context(started_by) {
//!     Some(studio.execution_context(flow, execution.sid).await?)
//! } else {
//!     None
//! };
//! match correlate(started_by, context.as_ref()) {
//!     Some(belongs_to) => println!("{} belongs to {belongs_to}", execution.sid),
//!     None => println!("{} has no conversation or call", execution.sid),
//! }
//! # Ok(())
//! # }
//! ```

mod correlation;
mod model;

#[cfg(feature = "studio")]
mod client;
#[cfg(feature = "studio")]
mod error;

pub use correlation::{correlate, needs_context, Correlation};
pub use model::{
    Execution, ExecutionContext, ExecutionLinks, ExecutionStatus, Trigger, TriggerFields,
};

#[cfg(feature = "studio")]
#[cfg_attr(docsrs, doc(cfg(feature = "studio")))]
pub use client::{
    Credentials, StudioClient, StudioClientBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_ATTEMPTS,
    DEFAULT_TIMEOUT,
};
#[cfg(feature = "studio")]
#[cfg_attr(docsrs, doc(cfg(feature = "studio")))]
pub use error::{ApiError, StudioError};
