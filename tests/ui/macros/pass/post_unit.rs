// Post-action handlers returning `()`, for one event or for all of them.
#![deny(warnings)]

use twilio_webhooks::conversations::{OnMessageAdded, OnUserAdded};
use twilio_webhooks::handler::{Delivery, State};
use twilio_webhooks::{post_action, PostActionEvent};

#[post_action]
async fn log(message: OnMessageAdded) {
    let _ = message.body;
}

#[post_action]
async fn explicit(user: OnUserAdded, delivery: Delivery) -> () {
    let _ = (user, delivery);
}

#[post_action]
async fn everything(
    event: PostActionEvent,
    State(count): State<std::sync::Arc<std::sync::atomic::AtomicU64>>,
) {
    let _ = event.event_type();
    count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

fn main() {
    let _ = (log, explicit, everything);
}
