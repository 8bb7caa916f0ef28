use twilio_webhooks::conversations::OnConversationUpdate;
use twilio_webhooks::{pre_action, Decision, MessageModification};

#[pre_action]
async fn mask(conversation: OnConversationUpdate) -> Decision<MessageModification> {
    let _ = conversation;
    Decision::modify_body("****")
}

fn main() {}
