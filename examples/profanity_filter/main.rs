//! A pre-action webhook server that masks profanity in messages and conversation names.
//!
//! ```sh
//! TWILIO_AUTH_TOKEN=your_auth_token cargo run --example profanity_filter
//! # in another terminal:
//! TWILIO_AUTH_TOKEN=your_auth_token cargo run --example send_event -- onMessageAdd Body="what the heck"
//! ```
//!
//! Environment: `TWILIO_AUTH_TOKEN` (required; several separated by commas), `PUBLIC_URL`,
//! `PORT` (default 3000), `PROFANITY_WORDS`, `BLOCKED_AUTHORS`.

use std::process::ExitCode;

#[path = "../common/mod.rs"]
mod common;
mod filter;

#[tokio::main]
async fn main() -> ExitCode {
    common::init_tracing();
    let (router, filters) = match common::router_from_env(filter::webhooks()) {
        Ok(built) => built,
        Err(code) => return code,
    };
    let app = router.with_state(filter::Filter::from_env());
    common::serve("profanity_filter", app, &filters).await
}
