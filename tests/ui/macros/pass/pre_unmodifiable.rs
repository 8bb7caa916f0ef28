// Events that can only be accepted or rejected: `DecisionFor<E>`, `Decision`, `Decision<Unmodifiable>`.
#![deny(warnings)]

use twilio_webhooks::conversations::{OnConversationRemove, OnMessageRemove, OnParticipantAdd};
use twilio_webhooks::{pre_action, Decision, DecisionFor, Unmodifiable};

#[pre_action]
async fn admit(participant: OnParticipantAdd) -> DecisionFor<OnParticipantAdd> {
    match participant.identity {
        Some(identity) if identity.starts_with("guest-") => Decision::reject(),
        _ => Decision::accept(),
    }
}

#[pre_action]
async fn keep_messages(message: OnMessageRemove) -> Decision {
    let _ = message;
    Decision::reject_because("messages are kept")
}

#[pre_action]
async fn keep_conversations(conversation: OnConversationRemove) -> Decision<Unmodifiable> {
    let _ = conversation;
    Decision::reject()
}

fn main() {
    let _ = (admit, keep_messages, keep_conversations);
}
