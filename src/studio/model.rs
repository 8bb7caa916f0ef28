//! The Studio REST resources: [`Execution`] and [`ExecutionContext`], with typed access to the
//! trigger that started an Execution.
//!
//! Every type here parses leniently: fields Twilio may leave out are `Option`s, values Twilio may
//! add later are kept (`extra`, [`ExecutionStatus::Other`], [`Trigger::Other`]), so a newer
//! answer never fails to parse.

use serde::de::Deserializer;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::sid::{AccountSid, CallSid, ConversationSid, ExecutionSid, FlowSid, Sid};

use super::correlation::Correlation;

crate::conversations::twilio_enums! {
    /// Whether an Execution is still running (`status`).
    ///
    /// ```
    /// use twilio_webhooks::studio::ExecutionStatus;
    ///
    /// assert_eq!("active".parse::<ExecutionStatus>().unwrap(), ExecutionStatus::Active);
    /// assert_eq!("paused".parse::<ExecutionStatus>().unwrap().as_str(), "paused");
    /// ```
    ExecutionStatus {
        /// The contact is still in the flow (`active`).
        Active = "active",
        /// The Execution has finished or was ended (`ended`).
        Ended = "ended",
    }
}

impl<'de> Deserialize<'de> for ExecutionStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        let Ok(status) = text.parse();
        Ok(status)
    }
}

/// The URLs of an Execution's nested resources (`links`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExecutionLinks {
    /// The Execution's Steps (`steps`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<String>,
    /// The Execution's Context (`execution_context`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_context: Option<String>,
    /// Links this version of the library does not name, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One run of a Studio flow for one contact: the Execution resource of Studio's REST API v2.
///
/// ```
/// use twilio_webhooks::studio::{Execution, ExecutionStatus};
///
/// let execution: Execution = serde_json::from_str(r#"{
///     "sid": "FN0123456789abcdef0123456789abcdef",
///     "account_sid": "AC0123456789abcdef0123456789abcdef",
///     "flow_sid": "FW0123456789abcdef0123456789abcdef",
///     "contact_channel_address": "+15551230000",
///     "context": {"flow": {"data": {"name": "Zeke"}}},
///     "status": "active",
///     "date_created": "2026-11-20T10:00:00Z",
///     "date_updated": "2026-11-20T10:00:01Z",
///     "url": "https://studio.twilio.com/v2/Flows/FW0123456789abcdef0123456789abcdef/Executions/FN0123456789abcdef0123456789abcdef",
///     "links": {"steps": "https://studio.twilio.com/v2/Flows/FW0123456789abcdef0123456789abcdef/Executions/FN0123456789abcdef0123456789abcdef/Steps"},
///     "brand_new_field": 7
/// }"#)?;
/// assert_eq!(execution.status, ExecutionStatus::Active);
/// assert_eq!(execution.context["flow"]["data"]["name"], "Zeke");
/// assert_eq!(execution.extra["brand_new_field"], 7);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Execution {
    /// The Execution's SID (`sid`, `FN…`).
    pub sid: ExecutionSid,
    /// The account that owns it (`account_sid`).
    pub account_sid: AccountSid,
    /// The flow it runs (`flow_sid`).
    pub flow_sid: FlowSid,
    /// The contact's address: an E.164 number, a SIP address or `client:name`
    /// (`contact_channel_address`).
    #[serde(default)]
    pub contact_channel_address: Option<String>,
    /// The flow's state as saved so far (`context`); `null` when absent. Read it through
    /// [`execution_context`](Self::execution_context) for typed access.
    #[serde(default, deserialize_with = "lenient_context")]
    pub context: Value,
    /// Whether it is still running (`status`).
    pub status: ExecutionStatus,
    /// When it was created (`date_created`).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub date_created: Option<OffsetDateTime>,
    /// When it last changed (`date_updated`).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub date_updated: Option<OffsetDateTime>,
    /// The resource's own URL (`url`).
    #[serde(default)]
    pub url: Option<String>,
    /// The URLs of its Steps and Context (`links`).
    #[serde(default)]
    pub links: Option<ExecutionLinks>,
    /// The contact's SID (`contact_sid`, `FC…`), sent by some API versions; deprecated by Twilio
    /// in favour of `contact_channel_address`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_sid: Option<String>,
    /// The revision of the flow this Execution runs (`flow_version`), when sent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_u64"
    )]
    pub flow_version: Option<u64>,
    /// What started the Execution (`initiated_by`), when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiated_by: Option<String>,
    /// Fields this version of the library does not name, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Execution {
    /// The Execution's context with typed access to its trigger and flow data (a copy of
    /// [`context`](Self::context), with the Execution's SIDs).
    pub fn execution_context(&self) -> ExecutionContext {
        ExecutionContext {
            account_sid: Some(self.account_sid),
            flow_sid: Some(self.flow_sid),
            execution_sid: Some(self.sid),
            ..ExecutionContext::from_context(self.context.clone())
        }
    }
}

/// A context sent as an object, or as a string holding JSON (read as that JSON); `null` stays
/// `null`, and any other value is kept as sent.
fn lenient_context<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        None => Value::Null,
        Some(Value::String(text)) => match serde_json::from_str::<Value>(&text) {
            Ok(parsed @ (Value::Object(_) | Value::Array(_))) => parsed,
            _ => Value::String(text),
        },
        Some(value) => value,
    })
}

/// A number sent as a JSON number or as a string of digits; anything else reads as absent.
fn lenient_u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    Ok(match value {
        Some(Value::Number(number)) => number.as_u64(),
        Some(Value::String(text)) => text.trim().parse().ok(),
        _ => None,
    })
}

/// An Execution's saved state: the Execution Context resource
/// (`GET /v2/Flows/{FW}/Executions/{FN}/Context`), with typed access to what started it.
///
/// The trigger's variables follow the trigger type (Studio's Trigger widget):
///
/// | trigger | where | typed accessor |
/// | --- | --- | --- |
/// | Incoming Conversation | `context.trigger.conversation.*` (`ConversationSid`, `Body`, `Author`, …) | [`conversation_sid`](Self::conversation_sid) |
/// | Incoming Call | `context.trigger.call.*` (`CallSid`, `From`, `To`, …) | [`call_sid`](Self::call_sid) |
/// | Incoming Message | `context.trigger.message.*` (`Body`, `From`, `To`, `MessageSid`, …) | [`message`](Self::message) |
/// | REST API | the request's `Parameters` in `context.flow.data` | [`flow_data`](Self::flow_data) |
///
/// ```
/// use twilio_webhooks::studio::{Correlation, ExecutionContext, Trigger};
///
/// let context: ExecutionContext = serde_json::from_str(r#"{
///     "account_sid": "AC0123456789abcdef0123456789abcdef",
///     "flow_sid": "FW0123456789abcdef0123456789abcdef",
///     "execution_sid": "FN0123456789abcdef0123456789abcdef",
///     "context": {"trigger": {"conversation": {
///         "ConversationSid": "CH0123456789abcdef0123456789abcdef",
///         "Body": "hello", "Author": "+15551230000"}}}
/// }"#)?;
/// assert_eq!(context.conversation_sid().unwrap(), "CH0123456789abcdef0123456789abcdef");
/// let Some(Trigger::Conversation(fields)) = context.trigger() else { panic!("not a conversation") };
/// assert_eq!(fields.body(), Some("hello"));
/// assert!(matches!(context.correlation(), Some(Correlation::Conversation(_))));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExecutionContext {
    /// The account that owns the Execution (`account_sid`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_sid: Option<AccountSid>,
    /// The flow (`flow_sid`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_sid: Option<FlowSid>,
    /// The Execution (`execution_sid`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_sid: Option<ExecutionSid>,
    /// The flow's state, as sent (`context`; a string holding JSON is read as that JSON);
    /// `null` when absent.
    #[serde(default, deserialize_with = "lenient_context")]
    pub context: Value,
    /// The resource's own URL (`url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Fields this version of the library does not name, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ExecutionContext {
    /// Wraps a bare context object (an [`Execution`]'s `context`, or the `context` field of a
    /// stored Context resource) for typed access.
    ///
    /// ```
    /// use twilio_webhooks::studio::ExecutionContext;
    ///
    /// let context = ExecutionContext::from_context(serde_json::json!({
    ///     "trigger": {"call": {"CallSid": "CA0123456789abcdef0123456789abcdef"}}
    /// }));
    /// assert_eq!(context.call_sid().unwrap(), "CA0123456789abcdef0123456789abcdef");
    /// ```
    pub fn from_context(context: Value) -> Self {
        Self {
            context,
            ..Self::default()
        }
    }

    /// The value at a JSON pointer inside the context (`/flow/data/name`), as with
    /// [`Value::pointer`].
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        self.context.pointer(pointer)
    }

    /// The trigger that started the Execution (`context.trigger`): its `conversation`, `call`
    /// or `message` entry when it has one (in that order), otherwise its first entry that is an
    /// object, as [`Trigger::Other`].
    pub fn trigger(&self) -> Option<Trigger<'_>> {
        let trigger = self.context.get("trigger")?.as_object()?;
        // The known kinds first, so that an extra entry can't hide them.
        for (name, kind) in [
            ("conversation", Trigger::Conversation as fn(_) -> _),
            ("call", Trigger::Call),
            ("message", Trigger::Message),
        ] {
            if let Some(fields) = trigger.get(name).and_then(Value::as_object) {
                return Some(kind(TriggerFields(fields)));
            }
        }
        trigger.iter().find_map(|(name, value)| {
            value.as_object().map(|fields| Trigger::Other {
                name,
                fields: TriggerFields(fields),
            })
        })
    }

    /// The conversation of an Incoming Conversation trigger
    /// (`context.trigger.conversation.ConversationSid`).
    pub fn conversation_sid(&self) -> Option<ConversationSid> {
        self.trigger_fields("conversation")?.sid("ConversationSid")
    }

    /// The call of an Incoming Call trigger (`context.trigger.call.CallSid`).
    pub fn call_sid(&self) -> Option<CallSid> {
        self.trigger_fields("call")?.sid("CallSid")
    }

    /// The message of an Incoming Message trigger (`context.trigger.message`).
    pub fn message(&self) -> Option<TriggerFields<'_>> {
        self.trigger_fields("message")
    }

    /// The data the flow was started with (`context.flow.data`): a REST API trigger's
    /// `Parameters`.
    pub fn flow_data(&self) -> Option<&Map<String, Value>> {
        self.context.get("flow")?.get("data")?.as_object()
    }

    /// The flow's own address (`context.flow.channel.address`): the Twilio number, or for
    /// conversation flows the conversation's SID.
    pub fn flow_channel_address(&self) -> Option<&str> {
        self.context
            .get("flow")?
            .get("channel")?
            .get("address")?
            .as_str()
    }

    /// The contact's address (`context.contact.channel.address`).
    pub fn contact_channel_address(&self) -> Option<&str> {
        self.context
            .get("contact")?
            .get("channel")?
            .get("address")?
            .as_str()
    }

    /// The conversation or call this Execution belongs to, read from the context alone (see
    /// [`correlate`](super::correlate) for the order of the places looked at).
    pub fn correlation(&self) -> Option<Correlation> {
        super::correlation::from_context(self)
    }

    /// `context.trigger.<name>` when it is an object.
    pub(crate) fn trigger_fields(&self, name: &str) -> Option<TriggerFields<'_>> {
        self.context
            .get("trigger")?
            .get(name)?
            .as_object()
            .map(TriggerFields)
    }
}

/// What started an Execution: the entry under `context.trigger`, by kind.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Trigger<'a> {
    /// Incoming Conversation (`trigger.conversation`).
    Conversation(TriggerFields<'a>),
    /// Incoming Call (`trigger.call`).
    Call(TriggerFields<'a>),
    /// Incoming Message (`trigger.message`).
    Message(TriggerFields<'a>),
    /// Any other entry (a REST API or subflow trigger, or a kind Twilio adds later).
    Other {
        /// The entry's name under `trigger`.
        name: &'a str,
        /// Its variables.
        fields: TriggerFields<'a>,
    },
}

impl<'a> Trigger<'a> {
    /// The trigger's variables, whatever its kind.
    pub fn fields(&self) -> TriggerFields<'a> {
        match *self {
            Self::Conversation(fields) | Self::Call(fields) | Self::Message(fields) => fields,
            Self::Other { fields, .. } => fields,
        }
    }

    /// The entry's name under `trigger` (`conversation`, `call`, `message`, …).
    pub fn name(&self) -> &'a str {
        match *self {
            Self::Conversation(_) => "conversation",
            Self::Call(_) => "call",
            Self::Message(_) => "message",
            Self::Other { name, .. } => name,
        }
    }
}

/// A trigger's variables, as Twilio names them (`Body`, `From`, `CallSid`, …).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TriggerFields<'a>(&'a Map<String, Value>);

impl<'a> TriggerFields<'a> {
    /// A variable's value.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.0.get(name)
    }

    /// A variable's value when it is a string.
    pub fn str(&self, name: &str) -> Option<&'a str> {
        self.0.get(name)?.as_str()
    }

    /// A variable's value when it is a SID of kind `S`.
    pub fn sid<S: Sid>(&self, name: &str) -> Option<S> {
        self.str(name)?.parse().ok()
    }

    /// The message text (`Body`).
    pub fn body(&self) -> Option<&'a str> {
        self.str("Body")
    }

    /// The sender (`From`).
    pub fn from(&self) -> Option<&'a str> {
        self.str("From")
    }

    /// The recipient (`To`).
    pub fn to(&self) -> Option<&'a str> {
        self.str("To")
    }

    /// The author of a conversation message (`Author`).
    pub fn author(&self) -> Option<&'a str> {
        self.str("Author")
    }

    /// The message's SID as sent (`MessageSid`: `SM…`/`MM…` for messaging, `IM…` for
    /// conversations).
    pub fn message_sid(&self) -> Option<&'a str> {
        self.str("MessageSid")
    }

    /// The conversation named by the trigger (`ConversationSid`).
    pub fn conversation_sid(&self) -> Option<ConversationSid> {
        self.sid("ConversationSid")
    }

    /// The call named by the trigger (`CallSid`).
    pub fn call_sid(&self) -> Option<CallSid> {
        self.sid("CallSid")
    }

    /// All the variables.
    pub fn as_map(&self) -> &'a Map<String, Value> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FN: &str = "FN0123456789abcdef0123456789abcdef";
    const FW: &str = "FW0123456789abcdef0123456789abcdef";
    const AC: &str = "AC0123456789abcdef0123456789abcdef";

    fn execution(extra: Value) -> Result<Execution, serde_json::Error> {
        let mut body = json!({"sid": FN, "account_sid": AC, "flow_sid": FW, "status": "ended"});
        if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
            body.extend(extra);
        }
        serde_json::from_value(body)
    }

    #[test]
    fn minimal_execution_parses_and_optional_fields_are_absent() {
        let execution = execution(json!({})).unwrap();
        assert_eq!(execution.status, ExecutionStatus::Ended);
        assert_eq!(execution.context, Value::Null);
        assert!(execution.date_created.is_none() && execution.links.is_none());
        assert!(execution.flow_version.is_none() && execution.extra.is_empty());
    }

    #[test]
    fn newer_fields_are_typed_and_unknown_status_is_kept() {
        let execution = execution(json!({
            "status": "paused", "flow_version": "12", "initiated_by": "API",
            "contact_sid": "FC0123456789abcdef0123456789abcdef", "date_updated": null
        }))
        .unwrap();
        assert_eq!(execution.status, ExecutionStatus::Other("paused".into()));
        assert_eq!(execution.flow_version, Some(12));
        assert_eq!(execution.initiated_by.as_deref(), Some("API"));
        assert!(execution
            .contact_sid
            .as_deref()
            .is_some_and(|s| s.starts_with("FC")));
        assert_eq!(
            execution.clone(),
            serde_json::from_value(serde_json::to_value(&execution).unwrap()).unwrap()
        );
        assert_eq!(
            self::execution(json!({"flow_version": 3}))
                .unwrap()
                .flow_version,
            Some(3)
        );
        assert_eq!(
            self::execution(json!({"flow_version": [3]}))
                .unwrap()
                .flow_version,
            None
        );
    }

    #[test]
    fn a_context_sent_as_a_json_string_is_read_as_json() {
        let execution =
            execution(json!({"context": "{\"flow\": {\"data\": {\"a\": 1}}}"})).unwrap();
        assert_eq!(execution.execution_context().flow_data().unwrap()["a"], 1);
        assert_eq!(execution.execution_context().execution_sid.unwrap(), FN);
        let execution = execution_with_context(json!("not json"));
        assert_eq!(execution.context, json!("not json"));
        let context: ExecutionContext =
            serde_json::from_value(json!({"context": "{\"trigger\": {}}", "odd": true})).unwrap();
        assert_eq!(context.context, json!({"trigger": {}}));
        assert_eq!(context.extra["odd"], true);
        let context: ExecutionContext = serde_json::from_value(json!({"context": null})).unwrap();
        assert_eq!(context.context, Value::Null);
    }

    fn execution_with_context(context: Value) -> Execution {
        execution(json!({"context": context})).unwrap()
    }

    #[test]
    fn wrong_sid_kind_is_an_error_not_a_panic() {
        let err = execution(json!({"sid": "CA0123456789abcdef0123456789abcdef"})).unwrap_err();
        assert!(err.to_string().contains("FN"), "{err}");
        assert!(execution(json!({"date_created": "yesterday"})).is_err());
    }

    #[test]
    fn trigger_kinds_and_accessors() {
        let context = ExecutionContext::from_context(json!({
            "trigger": {"message": {"Body": "hi", "From": "+15551230000", "To": "+15559870000",
                                    "MessageSid": "SM0123456789abcdef0123456789abcdef"}},
            "flow": {"data": {"n": 1}, "channel": {"address": "+15559870000"}},
            "contact": {"channel": {"address": "+15551230000"}}
        }));
        let message = context.message().unwrap();
        assert_eq!(
            (message.body(), message.from(), message.to()),
            (Some("hi"), Some("+15551230000"), Some("+15559870000"))
        );
        assert!(message.message_sid().unwrap().starts_with("SM"));
        assert_eq!(context.trigger().unwrap().name(), "message");
        assert_eq!(context.flow_data().unwrap()["n"], 1);
        assert_eq!(context.flow_channel_address(), Some("+15559870000"));
        assert_eq!(context.contact_channel_address(), Some("+15551230000"));
        assert_eq!(context.pointer("/flow/data/n"), Some(&json!(1)));
        assert!(context.conversation_sid().is_none() && context.call_sid().is_none());

        let other =
            ExecutionContext::from_context(json!({"trigger": {"x": 1, "parent": {"a": "b"}}}));
        let Some(Trigger::Other { name, fields }) = other.trigger() else {
            panic!("expected another trigger")
        };
        assert_eq!((name, fields.str("a")), ("parent", Some("b")));

        for odd in [
            json!(null),
            json!([]),
            json!({"trigger": "call"}),
            json!({"trigger": {"call": 5}}),
        ] {
            let context = ExecutionContext::from_context(odd);
            assert!(context.trigger().is_none() && context.call_sid().is_none());
            assert!(context.flow_data().is_none() && context.correlation().is_none());
        }
    }
}
