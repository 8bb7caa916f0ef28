use http::StatusCode;
use twilio_webhooks::conversations::{
    OnConversationRemove, OnMessageRemove, OnParticipantAdd, OnParticipantRemove,
    OnParticipantUpdate, OnUserUpdate,
};
use twilio_webhooks::{Decision, DecisionFor, Rejection};

fn main() {
    let accept: DecisionFor<OnParticipantAdd> = Decision::accept();
    assert_eq!(
        (accept.status(), accept.body().as_ref()),
        (StatusCode::OK, b"{}".as_slice())
    );

    let reject: DecisionFor<OnParticipantRemove> = Decision::reject();
    assert_eq!(reject.status(), StatusCode::FORBIDDEN);

    let because: DecisionFor<OnParticipantUpdate> = Decision::reject_because("not allowed");
    assert_eq!(because.body().as_ref(), b"not allowed");

    let custom: DecisionFor<OnUserUpdate> = Rejection::with_status(StatusCode::SERVICE_UNAVAILABLE)
        .unwrap()
        .into();
    assert_eq!(custom.status(), 503);

    let _: DecisionFor<OnConversationRemove> = Decision::accept();
    let _: DecisionFor<OnMessageRemove> = Decision::reject();
}
