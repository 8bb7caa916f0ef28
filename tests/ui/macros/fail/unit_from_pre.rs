use twilio_webhooks::conversations::{OnMessageAdd, OnParticipantAdd};
use twilio_webhooks::pre_action;

#[pre_action]
async fn moderate(message: OnMessageAdd) {
    let _ = message;
}

#[pre_action]
async fn admit(participant: OnParticipantAdd) -> Result<(), std::io::Error> {
    let _ = participant;
    Ok(())
}

fn main() {}
