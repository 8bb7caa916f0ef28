// Event Streams handlers: one type, the catch-alls, with State and EventContext in either
// order, returning `()` or a `Result`; registered with the builder.
#![deny(warnings)]

use twilio_webhooks::handler::State;
use twilio_webhooks::streams::{
    BatchItem, CloudEvent, Event, EventContext, ExecutionStarted, MessageAdded as Added,
};
use twilio_webhooks::{stream_event, Webhooks};

#[derive(Clone)]
struct App;

#[stream_event]
async fn message(message: Added) {
    let _ = message.message_body;
}

#[stream_event]
async fn started(
    execution: ExecutionStarted,
    State(_app): State<App>,
    context: EventContext,
) -> Result<(), std::io::Error> {
    let _ = (execution.execution_sid, context.id());
    Ok(())
}

#[stream_event]
async fn valid(event: Event, context: EventContext, State(_app): State<App>) {
    let _ = (event.event_type(), context);
}

#[stream_event]
async fn envelope(event: CloudEvent<Event>) {
    let _ = event.id;
}

#[stream_event]
async fn everything(item: BatchItem) -> Result<(), String> {
    item.map(drop).map_err(|invalid| invalid.error.to_string())
}

fn main() {
    let _ = Webhooks::<App>::new()
        .stream_event(message)
        .stream_event(started)
        .stream_event(valid)
        .stream_event(everything);
    let _ = Webhooks::<App>::new().stream_event(envelope);
}
