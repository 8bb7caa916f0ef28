// A pre-action handler may fail: `Result<Decision<..>, E>` for any `E: Display`.
#![deny(warnings)]

use std::fmt;

use twilio_webhooks::conversations::{OnMessageAdd, OnMessageUpdate, OnUserUpdate};
use twilio_webhooks::{pre_action, Decision, DecisionFor, MessageModification};

#[derive(Debug)]
struct Unavailable;

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("moderation service unavailable")
    }
}

#[pre_action]
async fn moderate(message: OnMessageAdd) -> Result<Decision<MessageModification>, Unavailable> {
    if message.body.is_empty() {
        Err(Unavailable)
    } else {
        Ok(Decision::accept())
    }
}

#[pre_action]
async fn boxed(
    message: OnMessageUpdate,
) -> std::result::Result<DecisionFor<OnMessageUpdate>, Box<dyn std::error::Error + Send + Sync>> {
    let _: u32 = message.body.parse()?;
    Ok(Decision::reject())
}

// Aliases are not read by the macro; the compiler checks them.
type Answer<T> = Result<T, std::io::Error>;

#[pre_action]
async fn aliased(user: OnUserUpdate) -> Answer<DecisionFor<OnUserUpdate>> {
    let _ = user;
    Ok(Decision::accept())
}

fn main() {
    let _ = (moderate, boxed, aliased);
}
