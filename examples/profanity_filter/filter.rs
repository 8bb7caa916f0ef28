//! The profanity filter's handlers: mask listed words in message bodies and conversation names,
//! reject blocked authors.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

use twilio_webhooks::conversations::{
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
    /// Listed words, as characters folded by [`fold`].
    words: Arc<Vec<Vec<char>>>,
    /// The same words as bytes when every one is ASCII: ASCII text is then masked byte by byte
    /// (the common case, and several times faster than going through `char`s).
    ascii_words: Option<Arc<AsciiWords>>,
    blocked_authors: Arc<HashSet<String>>,
}

impl Filter {
    /// A filter for these words and authors (empty entries are ignored).
    pub fn new<W: AsRef<str>, A: AsRef<str>>(
        words: impl IntoIterator<Item = W>,
        blocked_authors: impl IntoIterator<Item = A>,
    ) -> Self {
        let words: Vec<Vec<char>> = words
            .into_iter()
            .map(|word| word.as_ref().trim().chars().map(fold).collect::<Vec<_>>())
            .filter(|word| !word.is_empty())
            .collect();
        let blocked_authors = blocked_authors
            .into_iter()
            .map(|author| author.as_ref().trim().to_owned())
            .filter(|author| !author.is_empty())
            .collect();
        let ascii_words = words
            .iter()
            .map(|word| {
                word.iter()
                    .map(|&c| u8::try_from(c).ok().filter(u8::is_ascii))
                    .collect()
            })
            .collect::<Option<Vec<Vec<u8>>>>()
            .map(|words| Arc::new(AsciiWords::new(words)));
        Self {
            words: Arc::new(words),
            ascii_words,
            blocked_authors: Arc::new(blocked_authors),
        }
    }

    /// A filter configured the way the server reads its environment: `profanity_words` as in
    /// `PROFANITY_WORDS` (comma-separated; `None` for the built-in list) and `blocked_authors`
    /// as in `BLOCKED_AUTHORS` (comma-separated).
    pub fn from_config(profanity_words: Option<&str>, blocked_authors: &str) -> Self {
        match profanity_words {
            Some(words) => Self::new(words.split(','), blocked_authors.split(',')),
            None => Self::new(DEFAULT_WORDS.iter(), blocked_authors.split(',')),
        }
    }

    /// `PROFANITY_WORDS` and `BLOCKED_AUTHORS` (comma-separated), with the built-in word list
    /// when `PROFANITY_WORDS` is unset.
    pub fn from_env() -> Self {
        let words = std::env::var("PROFANITY_WORDS").ok();
        let blocked = std::env::var("BLOCKED_AUTHORS").unwrap_or_default();
        Self::from_config(words.as_deref(), &blocked)
    }

    /// Whether `author` is blocked.
    pub fn is_blocked(&self, author: &str) -> bool {
        self.blocked_authors.contains(author)
    }

    /// `text` with every whole-word, case-insensitive occurrence of a listed word replaced by as
    /// many `*` as it has characters; `None` when nothing matched.
    ///
    /// ASCII text against ASCII words (the common case) is walked byte by byte and allocates
    /// only when a word matches; other text is walked character by character.
    pub fn mask(&self, text: &str) -> Option<String> {
        if let (Some(words), true) = (&self.ascii_words, text.is_ascii()) {
            let mut bytes = Cow::Borrowed(text.as_bytes());
            let changed = mask_words(
                &mut bytes,
                &words.words,
                b'*',
                |byte| byte.is_ascii_alphanumeric(),
                |byte| words.starts[usize::from(byte)],
                |byte, word| byte.to_ascii_lowercase() == word,
            );
            return changed.then(|| String::from_utf8(bytes.into_owned()).ok())?;
        }
        let mut chars = Cow::Owned(text.chars().collect::<Vec<char>>());
        let changed = mask_words(
            &mut chars,
            &self.words,
            '*',
            char::is_alphanumeric,
            |c| {
                let folded = fold(c);
                self.words.iter().any(|word| word[0] == folded)
            },
            |c, word| fold(c) == word,
        );
        changed.then(|| chars.iter().collect())
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

/// Listed ASCII words, and which bytes (in either case) start one of them.
#[derive(Debug)]
struct AsciiWords {
    words: Vec<Vec<u8>>,
    starts: [bool; 256],
}

impl AsciiWords {
    fn new(words: Vec<Vec<u8>>) -> Self {
        let mut starts = [false; 256];
        for first in words.iter().filter_map(|word| word.first()) {
            starts[usize::from(first.to_ascii_lowercase())] = true;
            starts[usize::from(first.to_ascii_uppercase())] = true;
        }
        Self { words, starts }
    }
}

/// Replaces each whole-word occurrence of a listed word in `text` (characters, or bytes of
/// ASCII text) by `star`s, preferring the longest word at each position; returns whether any
/// matched. A word is whole when no word character (`is_word`) touches it on either side;
/// `same(unit, word_unit)` compares ignoring case, and `may_start(unit)` says whether some
/// listed word starts with `unit` (positions where none does are passed over at once).
fn mask_words<T: Copy>(
    text: &mut Cow<'_, [T]>,
    words: &[Vec<T>],
    star: T,
    is_word: impl Fn(T) -> bool,
    may_start: impl Fn(T) -> bool,
    same: impl Fn(T, T) -> bool,
) -> bool {
    let whole_word_at = |text: &[T], start: usize, word: &[T]| {
        let end = start + word.len();
        end <= text.len()
            && text[start..end].iter().zip(word).all(|(&t, &w)| same(t, w))
            && text.get(end).is_none_or(|&next| !is_word(next))
    };
    let mut changed = false;
    let mut start = 0;
    while start < text.len() {
        let at_boundary = start == 0 || !is_word(text[start - 1]);
        let matched = (at_boundary && may_start(text[start]))
            .then(|| {
                words
                    .iter()
                    .filter(|word| whole_word_at(text, start, word))
                    .map(Vec::len)
                    .max()
            })
            .flatten();
        match matched {
            Some(len) => {
                text.to_mut()[start..start + len].fill(star);
                changed = true;
                start += len;
            }
            None => start += 1,
        }
    }
    changed
}

/// One character as compared: its lower case when that is a single character (so a match never
/// changes the number of `*`), with the final sigma read as sigma, since `ΜΑΛΆΚΑΣ` lower-cases
/// character by character to `μαλάκασ` while the word is written `μαλάκας`.
fn fold(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some('ς'), None) => 'σ',
        (Some(lower), None) => lower,
        _ => c,
    }
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
