use twilio_webhooks::conversations::{OnMessageAdd, OnParticipantAdd};
use twilio_webhooks::{pre_action, Decision, DecisionFor, MessageModification};

#[pre_action]
async fn admit(participant: OnParticipantAdd) -> Decision<MessageModification> {
    let _ = participant;
    Decision::accept()
}

// The other way round: a bare `Decision` is `Decision<Unmodifiable>`.
#[pre_action]
async fn moderate(message: OnMessageAdd) -> Decision {
    let _ = message;
    Decision::accept()
}

// `DecisionFor` of an event with another modification type.
#[pre_action]
async fn moderate_again(message: OnMessageAdd) -> DecisionFor<OnParticipantAdd> {
    let _ = message;
    Decision::accept()
}

fn main() {}
