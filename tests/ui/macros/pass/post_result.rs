// Post-action handlers that may fail: `Result<(), E>`.
#![deny(warnings)]

use std::io::Write;

use twilio_webhooks::conversations::{OnConversationStateUpdated, OnDeliveryUpdated};
use twilio_webhooks::post_action;

#[post_action]
async fn archive(update: OnDeliveryUpdated) -> Result<(), std::io::Error> {
    writeln!(std::io::sink(), "{:?}", update.status)
}

#[post_action]
async fn state(update: OnConversationStateUpdated) -> std::io::Result<()> {
    let _ = update;
    Ok(())
}

#[post_action]
async fn stringly(update: OnDeliveryUpdated) -> Result<(), String> {
    let _ = update;
    Err("not yet".to_owned())
}

fn main() {
    let _ = (archive, state, stringly);
}
