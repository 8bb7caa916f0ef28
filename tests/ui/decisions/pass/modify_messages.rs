use twilio_webhooks::conversations::{OnMessageAdd, OnMessageUpdate};
use twilio_webhooks::{Decision, DecisionFor, MessageModification};

fn main() {
    let add: DecisionFor<OnMessageAdd> = Decision::modify(
        MessageModification::new()
            .body("x")
            .author("moderator")
            .attributes(serde_json::json!({"moderated": true})),
    );
    assert_eq!(add.status(), 200);
    assert_eq!(
        add.body().as_ref(),
        br#"{"body":"x","author":"moderator","attributes":"{\"moderated\":true}"}"#
    );

    let update: DecisionFor<OnMessageUpdate> = Decision::modify_body("y");
    assert_eq!(update.body().as_ref(), br#"{"body":"y"}"#);
}
