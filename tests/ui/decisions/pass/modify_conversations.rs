use twilio_webhooks::conversations::{OnConversationAdd, OnConversationUpdate};
use twilio_webhooks::{ConversationModification, Decision, DecisionFor};

fn main() {
    let add: DecisionFor<OnConversationAdd> =
        Decision::modify(ConversationModification::new().friendly_name("x"));
    assert_eq!(add.body().as_ref(), br#"{"friendly_name":"x"}"#);

    let update: DecisionFor<OnConversationUpdate> = Decision::rename("y");
    assert_eq!(update.body().as_ref(), br#"{"friendly_name":"y"}"#);
}
