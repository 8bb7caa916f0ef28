// A message has no friendly name to change.
use twilio_webhooks::MessageModification;

fn main() {
    let _change = MessageModification::new().friendly_name("x");
}
