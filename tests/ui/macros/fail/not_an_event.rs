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

#[post_action]
async fn by_reference(message: &twilio_webhooks::conversations::OnMessageAdded) {
    let _ = message;
}

fn main() {}
