// Twilio defines what may be modified: the Modification trait is sealed.
use twilio_webhooks::Modification;

#[derive(Debug, Clone, serde::Serialize)]
struct Anything;

impl Modification for Anything {
    fn is_empty(&self) -> bool {
        true
    }
}

fn main() {}
