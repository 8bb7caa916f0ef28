// A pre-action handler returning the decision typed for its event.
#![deny(warnings)]

use twilio_webhooks::conversations::{OnConversationUpdate, OnMessageAdd};
use twilio_webhooks::{pre_action, Decision, DecisionFor};

#[pre_action]
async fn mask(message: OnMessageAdd) -> DecisionFor<OnMessageAdd> {
    if message.body.contains("heck") {
        Decision::modify_body(message.body.replace("heck", "****"))
    } else {
        Decision::accept()
    }
}

#[pre_action]
async fn rename(conversation: OnConversationUpdate) -> DecisionFor<OnConversationUpdate> {
    match conversation.friendly_name {
        Some(name) if name.is_empty() => Decision::rename("Untitled"),
        _ => Decision::accept(),
    }
}

fn main() {
    let _ = (mask, rename);
}
