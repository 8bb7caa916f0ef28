use twilio_webhooks::conversations::OnMessageAdded;
use twilio_webhooks::handler::State;
use twilio_webhooks::post_action;

#[post_action]
async fn generic<S: Clone + Send + Sync + 'static>(message: OnMessageAdded, state: State<S>) {
    let _ = (message, state);
}

#[post_action]
async unsafe fn dangerous(message: OnMessageAdded) {
    let _ = message;
}

struct Archive;

impl Archive {
    #[post_action]
    async fn archive(&self, message: OnMessageAdded) {
        let _ = message;
    }
}

impl Archive {
    // Associated functions are not supported either: write a free function.
    #[post_action]
    async fn associated(message: OnMessageAdded) {
        let _ = message;
    }
}

#[post_action]
struct NotAFunction;

#[post_action(krate = "tw")]
async fn bad_option(message: OnMessageAdded) {
    let _ = message;
}

fn main() {}
