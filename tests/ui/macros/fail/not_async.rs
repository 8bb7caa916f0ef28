use twilio_webhooks::conversations::OnMessageAdd;
use twilio_webhooks::{post_action, pre_action, Decision, DecisionFor};

#[pre_action]
fn moderate(message: OnMessageAdd) -> DecisionFor<OnMessageAdd> {
    let _ = message;
    Decision::accept()
}

// The syntax and the types are both checked in one compile.
#[post_action]
fn archive(message: OnMessageAdd) {
    let _ = message;
}

fn main() {}
