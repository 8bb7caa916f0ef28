// `crate = "path"` for a renamed dependency.
#![deny(warnings)]

extern crate twilio_webhooks as tw;

mod inner {
    #[tw::pre_action(crate = "tw")]
    pub async fn moderate(
        message: tw::conversations::OnMessageAdd,
    ) -> tw::DecisionFor<tw::conversations::OnMessageAdd> {
        let _ = message;
        tw::Decision::accept()
    }

    #[tw::post_action(crate = "::tw")]
    pub async fn archive(message: tw::conversations::OnMessageAdded) {
        let _ = message;
    }
}

fn main() {
    let _ = (inner::moderate, inner::archive);
}
