use twilio_webhooks::conversations::{OnMessageAdd, OnMessageAdded};
use twilio_webhooks::handler::{Delivery, State};
use twilio_webhooks::{post_action, pre_action, Decision, DecisionFor};

#[pre_action]
async fn moderate(message: OnMessageAdd, headers: http::HeaderMap) -> DecisionFor<OnMessageAdd> {
    let _ = (message, headers);
    Decision::accept()
}

#[post_action]
async fn archive(message: OnMessageAdded, delivery: Delivery, state: State<()>, again: Delivery) {
    let _ = (message, delivery, state, again);
}

#[post_action]
async fn backwards(state: State<()>, message: OnMessageAdded) {
    let _ = (message, state);
}

#[post_action]
async fn axum_state(message: OnMessageAdded, state: axum::extract::State<u8>) {
    let _ = (message, state);
}

#[pre_action]
async fn two_events(message: OnMessageAdd, again: OnMessageAdd) -> DecisionFor<OnMessageAdd> {
    let _ = (message, again);
    Decision::accept()
}

fn main() {}
