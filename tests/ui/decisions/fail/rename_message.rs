// Renaming is for conversations only.
use twilio_webhooks::conversations::OnMessageUpdate;
use twilio_webhooks::{Decision, DecisionFor};

fn main() {
    let _decision: DecisionFor<OnMessageUpdate> = Decision::rename("x");
}
