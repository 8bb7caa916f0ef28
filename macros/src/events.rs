//! The Conversations events the macros know by name, and near-miss suggestions.

/// Whether a handler answers before (pre-action) or after (post-action) a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `#[pre_action]`: answered with a decision.
    Pre,
    /// `#[post_action]`: only acknowledged.
    Post,
}

impl Kind {
    /// The attribute for this kind, as written.
    pub(crate) fn attribute(self) -> &'static str {
        match self {
            Self::Pre => "#[pre_action]",
            Self::Post => "#[post_action]",
        }
    }

    /// "pre-action" or "post-action".
    pub(crate) fn adjective(self) -> &'static str {
        match self {
            Self::Pre => "pre-action",
            Self::Post => "post-action",
        }
    }

    /// An event of this kind, for examples in messages.
    pub(crate) fn example_event(self) -> &'static str {
        match self {
            Self::Pre => "OnMessageAdd",
            Self::Post => "OnMessageAdded",
        }
    }

    /// The names of this kind's events.
    pub(crate) fn names(self) -> impl Iterator<Item = &'static str> {
        let (pre, post): (&[_], &[_]) = match self {
            Self::Pre => (PRE_ACTION, &[]),
            Self::Post => (&[], POST_ACTION),
        };
        pre.iter()
            .map(|(name, _)| *name)
            .chain(post.iter().copied())
    }

    /// A sentence listing this kind's events.
    pub(crate) fn expected_list(self) -> String {
        let names: Vec<String> = self.names().map(|name| format!("`{name}`")).collect();
        let all = match self {
            Self::Pre => String::new(),
            Self::Post => ", or `PostActionEvent` for all of them".to_owned(),
        };
        format!(
            "expected one of the {} events: {}{all}",
            self.adjective(),
            names.join(", ")
        )
    }
}

/// What a pre-action event's answer may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Modification {
    /// `MessageModification`: body, author, attributes.
    Message,
    /// `ConversationModification`: friendly name.
    Conversation,
    /// `Unmodifiable`: accept or reject only.
    Unmodifiable,
}

impl Modification {
    /// The modification type a decision is parameterised by, when `name` is one of them.
    pub(crate) fn from_type_name(name: &str) -> Option<Self> {
        match name {
            "MessageModification" => Some(Self::Message),
            "ConversationModification" => Some(Self::Conversation),
            "Unmodifiable" => Some(Self::Unmodifiable),
            _ => None,
        }
    }

    /// The type's name.
    pub(crate) fn type_name(self) -> &'static str {
        match self {
            Self::Message => "MessageModification",
            Self::Conversation => "ConversationModification",
            Self::Unmodifiable => "Unmodifiable",
        }
    }
}

/// The ten pre-action events and what their answers may change.
pub(crate) const PRE_ACTION: &[(&str, Modification)] = &[
    ("OnConversationAdd", Modification::Conversation),
    ("OnConversationRemove", Modification::Unmodifiable),
    ("OnConversationUpdate", Modification::Conversation),
    ("OnMessageAdd", Modification::Message),
    ("OnMessageRemove", Modification::Unmodifiable),
    ("OnMessageUpdate", Modification::Message),
    ("OnParticipantAdd", Modification::Unmodifiable),
    ("OnParticipantRemove", Modification::Unmodifiable),
    ("OnParticipantUpdate", Modification::Unmodifiable),
    ("OnUserUpdate", Modification::Unmodifiable),
];

/// The thirteen post-action events.
pub(crate) const POST_ACTION: &[&str] = &[
    "OnConversationAdded",
    "OnConversationRemoved",
    "OnConversationUpdated",
    "OnConversationStateUpdated",
    "OnMessageAdded",
    "OnMessageUpdated",
    "OnMessageRemoved",
    "OnParticipantAdded",
    "OnParticipantUpdated",
    "OnParticipantRemoved",
    "OnDeliveryUpdated",
    "OnUserAdded",
    "OnUserUpdated",
];

/// A known event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Known {
    /// A pre-action event and its modification type.
    Pre(Modification),
    /// A post-action event.
    Post,
}

impl Known {
    /// The kind of handler that takes this event.
    pub(crate) fn kind(self) -> Kind {
        match self {
            Self::Pre(_) => Kind::Pre,
            Self::Post => Kind::Post,
        }
    }
}

/// Looks an event struct up by name.
pub(crate) fn lookup(name: &str) -> Option<Known> {
    if let Some((_, modification)) = PRE_ACTION.iter().find(|(pre, _)| *pre == name) {
        return Some(Known::Pre(*modification));
    }
    POST_ACTION.contains(&name).then_some(Known::Post)
}

/// The event of the other kind about the same change (`OnMessageAdd` <-> `OnMessageAdded`).
pub(crate) fn counterpart(name: &str) -> Option<&'static str> {
    match lookup(name)? {
        Known::Pre(_) => POST_ACTION
            .iter()
            .find(|post| {
                post.strip_suffix('d')
                    .is_some_and(|stem| stem == name || stem.strip_suffix('e') == Some(name))
            })
            .copied(),
        Known::Post => PRE_ACTION
            .iter()
            .map(|(pre, _)| *pre)
            .find(|pre| counterpart(pre) == Some(name)),
    }
}

/// The known event closest to a misspelt `name`, if one is close enough to be a likely typo.
pub(crate) fn closest(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    let candidates = Kind::Pre
        .names()
        .chain(Kind::Post.names())
        .chain(["PostActionEvent"]);
    let (distance, best) = candidates
        .map(|candidate| (edit_distance(&lower, &candidate.to_lowercase()), candidate))
        .min_by_key(|(distance, _)| *distance)?;
    let allowed = (name.chars().count() / 4).max(2);
    (distance <= allowed).then_some(best)
}

/// Levenshtein distance between two strings, by `char`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(PRE_ACTION.len() + POST_ACTION.len(), 23);
    }

    #[test]
    fn counterparts() {
        assert_eq!(counterpart("OnMessageAdd"), Some("OnMessageAdded"));
        assert_eq!(counterpart("OnMessageAdded"), Some("OnMessageAdd"));
        assert_eq!(
            counterpart("OnConversationRemove"),
            Some("OnConversationRemoved")
        );
        assert_eq!(counterpart("OnUserUpdate"), Some("OnUserUpdated"));
        assert_eq!(counterpart("OnUserAdded"), None);
        assert_eq!(counterpart("OnDeliveryUpdated"), None);
        assert_eq!(counterpart("OnConversationStateUpdated"), None);
    }

    #[test]
    fn suggestions() {
        assert_eq!(closest("OnMesageAdd"), Some("OnMessageAdd"));
        assert_eq!(closest("onMessageAdd"), Some("OnMessageAdd"));
        assert_eq!(closest("OnMessageAdds"), Some("OnMessageAdd"));
        assert_eq!(closest("MessageAdded"), Some("OnMessageAdded"));
        assert_eq!(closest("OnMessageCreate"), Some("OnMessageUpdate"));
        assert_eq!(closest("String"), None);
        assert_eq!(closest("AppState"), None);
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
