// `Decision<M>` with the event's modification type, written with any path.
#![deny(warnings)]

use twilio_webhooks::conversations::{OnConversationAdd, OnMessageUpdate};
use twilio_webhooks::{pre_action, ConversationModification, Decision, MessageModification};

#[pre_action]
async fn tag(message: OnMessageUpdate) -> Decision<MessageModification> {
    let _ = message;
    Decision::modify(MessageModification::new().attributes(serde_json::json!({"edited": true})))
}

#[pre_action]
async fn name(conversation: OnConversationAdd) -> Decision<ConversationModification> {
    let _ = conversation;
    Decision::modify(ConversationModification::new().friendly_name("Support"))
}

#[pre_action]
async fn qualified(
    message: twilio_webhooks::conversations::OnMessageAdd,
) -> twilio_webhooks::Decision<twilio_webhooks::MessageModification> {
    let _ = message;
    twilio_webhooks::Decision::accept()
}

fn main() {
    let _ = (tag, name, qualified);
}
