use twilio_webhooks::conversations::{OnMessageAdd, OnMessageAdded, OnUserAdded};
use twilio_webhooks::{post_action, pre_action, Decision};

#[pre_action]
async fn moderate(message: OnMessageAdded) -> Decision {
    let _ = message;
    Decision::accept()
}

#[post_action]
async fn archive(message: OnMessageAdd) {
    let _ = message;
}

#[pre_action]
async fn welcome(user: OnUserAdded) -> Decision {
    let _ = user;
    Decision::accept()
}

fn main() {}
