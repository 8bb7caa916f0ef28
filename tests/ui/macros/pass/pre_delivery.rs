// A pre-action handler taking the delivery's metadata, alone or with the state, in either order.
#![deny(warnings)]

use twilio_webhooks::conversations::{OnMessageAdd, OnParticipantRemove};
use twilio_webhooks::handler::{Delivery, State};
use twilio_webhooks::{pre_action, Decision, DecisionFor};

#[pre_action]
async fn first_try_only(message: OnMessageAdd, delivery: Delivery) -> DecisionFor<OnMessageAdd> {
    let _ = message;
    match delivery.retry_count {
        Some(_) => Decision::reject(),
        None => Decision::accept(),
    }
}

#[pre_action]
async fn both(
    participant: OnParticipantRemove,
    delivery: Delivery,
    State(limit): State<u32>,
) -> DecisionFor<OnParticipantRemove> {
    let _ = participant;
    if delivery.retry_count.unwrap_or(0) > limit {
        Decision::reject()
    } else {
        Decision::accept()
    }
}

#[pre_action]
async fn swapped(
    participant: OnParticipantRemove,
    State(limit): State<u32>,
    delivery: Delivery,
) -> DecisionFor<OnParticipantRemove> {
    let _ = (participant, limit, delivery);
    Decision::accept()
}

fn main() {
    let _ = (first_try_only, both, swapped);
}
