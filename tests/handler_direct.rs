//! An annotated handler is an ordinary async function: a unit test calls it directly, as a user
//! would test their own handlers, with an event parsed from a literal form body.
#![cfg(feature = "macros")]

use std::sync::{Arc, Mutex};

use twilio_webhooks::conversations::{OnMessageAdd, OnMessageAdded, OnParticipantAdd};
use twilio_webhooks::handler::{Delivery, State};
use twilio_webhooks::{
    post_action, pre_action, ConversationsEvent, Decision, DecisionFor, MessageModification, Params,
};

#[derive(Clone)]
struct Moderation {
    words: Arc<Vec<&'static str>>,
    blocked: Arc<Vec<&'static str>>,
}

#[pre_action]
async fn moderate(
    message: OnMessageAdd,
    State(moderation): State<Moderation>,
) -> DecisionFor<OnMessageAdd> {
    if moderation.blocked.contains(&message.author.as_str()) {
        return Decision::reject_because("blocked author");
    }
    let mut body = message.body.clone();
    for word in moderation.words.iter() {
        body = body.replace(word, &"*".repeat(word.len()));
    }
    if body == message.body {
        Decision::accept()
    } else {
        Decision::modify(MessageModification::new().body(body))
    }
}

#[pre_action]
async fn admit(participant: OnParticipantAdd, delivery: Delivery) -> Result<Decision, String> {
    match (participant.identity.as_deref(), delivery.retry_count) {
        (_, Some(retries)) if retries > 2 => Err(format!("gave up after {retries} retries")),
        (Some(identity), _) if identity.starts_with("guest-") => Ok(Decision::reject()),
        _ => Ok(Decision::accept()),
    }
}

#[post_action]
async fn archive(message: OnMessageAdded, State(log): State<Arc<Mutex<Vec<String>>>>) {
    log.lock().unwrap().push(message.body);
}

const ACCOUNT: &str = "AccountSid=AC0123456789abcdef0123456789abcdef";
const CONVERSATION: &str = "ConversationSid=CH0123456789abcdef0123456789abcdef";

fn message_add(author: &str, body: &str) -> OnMessageAdd {
    let form = format!(
        "EventType=onMessageAdd&{ACCOUNT}&Source=SDK&ClientIdentity={author}&{CONVERSATION}\
         &Body={body}&Author={author}&Attributes=%7B%7D"
    );
    OnMessageAdd::from_form(form.as_bytes()).expect("a valid onMessageAdd")
}

fn moderation() -> State<Moderation> {
    State(Moderation {
        words: Arc::new(vec!["heck", "darn"]),
        blocked: Arc::new(vec!["mallory"]),
    })
}

#[tokio::test]
async fn masks_listed_words() {
    let decision = moderate(message_add("alice", "what+the+heck"), moderation()).await;
    assert_eq!(
        decision,
        Decision::Modify(MessageModification::new().body("what the ****"))
    );
    assert_eq!(decision.status(), 200);
    assert_eq!(decision.body().as_ref(), br#"{"body":"what the ****"}"#);
}

#[tokio::test]
async fn accepts_clean_messages() {
    let decision = moderate(message_add("alice", "hello"), moderation()).await;
    assert_eq!(decision, Decision::Accept);
    assert_eq!(decision.body().as_ref(), b"{}");
}

#[tokio::test]
async fn rejects_blocked_authors() {
    let decision = moderate(message_add("mallory", "hello"), moderation()).await;
    assert_eq!(decision.kind(), "reject");
    assert_eq!(decision.status(), 403);
    assert_eq!(decision.body().as_ref(), b"blocked author");
}

#[tokio::test]
async fn delivery_metadata_reaches_the_handler() {
    let form = format!(
        "EventType=onParticipantAdd&{ACCOUNT}&Source=API&{CONVERSATION}\
         &Identity=guest-7&Attributes=%7B%7D&RetryCount=1"
    );
    let params = Params::parse(form.as_bytes()).unwrap();
    let participant = OnParticipantAdd::from_params(&params).unwrap();
    let delivery = Delivery::new(params.clone());
    assert_eq!(admit(participant, delivery).await, Ok(Decision::reject()));

    let retried = Params::parse(form.replace("RetryCount=1", "RetryCount=3").as_bytes()).unwrap();
    let participant = OnParticipantAdd::from_params(&retried).unwrap();
    let error = admit(participant, Delivery::new(retried))
        .await
        .unwrap_err();
    assert_eq!(error, "gave up after 3 retries");
}

#[tokio::test]
async fn post_action_handlers_run_too() {
    let form = format!(
        "EventType=onMessageAdded&{ACCOUNT}&Source=SDK&{CONVERSATION}\
         &MessageSid=IM0123456789abcdef0123456789abcdef\
         &MessagingServiceSid=MG0123456789abcdef0123456789abcdef&Index=0\
         &DateCreated=2026-11-20T10%3A00%3A00Z&Body=hi&Author=alice&Attributes=%7B%7D"
    );
    let message = OnMessageAdded::from_form(form.as_bytes()).unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    archive(message, State(log.clone())).await;
    assert_eq!(*log.lock().unwrap(), ["hi"]);
}
