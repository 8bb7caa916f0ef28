// Mistakes the macro cannot see in the syntax are still caught where the handler is defined.
use std::rc::Rc;

use twilio_webhooks::conversations::{OnMessageAdd, OnMessageAdded};
use twilio_webhooks::handler::State;
use twilio_webhooks::{post_action, pre_action, ConversationModification, Decision};

type Answer = Decision<ConversationModification>;

#[pre_action]
async fn aliased(message: OnMessageAdd) -> Answer {
    Decision::rename(message.body)
}

async fn later() {}

#[post_action]
async fn not_send(message: OnMessageAdded) {
    let shared = Rc::new(message);
    later().await;
    let _ = shared;
}

struct NotClone;

#[post_action]
async fn state_not_clone(message: OnMessageAdded, state: State<NotClone>) {
    let _ = (message, state);
}

// A return type the macro cannot write out is checked through the function.
#[pre_action]
async fn opaque(message: OnMessageAdd) -> impl Sized {
    message
}

fn main() {}
