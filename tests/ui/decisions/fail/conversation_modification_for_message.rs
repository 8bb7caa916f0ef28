// A message event takes a MessageModification, not a ConversationModification.
use twilio_webhooks::conversations::OnMessageAdd;
use twilio_webhooks::{ConversationModification, Decision, DecisionFor};

fn main() {
    let _decision: DecisionFor<OnMessageAdd> =
        Decision::modify(ConversationModification::new().friendly_name("x"));
}
