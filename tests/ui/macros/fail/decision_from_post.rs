use twilio_webhooks::conversations::{OnMessageAdd, OnMessageAdded, OnUserAdded};
use twilio_webhooks::{post_action, Decision, DecisionFor};

#[post_action]
async fn archive(message: OnMessageAdded) -> DecisionFor<OnMessageAdd> {
    let _ = message;
    Decision::accept()
}

#[post_action]
async fn welcome(user: OnUserAdded) -> Result<Decision, std::io::Error> {
    let _ = user;
    Ok(Decision::accept())
}

fn main() {}
