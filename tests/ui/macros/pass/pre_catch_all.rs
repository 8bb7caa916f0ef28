// A pre-action catch-all: every pre-action event without a handler of its own, answered with a
// plain `Decision` (accept or reject), next to a handler of one event.
#![deny(warnings)]

use twilio_webhooks::conversations::OnMessageAdd;
use twilio_webhooks::handler::Delivery;
use twilio_webhooks::{pre_action, Decision, DecisionFor, PreActionEvent, Webhooks};

#[pre_action]
async fn moderate(message: OnMessageAdd) -> DecisionFor<OnMessageAdd> {
    Decision::modify_body(message.body.replace("heck", "****"))
}

#[pre_action]
async fn everything_else(event: PreActionEvent, delivery: Delivery) -> Decision {
    match (event.conversation_sid(), delivery.retry_count) {
        (Some(_), _) => Decision::accept(),
        (None, _) => Decision::reject_because("no conversation"),
    }
}

fn main() {
    let _ = Webhooks::<()>::new()
        .pre_action(moderate)
        .pre_action(everything_else);
}
