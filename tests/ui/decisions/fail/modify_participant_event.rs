// A participant event can only be accepted or rejected.
use twilio_webhooks::conversations::OnParticipantAdd;
use twilio_webhooks::{Decision, DecisionFor, MessageModification};

fn main() {
    let _decision: DecisionFor<OnParticipantAdd> =
        Decision::modify(MessageModification::new().body("x"));
}
