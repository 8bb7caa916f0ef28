// Handlers registered without `#[pre_action]` / `#[post_action]`: the builder's bounds say what a
// handler may take and return.
use twilio_webhooks::conversations::{OnMessageAdd, OnMessageAdded};
use twilio_webhooks::{Decision, Webhooks};

async fn not_an_event(body: String) -> Decision {
    let _ = body;
    Decision::accept()
}

async fn wrong_decision(message: OnMessageAdd) -> Decision {
    let _ = message;
    Decision::accept()
}

async fn decides_after(message: OnMessageAdded) -> Decision {
    let _ = message;
    Decision::accept()
}

async fn axum_state(message: OnMessageAdded, state: axum::extract::State<u8>) {
    let _ = (message, state);
}

fn main() {
    let _ = Webhooks::<()>::new().pre_action(not_an_event);
    let _ = Webhooks::<()>::new().pre_action(wrong_decision);
    let _ = Webhooks::<()>::new().post_action(decides_after);
    let _ = Webhooks::<u8>::new().post_action(axum_state);
}
