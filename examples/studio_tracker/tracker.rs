//! What the tracker knows about one Execution, and how each event changes it.
//!
//! Events arrive in any order and more than once, so every [`Change`] is a merge that gives the
//! same record whatever the order and however often it is applied: fields are filled when still
//! empty, `ended` never turns back into `active`, steps are keyed by their SID, and the
//! conversation or call is decided once. Both stores apply [`Record::apply`], so memory and
//! Redis follow the same rules.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use twilio_webhooks::sid::{CallSid, ConversationSid, ExecutionSid, FlowSid, StepSid};
use twilio_webhooks::streams::{ExecutionEnded, ExecutionStarted, StepEnded};
use twilio_webhooks::studio::Correlation;

/// What an Execution belongs to, once decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BelongsTo {
    /// A messaging run: its Conversation.
    Conversation(ConversationSid),
    /// A voice run: its Call.
    Call(CallSid),
    /// Neither `started_by` nor the Execution Context named one (or the context had expired).
    Nothing,
}

impl BelongsTo {
    /// From what [`studio::correlate`](twilio_webhooks::studio::correlate) found.
    pub fn from_correlation(found: Option<Correlation>) -> Self {
        match found {
            Some(Correlation::Conversation(sid)) => Self::Conversation(sid),
            Some(Correlation::Call(sid)) => Self::Call(sid),
            None => Self::Nothing,
        }
    }

    /// The conversation or call, when there is one.
    pub fn correlation(self) -> Option<Correlation> {
        match self {
            Self::Conversation(sid) => Some(Correlation::Conversation(sid)),
            Self::Call(sid) => Some(Correlation::Call(sid)),
            Self::Nothing => None,
        }
    }
}

/// One step of an Execution, as its `step.ended` event told it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// `step_sid` (`FT…`): what makes two deliveries the same step.
    pub step_sid: StepSid,
    /// `name`: the event that moved the flow to this step.
    pub name: Option<String>,
    /// `transitioned_from`.
    pub transitioned_from: Option<String>,
    /// `transitioned_to`.
    pub transitioned_to: Option<String>,
    /// `date_created`, in microseconds since the Unix epoch.
    pub at: Option<i64>,
    /// The order it arrived in among this Execution's steps (0 for the first).
    pub arrival: u64,
}

/// Everything known about one Execution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// `execution_sid` (`FN…`).
    pub execution_sid: ExecutionSid,
    /// `flow_sid` (`FW…`): every Studio event carries it.
    pub flow_sid: FlowSid,
    /// Whether an `execution.ended` event came (then the status is `ended`, for good).
    pub ended: bool,
    /// Whether the `execution.started` event came.
    pub started: bool,
    /// `contact_channel_address`, from the started or ended event.
    pub contact_channel_address: Option<String>,
    /// `ended_reason`, from the ended event.
    pub ended_reason: Option<String>,
    /// `started_by`, from the started event.
    pub started_by: Option<String>,
    /// When the Execution started (the execution events' `date_created`), in microseconds since
    /// the Unix epoch.
    pub started_at: Option<i64>,
    /// The conversation or call, once decided (`None`: not yet).
    pub belongs_to: Option<BelongsTo>,
    /// The steps, each once, in the order they arrived.
    pub steps: Vec<Step>,
}

/// What one event (or one correlation) tells about an Execution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// From `execution.started`.
    Started {
        /// The flow.
        flow_sid: FlowSid,
        /// The contact's address.
        contact: Option<String>,
        /// What started it.
        started_by: Option<String>,
        /// When it started (microseconds).
        started_at: Option<i64>,
    },
    /// From `execution.ended`.
    Ended {
        /// The flow.
        flow_sid: FlowSid,
        /// The contact's address.
        contact: Option<String>,
        /// Why it ended.
        ended_reason: Option<String>,
        /// When it started (microseconds): the Execution's `date_created`.
        started_at: Option<i64>,
    },
    /// From `step.ended`.
    Step {
        /// The flow.
        flow_sid: FlowSid,
        /// The step (its `arrival` is assigned when merged).
        step: Step,
    },
    /// The conversation or call was decided.
    Correlated {
        /// The flow.
        flow_sid: FlowSid,
        /// What it belongs to.
        belongs_to: BelongsTo,
    },
}

/// Microseconds since the Unix epoch.
pub fn micros(time: OffsetDateTime) -> i64 {
    i64::try_from(time.unix_timestamp_nanos() / 1_000).unwrap_or(i64::MAX)
}

impl Change {
    /// What an `execution.started` event tells; `received` is used as its start when it carries
    /// no `date_created`.
    pub fn started(event: &ExecutionStarted, received: OffsetDateTime) -> Self {
        Self::Started {
            flow_sid: event.flow_sid,
            contact: event.contact_channel_address.clone(),
            started_by: event.started_by.clone(),
            started_at: Some(micros(event.date_created.unwrap_or(received))),
        }
    }

    /// What an `execution.ended` event tells.
    pub fn ended(event: &ExecutionEnded) -> Self {
        Self::Ended {
            flow_sid: event.flow_sid,
            contact: event.contact_channel_address.clone(),
            ended_reason: event.ended_reason.clone(),
            started_at: event.date_created.map(micros),
        }
    }

    /// What a `step.ended` event tells.
    pub fn step(event: &StepEnded) -> Self {
        Self::Step {
            flow_sid: event.flow_sid,
            step: Step {
                step_sid: event.step_sid,
                name: event.name.clone(),
                transitioned_from: event.transitioned_from.clone(),
                transitioned_to: event.transitioned_to.clone(),
                at: event.date_created.map(micros),
                arrival: 0,
            },
        }
    }

    fn flow_sid(&self) -> FlowSid {
        match self {
            Self::Started { flow_sid, .. }
            | Self::Ended { flow_sid, .. }
            | Self::Step { flow_sid, .. }
            | Self::Correlated { flow_sid, .. } => *flow_sid,
        }
    }
}

/// Fills `slot` when it is empty.
fn fill<T: Clone>(slot: &mut Option<T>, value: &Option<T>) {
    if slot.is_none() {
        slot.clone_from(value);
    }
}

impl Record {
    /// An Execution seen for the first time.
    pub fn new(execution_sid: ExecutionSid, flow_sid: FlowSid) -> Self {
        Self {
            execution_sid,
            flow_sid,
            ended: false,
            started: false,
            contact_channel_address: None,
            ended_reason: None,
            started_by: None,
            started_at: None,
            belongs_to: None,
            steps: Vec::new(),
        }
    }

    /// The record after `change`: `current` merged with it, or a new record when there is none.
    /// Applying a change twice gives the same record as applying it once.
    pub fn apply(current: Option<Self>, execution_sid: ExecutionSid, change: &Change) -> Self {
        let mut record = current.unwrap_or_else(|| Self::new(execution_sid, change.flow_sid()));
        match change {
            Change::Started {
                contact,
                started_by,
                started_at,
                ..
            } => {
                record.started = true;
                fill(&mut record.contact_channel_address, contact);
                fill(&mut record.started_by, started_by);
                fill(&mut record.started_at, started_at);
            }
            Change::Ended {
                contact,
                ended_reason,
                started_at,
                ..
            } => {
                record.ended = true;
                fill(&mut record.contact_channel_address, contact);
                fill(&mut record.ended_reason, ended_reason);
                fill(&mut record.started_at, started_at);
            }
            Change::Step { step, .. } => {
                if !record.steps.iter().any(|s| s.step_sid == step.step_sid) {
                    let arrival = record.steps.len() as u64;
                    record.steps.push(Step {
                        arrival,
                        ..step.clone()
                    });
                }
            }
            Change::Correlated { belongs_to, .. } => {
                record.belongs_to.get_or_insert(*belongs_to);
            }
        }
        record
    }

    /// `active` or `ended`. An Execution seen only through its steps is running.
    pub fn status(&self) -> &'static str {
        if self.ended {
            "ended"
        } else {
            "active"
        }
    }

    /// The steps in time order: by `date_created`, then by arrival (a step without a
    /// `date_created` after those with one).
    pub fn steps_in_order(&self) -> Vec<&Step> {
        let mut steps: Vec<&Step> = self.steps.iter().collect();
        steps.sort_by_key(|step| (step.at.is_none(), step.at, step.arrival));
        steps
    }

    /// The JSON answer of `GET /executions/{FN}`.
    pub fn to_json(&self) -> serde_json::Value {
        let correlation = self.belongs_to.and_then(BelongsTo::correlation);
        let steps: Vec<serde_json::Value> = self
            .steps_in_order()
            .into_iter()
            .map(|step| {
                serde_json::json!({
                    "step_sid": step.step_sid,
                    "name": step.name,
                    "transitioned_from": step.transitioned_from,
                    "transitioned_to": step.transitioned_to,
                })
            })
            .collect();
        serde_json::json!({
            "execution_sid": self.execution_sid,
            "flow_sid": self.flow_sid,
            "status": self.status(),
            "contact_channel_address": self.contact_channel_address,
            "conversation_sid": correlation.and_then(|c| c.conversation_sid()),
            "call_sid": correlation.and_then(|c| c.call_sid()),
            "ended_reason": self.ended_reason,
            "steps": steps,
        })
    }
}
