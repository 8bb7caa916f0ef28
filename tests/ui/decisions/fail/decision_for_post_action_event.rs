// Post-action events are only acknowledged: they have no decision type.
use twilio_webhooks::conversations::OnMessageAdded;
use twilio_webhooks::{Decision, DecisionFor};

fn main() {
    let _decision: DecisionFor<OnMessageAdded> = Decision::accept();
}
