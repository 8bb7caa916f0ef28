use twilio_webhooks::conversations::{OnMessageAdd, OnMessageAdded, OnUserAdded};
use twilio_webhooks::{post_action, pre_action, Decision, PostActionEvent};

// An alias does not hide what the event is.
type Added = OnMessageAdded;

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

#[pre_action]
async fn aliased(message: Added) -> Decision {
    let _ = message;
    Decision::accept()
}

#[pre_action]
async fn everything(event: PostActionEvent) -> Decision {
    let _ = event;
    Decision::accept()
}

fn main() {}
