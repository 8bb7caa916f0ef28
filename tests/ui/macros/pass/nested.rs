// Handlers in nested modules and inside function bodies, with local types.
#![deny(warnings)]

mod hooks {
    pub mod messages {
        use twilio_webhooks::conversations::OnMessageAdd;
        use twilio_webhooks::{pre_action, Decision, DecisionFor};

        #[pre_action]
        pub async fn accept(message: OnMessageAdd) -> DecisionFor<OnMessageAdd> {
            let _ = message;
            Decision::accept()
        }
    }

    use twilio_webhooks::conversations::OnMessageAdded;

    #[twilio_webhooks::post_action]
    pub(crate) async fn private(message: OnMessageAdded) {
        let _ = message;
    }
}

fn main() {
    use twilio_webhooks::conversations::OnUserUpdated;
    use twilio_webhooks::handler::State;

    #[derive(Clone)]
    struct Local(u8);

    #[twilio_webhooks::post_action]
    async fn inner(user: OnUserUpdated, State(local): State<Local>) {
        let _ = (user, local.0);
    }

    let _ = (hooks::messages::accept, hooks::private, inner);
}
