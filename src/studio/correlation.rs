//! Which conversation (`CH…`) or call (`CA…`) a Studio Execution (`FN…`) belongs to.
//!
//! No Event Streams event carries both an Execution's SID and its conversation's or call's SID.
//! An `execution.started` event's `started_by` sometimes already is that SID; otherwise the
//! Execution Context (`GET /v2/Flows/{FW}/Executions/{FN}/Context`) names it.

use crate::sid::{CallSid, ConversationSid};

use super::model::ExecutionContext;

/// The conversation or call an Execution belongs to.
///
/// ```
/// use twilio_webhooks::studio::Correlation;
///
/// let call = Correlation::from_sid("CA0123456789abcdef0123456789abcdef").unwrap();
/// assert_eq!(call.call_sid().unwrap(), "CA0123456789abcdef0123456789abcdef");
/// assert_eq!(call.sid(), "CA0123456789abcdef0123456789abcdef");
/// assert!(call.conversation_sid().is_none());
/// assert!(Correlation::from_sid("SM0123456789abcdef0123456789abcdef").is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Correlation {
    /// A messaging run: the Conversation it belongs to.
    Conversation(ConversationSid),
    /// A voice run: the Call it belongs to.
    Call(CallSid),
}

impl Correlation {
    /// Reads a conversation SID (`CH…`) or a call SID (`CA…`); anything else is `None`.
    pub fn from_sid(sid: &str) -> Option<Self> {
        if let Ok(conversation) = sid.parse() {
            Some(Self::Conversation(conversation))
        } else {
            sid.parse().ok().map(Self::Call)
        }
    }

    /// The conversation, for a messaging run.
    pub fn conversation_sid(&self) -> Option<ConversationSid> {
        match self {
            Self::Conversation(sid) => Some(*sid),
            Self::Call(_) => None,
        }
    }

    /// The call, for a voice run.
    pub fn call_sid(&self) -> Option<CallSid> {
        match self {
            Self::Call(sid) => Some(*sid),
            Self::Conversation(_) => None,
        }
    }

    /// The SID as text, whichever kind it is.
    pub fn sid(&self) -> &str {
        match self {
            Self::Conversation(sid) => sid.as_str(),
            Self::Call(sid) => sid.as_str(),
        }
    }
}

impl std::fmt::Display for Correlation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.sid())
    }
}

/// The conversation or call an Execution belongs to, from its `started_by` (as an
/// `execution.started` event carries it) and, when that is not decisive, its context.
///
/// The places looked at, in order:
///
/// 1. `started_by`, when it is a `CH…` or `CA…` SID;
/// 2. `context.trigger.conversation.ConversationSid` (Incoming Conversation);
/// 3. `context.trigger.call.CallSid` (Incoming Call);
/// 4. `context.trigger.message.ConversationSid`, when a message trigger carries one;
/// 5. `context.flow.channel.address`, when it is a `CH…` SID (conversation flows);
/// 6. `context.flow.channel.sid`, when it is a `CH…` SID (a conversation started or resumed by
///    an outbound flow).
///
/// `None` when none of them names one (for example a REST API run that sent only SMS). Use
/// [`needs_context`] to learn whether the context is worth fetching before calling this.
///
/// ```
/// use twilio_webhooks::studio::{correlate, needs_context, Correlation, ExecutionContext};
///
/// // started_by already names the call: no context needed.
/// let started_by = Some("CA0123456789abcdef0123456789abcdef");
/// assert!(!needs_context(started_by));
/// assert!(matches!(correlate(started_by, None), Some(Correlation::Call(_))));
///
/// // started_by names something else: the context decides.
/// let started_by = Some("SM0123456789abcdef0123456789abcdef");
/// assert!(needs_context(started_by));
/// assert_eq!(correlate(started_by, None), None);
/// let context = ExecutionContext::from_context(serde_json::json!({
///     "trigger": {"conversation": {"ConversationSid": "CH0123456789abcdef0123456789abcdef"}}
/// }));
/// let found = correlate(started_by, Some(&context)).unwrap();
/// assert_eq!(found.conversation_sid().unwrap(), "CH0123456789abcdef0123456789abcdef");
/// ```
pub fn correlate(
    started_by: Option<&str>,
    context: Option<&ExecutionContext>,
) -> Option<Correlation> {
    started_by
        .and_then(Correlation::from_sid)
        .or_else(|| context.and_then(from_context))
}

/// Whether `started_by` leaves the question open, so that the Execution Context is needed to
/// correlate: `false` only when it is a `CH…` or `CA…` SID.
pub fn needs_context(started_by: Option<&str>) -> bool {
    started_by.and_then(Correlation::from_sid).is_none()
}

/// Steps 2 to 6 of [`correlate`].
pub(crate) fn from_context(context: &ExecutionContext) -> Option<Correlation> {
    if let Some(sid) = context.conversation_sid() {
        return Some(Correlation::Conversation(sid));
    }
    if let Some(sid) = context.call_sid() {
        return Some(Correlation::Call(sid));
    }
    if let Some(sid) = context.message().and_then(|m| m.conversation_sid()) {
        return Some(Correlation::Conversation(sid));
    }
    let channel = context.context.get("flow")?.get("channel")?;
    ["address", "sid"].into_iter().find_map(|key| {
        let sid = channel.get(key)?.as_str()?.parse().ok()?;
        Some(Correlation::Conversation(sid))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CH: &str = "CH0123456789abcdef0123456789abcdef";
    const CH2: &str = "CHfedcba9876543210fedcba9876543210";
    const CA: &str = "CA0123456789abcdef0123456789abcdef";

    fn ctx(value: serde_json::Value) -> ExecutionContext {
        ExecutionContext::from_context(value)
    }

    #[test]
    fn started_by_wins_when_it_is_a_conversation_or_call() {
        let context = ctx(json!({"trigger": {"call": {"CallSid": CA}}}));
        assert_eq!(
            correlate(Some(CH2), Some(&context)),
            Some(Correlation::Conversation(CH2.parse().unwrap()))
        );
        assert_eq!(
            correlate(Some(CA), None),
            Some(Correlation::Call(CA.parse().unwrap()))
        );
        assert!(!needs_context(Some(CH)) && !needs_context(Some(CA)));
    }

    #[test]
    fn other_or_missing_started_by_needs_the_context() {
        for started_by in [
            None,
            Some(""),
            Some("SM0123456789abcdef0123456789abcdef"),
            Some("FN0123456789abcdef0123456789abcdef"),
            Some("ch0123456789abcdef0123456789abcdef"),
            Some("CH0123"),
        ] {
            assert!(needs_context(started_by), "{started_by:?}");
            assert_eq!(correlate(started_by, None), None);
        }
    }

    #[test]
    fn each_place_in_the_context_is_found_in_order() {
        let cases = [
            (
                json!({"trigger": {"conversation": {"ConversationSid": CH}}}),
                CH,
            ),
            (json!({"trigger": {"call": {"CallSid": CA}}}), CA),
            (json!({"trigger": {"message": {"ConversationSid": CH}}}), CH),
            (json!({"flow": {"channel": {"address": CH}}}), CH),
            (
                json!({"flow": {"channel": {"address": "+15551230000", "sid": CH}}}),
                CH,
            ),
            // The trigger is preferred over the flow's channel.
            (
                json!({"trigger": {"call": {"CallSid": CA}}, "flow": {"channel": {"address": CH2}}}),
                CA,
            ),
        ];
        for (context, expected) in cases {
            let found = correlate(
                Some("SM0123456789abcdef0123456789abcdef"),
                Some(&ctx(context.clone())),
            );
            assert_eq!(
                found.map(|c| c.to_string()).as_deref(),
                Some(expected),
                "{context}"
            );
        }
    }

    #[test]
    fn contexts_without_a_conversation_or_call_give_none() {
        for context in [
            json!({}),
            json!({"flow": {"data": {"ConversationSid": CH}}}),
            json!({"flow": {"channel": {"address": "+15551230000"}}}),
            json!({"trigger": {"conversation": {"ConversationSid": "not a sid"}}}),
            json!({"trigger": {"call": {"CallSid": CH}}}),
            json!({"trigger": {"message": {"MessageSid": "SM0123456789abcdef0123456789abcdef"}}}),
        ] {
            assert_eq!(
                correlate(None, Some(&ctx(context.clone()))),
                None,
                "{context}"
            );
        }
    }
}
