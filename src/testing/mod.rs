//! Helpers for testing webhook handlers: realistic sample events and signed requests, for
//! Conversations webhooks and for Event Streams deliveries.

mod samples;
pub use samples::*;

mod signing;
pub use signing::*;

mod streams;
pub use streams::*;
