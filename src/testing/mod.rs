//! Helpers for testing webhook handlers: realistic sample events and signed requests.

mod samples;
pub use samples::*;

mod signing;
pub use signing::*;
