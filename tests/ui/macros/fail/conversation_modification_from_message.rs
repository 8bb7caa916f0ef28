use twilio_webhooks::conversations::{OnMessageAdd, OnMessageUpdate};
use twilio_webhooks::{pre_action, ConversationModification, Decision};

#[pre_action]
async fn rename(message: OnMessageAdd) -> Decision<ConversationModification> {
    Decision::rename(message.body)
}

#[pre_action]
async fn rename_or_fail(
    message: OnMessageUpdate,
) -> Result<Decision<ConversationModification>, std::io::Error> {
    Ok(Decision::rename(message.body))
}

fn main() {}
