use twilio_webhooks::conversations::OnMessageAdded;
use twilio_webhooks::handler::Delivery;
use twilio_webhooks::streams::MessageAdded;
use twilio_webhooks::{stream_event, Decision};

// A form-encoded webhook event is not an Event Streams event.
#[stream_event]
async fn webhook_event(message: OnMessageAdded) {
    let _ = message;
}

// `Delivery` belongs to webhooks; Event Streams handlers take `EventContext`.
#[stream_event]
async fn delivery(message: MessageAdded, delivery: Delivery) {
    let _ = (message, delivery);
}

// The axum extractor is not the router's.
#[stream_event]
async fn axum_state(message: MessageAdded, state: axum::extract::State<u8>) {
    let _ = (message, state);
}

// Event Streams deliveries are only acknowledged.
#[stream_event]
async fn decides(message: MessageAdded) -> Decision {
    let _ = message;
    Decision::accept()
}

fn main() {}
