// Events, extractors and return types named through renamed imports, type aliases and module
// paths: the macros go by the types, not by their names.
#![deny(warnings)]

use twilio_webhooks::conversations::OnMessageAdd as Incoming;
use twilio_webhooks::conversations::{self, OnMessageAdd, OnParticipantAdd};
use twilio_webhooks::handler::IntoDecision;
use twilio_webhooks::{
    post_action, pre_action, Decision, DecisionFor, Delivery as Meta, MessageModification,
    PostActionEvent, State as Shared, Webhooks,
};

type Msg = OnMessageAdd;
type Everything = PostActionEvent;
type Answer = DecisionFor<Msg>;

#[pre_action]
async fn renamed(message: Incoming) -> DecisionFor<Incoming> {
    let _ = message;
    Decision::accept()
}

#[pre_action]
async fn aliased(message: Msg, Shared(limit): Shared<u8>) -> Answer {
    if message.body.len() > usize::from(limit) {
        Decision::modify_body("(too long)")
    } else {
        Decision::accept()
    }
}

#[pre_action]
async fn through_module(participant: conversations::OnParticipantAdd) -> DecisionFor<OnParticipantAdd> {
    let _ = participant;
    Decision::reject()
}

// A return type the macro cannot spell out is checked through the function.
#[pre_action]
async fn opaque(message: Msg) -> impl IntoDecision<MessageModification> {
    let _ = message;
    Decision::<MessageModification>::accept()
}

#[post_action]
async fn everything(event: Everything, meta: Meta, Shared(limit): Shared<u8>) {
    let _ = (event.event_type(), meta.retry_count, limit);
}

fn main() {
    let _ = Webhooks::<u8>::new()
        .pre_action(renamed)
        .pre_action(through_module)
        .post_action(everything);
    let _ = (aliased, opaque);
}
