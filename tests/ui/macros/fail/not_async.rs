use twilio_webhooks::conversations::OnMessageAdd;
use twilio_webhooks::{pre_action, Decision, DecisionFor};

#[pre_action]
fn moderate(message: OnMessageAdd) -> DecisionFor<OnMessageAdd> {
    let _ = message;
    Decision::accept()
}

fn main() {}
