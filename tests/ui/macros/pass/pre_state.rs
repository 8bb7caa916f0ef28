// A pre-action handler taking the router's state.
#![deny(warnings)]

use std::sync::Arc;

use twilio_webhooks::conversations::OnMessageAdd;
use twilio_webhooks::handler::State;
use twilio_webhooks::{pre_action, Decision, DecisionFor};

#[derive(Clone)]
struct AppState {
    blocked: Arc<Vec<String>>,
}

#[pre_action]
async fn block(message: OnMessageAdd, State(app): State<AppState>) -> DecisionFor<OnMessageAdd> {
    if app.blocked.contains(&message.author) {
        Decision::reject_because("blocked author")
    } else {
        Decision::accept()
    }
}

fn main() {
    let _ = block;
}
