use twilio_webhooks::{post_action, pre_action, Decision, PreActionEvent};

#[pre_action]
async fn moderate(body: String) -> Decision {
    let _ = body;
    Decision::accept()
}

#[post_action]
async fn archive(params: twilio_webhooks::Params) {
    let _ = params;
}

// The enum of pre-action events: each has its own decision type, so a handler takes one.
#[pre_action]
async fn any_pre(event: PreActionEvent) -> Decision {
    let _ = event;
    Decision::accept()
}

#[post_action]
async fn by_reference(message: &twilio_webhooks::conversations::OnMessageAdded) {
    let _ = message;
}

fn main() {}
