//! Studio events from Event Streams: a flow execution started or ended
//! (`Studio.FlowExecutionEvent`), and a step of it ended (`Studio.FlowStepEvent`).
//!
//! Data keys are snake_case, as in Studio's REST API; each field has its key's name. Event
//! Streams is the only way these events arrive. Step events are best-effort: a step may never be
//! reported, and events arrive in any order and possibly more than once.

use time::OffsetDateTime;

use crate::sid::{AccountSid, CallSid, ConversationSid, ExecutionSid, FlowSid, StepSid};
use crate::streams::data::{stream_data, text_values};

/// The `status` of an execution: the same type as the REST API's (`studio::ExecutionStatus`).
pub use crate::studio::ExecutionStatus;

text_values!(ExecutionStatus);

stream_data! {
    fields = {
        /// `execution_sid`: the execution (`FN…`).
        execution_sid: ExecutionSid = "execution_sid",
        /// `account_sid`.
        account_sid: AccountSid = "account_sid",
        /// `flow_sid`: the flow (`FW…`).
        flow_sid: FlowSid = "flow_sid",
        /// `contact_channel_address`: the contact's address (a phone number, or the channel
        /// address of a chat).
        contact_channel_address: Option<String> = "contact_channel_address",
        /// `status`: active or ended.
        status: Option<ExecutionStatus> = "status",
        /// `ended_reason`: why the execution ended (e.g. `FLOW_END`).
        ended_reason: Option<String> = "ended_reason",
        /// `date_created`.
        date_created: Option<OffsetDateTime> = "date_created",
        /// `date_updated`.
        date_updated: Option<OffsetDateTime> = "date_updated",
        /// `started_by`: the SID of the resource that started the execution (a call `CA…`, a
        /// conversation `CH…`, …); see [`started_by_call`](Self::started_by_call) and
        /// [`started_by_conversation`](Self::started_by_conversation).
        started_by: Option<String> = "started_by",
        /// `flow_revision`: the flow revision that ran.
        flow_revision: Option<u64> = "flow_revision",
    };
    /// `com.twilio.studio.flow.execution.started` (`Studio.FlowExecutionEvent`): a flow
    /// execution started.
    ExecutionStarted;
    /// `com.twilio.studio.flow.execution.ended` (`Studio.FlowExecutionEvent`): a flow execution
    /// ended.
    ExecutionEnded;
}

macro_rules! started_by {
    ($($name:ident),*) => {$(
        impl $name {
            /// The call that started the execution, when `started_by` is a call SID.
            pub fn started_by_call(&self) -> Option<CallSid> {
                self.started_by.as_deref()?.parse().ok()
            }

            /// The conversation that started the execution, when `started_by` is a
            /// conversation SID.
            pub fn started_by_conversation(&self) -> Option<ConversationSid> {
                self.started_by.as_deref()?.parse().ok()
            }
        }
    )*};
}

started_by!(ExecutionStarted, ExecutionEnded);

stream_data! {
    fields = {
        /// `step_sid`: the step (`FT…`).
        step_sid: StepSid = "step_sid",
        /// `execution_sid`: its execution (`FN…`).
        execution_sid: ExecutionSid = "execution_sid",
        /// `flow_sid`: its flow (`FW…`).
        flow_sid: FlowSid = "flow_sid",
        /// `account_sid`.
        account_sid: Option<AccountSid> = "account_sid",
        /// `parent_step_sid`: the step of the parent flow that started this subflow.
        parent_step_sid: Option<StepSid> = "parent_step_sid",
        /// `name`: the event that moved the flow to this step.
        name: Option<String> = "name",
        /// `transitioned_from`: the widget before this step.
        transitioned_from: Option<String> = "transitioned_from",
        /// `transitioned_to`: the widget after it.
        transitioned_to: Option<String> = "transitioned_to",
        /// `date_created`.
        date_created: Option<OffsetDateTime> = "date_created",
    };
    /// `com.twilio.studio.flow.step.ended` (`Studio.FlowStepEvent`): a step of an execution
    /// ended.
    ///
    /// Twilio's documentation of this schema's fields is incomplete; the fields here are those of
    /// the REST Step resource that the event carries. Anything else is kept in `extra`.
    StepEnded;
}
