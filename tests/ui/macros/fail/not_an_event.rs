use twilio_webhooks::{post_action, pre_action, Decision};

#[pre_action]
async fn moderate(body: String) -> Decision {
    let _ = body;
    Decision::accept()
}

#[post_action]
async fn archive(params: twilio_webhooks::Params) {
    let _ = params;
}

fn main() {}
