use twilio_webhooks::{pre_action, Decision};

#[pre_action]
async fn moderate() -> Decision {
    Decision::accept()
}

fn main() {}
