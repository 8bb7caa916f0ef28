use twilio_webhooks::conversations::*;
use twilio_webhooks::{pre_action, DecisionFor};

// Twilio's spelling of the EventType, not the struct's.
#[pre_action]
async fn moderate(message: onMessageAdd) -> DecisionFor<OnMessageAdd> {
    let _ = message;
    twilio_webhooks::Decision::accept()
}

fn main() {}
