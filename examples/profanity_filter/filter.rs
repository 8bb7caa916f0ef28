//! The profanity filter's handlers: mask listed words in message bodies and conversation names,
//! reject blocked authors.

use std::collections::HashSet;
use std::sync::Arc;

use twilio_webhooks::events::{
    OnConversationAdd, OnConversationUpdate, OnMessageAdd, OnMessageUpdate,
};
use twilio_webhooks::handler::State;
use twilio_webhooks::router::Webhooks;
use twilio_webhooks::{pre_action, Decision, DecisionFor, MessageModification};

/// Words masked when no `PROFANITY_WORDS` is given.
pub const DEFAULT_WORDS: &[&str] = &["heck", "darn", "dang", "frick", "crap"];

/// What to mask and whom to refuse.
#[derive(Debug, Clone)]
pub struct Filter {
    /// Listed words, lower-cased, as characters.
    words: Arc<Vec<Vec<char>>>,
    blocked_authors: Arc<HashSet<String>>,
}

impl Filter {
    /// A filter for these words and authors (empty entries are ignored).
    pub fn new<W: AsRef<str>, A: AsRef<str>>(
        words: impl IntoIterator<Item = W>,
        blocked_authors: impl IntoIterator<Item = A>,
    ) -> Self {
        let words = words
            .into_iter()
            .map(|word| {
                word.as_ref()
                    .trim()
                    .to_lowercase()
                    .chars()
                    .collect::<Vec<_>>()
            })
            .filter(|word| !word.is_empty())
            .collect();
        let blocked_authors = blocked_authors
            .into_iter()
            .map(|author| author.as_ref().trim().to_owned())
            .filter(|author| !author.is_empty())
            .collect();
        Self {
            words: Arc::new(words),
            blocked_authors: Arc::new(blocked_authors),
        }
    }

    /// `PROFANITY_WORDS` and `BLOCKED_AUTHORS` (comma-separated), with the built-in word list
    /// when `PROFANITY_WORDS` is unset.
    pub fn from_env() -> Self {
        let words = std::env::var("PROFANITY_WORDS").ok();
        let blocked = std::env::var("BLOCKED_AUTHORS").unwrap_or_default();
        match words {
            Some(words) => Self::new(words.split(','), blocked.split(',')),
            None => Self::new(DEFAULT_WORDS.iter(), blocked.split(',')),
        }
    }

    /// Whether `author` is blocked.
    pub fn is_blocked(&self, author: &str) -> bool {
        self.blocked_authors.contains(author)
    }

    /// `text` with every whole-word, case-insensitive occurrence of a listed word replaced by as
    /// many `*` as it has characters; `None` when nothing matched.
    pub fn mask(&self, text: &str) -> Option<String> {
        let mut chars: Vec<char> = text.chars().collect();
        let mut changed = false;
        let mut start = 0;
        while start < chars.len() {
            let at_boundary = start == 0 || !chars[start - 1].is_alphanumeric();
            let matched = at_boundary
                .then(|| {
                    self.words
                        .iter()
                        .filter(|word| matches_at(&chars, start, word))
                        .map(Vec::len)
                        .max()
                })
                .flatten();
            match matched {
                Some(len) => {
                    chars[start..start + len].fill('*');
                    changed = true;
                    start += len;
                }
                None => start += 1,
            }
        }
        changed.then(|| chars.into_iter().collect())
    }

    /// The decision for a message: reject a blocked author, mask the body, or accept.
    pub fn message_decision(&self, author: &str, body: &str) -> DecisionFor<OnMessageAdd> {
        if self.is_blocked(author) {
            return Decision::reject_because("author is blocked");
        }
        match self.mask(body) {
            Some(masked) => Decision::modify(MessageModification::new().body(masked)),
            None => Decision::accept(),
        }
    }

    /// The decision for a conversation's friendly name: mask it, or accept.
    pub fn conversation_decision(
        &self,
        friendly_name: Option<&str>,
    ) -> DecisionFor<OnConversationAdd> {
        match friendly_name.and_then(|name| self.mask(name)) {
            Some(masked) => Decision::rename(masked),
            None => Decision::accept(),
        }
    }
}

/// Whether `word` (lower-case) occurs at `start` as a whole word, ignoring case.
fn matches_at(chars: &[char], start: usize, word: &[char]) -> bool {
    let end = start + word.len();
    end <= chars.len()
        && chars[start..end]
            .iter()
            .zip(word)
            .all(|(&c, &w)| c == w || c.to_lowercase().eq(std::iter::once(w)))
        && chars.get(end).is_none_or(|next| !next.is_alphanumeric())
}

/// onMessageAdd: mask the body, reject blocked authors.
#[pre_action]
pub async fn on_message_add(
    message: OnMessageAdd,
    State(filter): State<Filter>,
) -> DecisionFor<OnMessageAdd> {
    filter.message_decision(&message.author, &message.body)
}

/// onMessageUpdate: the same as a new message.
#[pre_action]
pub async fn on_message_update(
    message: OnMessageUpdate,
    State(filter): State<Filter>,
) -> DecisionFor<OnMessageUpdate> {
    filter.message_decision(&message.author, &message.body)
}

/// onConversationAdd: mask the friendly name.
#[pre_action]
pub async fn on_conversation_add(
    conversation: OnConversationAdd,
    State(filter): State<Filter>,
) -> DecisionFor<OnConversationAdd> {
    filter.conversation_decision(conversation.friendly_name.as_deref())
}

/// onConversationUpdate: mask the friendly name.
#[pre_action]
pub async fn on_conversation_update(
    conversation: OnConversationUpdate,
    State(filter): State<Filter>,
) -> DecisionFor<OnConversationUpdate> {
    filter.conversation_decision(conversation.friendly_name.as_deref())
}

/// The filter's router builder: the four handlers; every other event is accepted or acknowledged.
pub fn webhooks() -> Webhooks<Filter> {
    Webhooks::new()
        .pre_action(on_message_add)
        .pre_action(on_message_update)
        .pre_action(on_conversation_add)
        .pre_action(on_conversation_update)
}
