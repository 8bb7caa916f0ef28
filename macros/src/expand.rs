//! The checks and the generated assertion shared by `#[pre_action]` and `#[post_action]`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::{
    FnArg, GenericArgument, Ident, ItemFn, LitStr, PathArguments, ReturnType, Signature, Token,
    Type, TypePath,
};

use crate::events::{self, Kind, Known, Modification};

/// Expands an attribute: the function exactly as written, then either the compile-time
/// assertion or the errors found.
pub(crate) fn expand(kind: Kind, attr: TokenStream, item: TokenStream) -> TokenStream {
    let extra = match check(kind, attr, item.clone()) {
        Ok(assertion) => assertion,
        Err(error) => error.to_compile_error(),
    };
    quote! {
        #item
        #extra
    }
}

/// The attribute's arguments.
struct Options {
    /// The path of the `twilio-webhooks` crate.
    krate: syn::Path,
}

impl Parse for Options {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut krate = None;
        while !input.is_empty() {
            if input.peek(Token![crate]) {
                let key: Token![crate] = input.parse()?;
                input.parse::<Token![=]>()?;
                let value: LitStr = input.parse()?;
                if krate.is_some() {
                    return Err(syn::Error::new_spanned(key, "`crate` is given twice"));
                }
                krate = Some(value.parse::<syn::Path>().map_err(|_| {
                    syn::Error::new_spanned(
                        &value,
                        "expected the path of the `twilio-webhooks` crate, e.g. `crate = \"tw\"`",
                    )
                })?);
            } else {
                let unknown: proc_macro2::TokenTree = input.parse()?;
                return Err(syn::Error::new_spanned(
                    unknown,
                    "unknown argument; the only argument is `crate = \"path\"`, the path of the \
                     `twilio-webhooks` crate when it is renamed",
                ));
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(Self {
            krate: krate.unwrap_or_else(|| syn::parse_quote!(::twilio_webhooks)),
        })
    }
}

/// Collects every error found, so one compile shows them all.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(errors) => errors.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn spanned(&mut self, tokens: impl ToTokens, message: impl std::fmt::Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    fn at(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

/// The event argument, once recognised.
struct EventArg<'a> {
    ty: &'a Type,
    name: String,
    /// `None` for a post-action event, and for `PostActionEvent`.
    modification: Option<Modification>,
}

/// Checks the function; returns the compile-time assertion to emit after it.
fn check(kind: Kind, attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let options: Options = syn::parse2(attr)?;
    let function: ItemFn = syn::parse2(item).map_err(|_| {
        syn::Error::new(
            Span::call_site(),
            format!(
                "{} goes on a handler: an `async fn` taking the event, e.g. \
                 `async fn handler(event: {}) ...`",
                kind.attribute(),
                kind.example_event()
            ),
        )
    })?;
    let sig = &function.sig;
    let mut errors = Errors::default();

    check_qualifiers(kind, sig, &mut errors);

    let mut arguments = Vec::new();
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(receiver) => receiver_error(receiver, &mut errors),
            FnArg::Typed(argument) => arguments.push(&*argument.ty),
        }
    }
    // The event is the first argument; one written later is reported as misplaced, once.
    let position = match arguments.iter().position(|ty| names_an_event(ty)) {
        Some(position) if position > 0 => {
            errors.spanned(
                arguments[position],
                "the event must be the first argument; move it before the others",
            );
            position
        }
        _ => 0,
    };
    let event = if arguments.is_empty() {
        errors.at(
            sig.paren_token.span.join(),
            format!(
                "{} handlers take the event as their first argument, e.g. \
                 `async fn {}(event: {})`",
                kind.adjective(),
                sig.ident,
                kind.example_event()
            ),
        );
        None
    } else {
        match event_arg(kind, arguments.remove(position)) {
            Ok(event) => Some(event),
            Err(error) => {
                errors.push(error);
                None
            }
        }
    };

    let state = extra_args(arguments, &mut errors);

    if let Some(event) = &event {
        match kind {
            Kind::Pre => check_pre_output(sig, event, &mut errors),
            Kind::Post => check_post_output(sig, event, &mut errors),
        }
    }

    errors.finish()?;
    let Some(event) = event else {
        // Unreachable: a missing event is an error above.
        return Ok(TokenStream::new());
    };
    Ok(assertion(kind, &options.krate, sig, &event, state))
}

/// `async`, not `unsafe`, not generic.
fn check_qualifiers(kind: Kind, sig: &Signature, errors: &mut Errors) {
    if sig.asyncness.is_none() {
        errors.spanned(
            sig.fn_token,
            format!(
                "{} handlers must be `async fn`; add `async` before `fn`",
                kind.adjective()
            ),
        );
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.spanned(
            unsafety,
            "handlers cannot be `unsafe fn`; remove `unsafe` (use an `unsafe` block inside)",
        );
    }
    let generics = &sig.generics;
    if !generics.params.is_empty() {
        errors.spanned(
            generics,
            format!(
                "{} cannot check a generic handler; remove the generic parameters, or \
                 register a non-generic function that calls this one",
                kind.attribute()
            ),
        );
    } else if let Some(where_clause) = &generics.where_clause {
        errors.spanned(
            where_clause,
            "handlers cannot have a `where` clause; remove it",
        );
    }
    if let Some(variadic) = &sig.variadic {
        errors.spanned(variadic, "handlers cannot be variadic");
    }
}

fn receiver_error(receiver: &syn::Receiver, errors: &mut Errors) {
    errors.spanned(
        receiver,
        "handlers are plain functions and cannot take `self`; move the function out of the \
         `impl` block and take what it needs as `State<T>`",
    );
}

/// Removes parentheses and invisible groups around a type.
fn peel(mut ty: &Type) -> &Type {
    loop {
        match ty {
            Type::Paren(inner) => ty = &inner.elem,
            Type::Group(inner) => ty = &inner.elem,
            _ => return ty,
        }
    }
}

/// The last segment of a plain path type (`a::b::C<D>` -> `C<D>`).
fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match peel(ty) {
        Type::Path(TypePath { qself: None, path }) => path.segments.last(),
        _ => None,
    }
}

/// The type arguments of a path segment (`Result<T, E>` -> `[T, E]`).
fn type_arguments(segment: &syn::PathSegment) -> Vec<&Type> {
    match &segment.arguments {
        PathArguments::AngleBracketed(arguments) => arguments
            .args
            .iter()
            .filter_map(|argument| match argument {
                GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether a type is named like an event struct of either kind (or an event enum).
fn names_an_event(ty: &Type) -> bool {
    let ty = match peel(ty) {
        Type::Reference(reference) => &*reference.elem,
        ty => ty,
    };
    last_segment(ty).is_some_and(|segment| {
        let name = segment.ident.to_string();
        events::lookup(&name).is_some()
            || matches!(name.as_str(), "PostActionEvent" | "PreActionEvent")
    })
}

/// Recognises the event argument's type.
fn event_arg(kind: Kind, ty: &Type) -> syn::Result<EventArg<'_>> {
    let peeled = peel(ty);
    if let Type::Reference(reference) = peeled {
        if let Ok(event) = event_arg(kind, &reference.elem) {
            return Err(syn::Error::new_spanned(
                reference,
                format!(
                    "handlers take the event by value; write `{}` instead of `&{}`",
                    event.name, event.name
                ),
            ));
        }
        return event_arg(kind, &reference.elem);
    }
    let Some(segment) = last_segment(peeled) else {
        return Err(syn::Error::new_spanned(
            ty,
            format!(
                "the first argument of a {} handler must be a Conversations event; {}",
                kind.adjective(),
                kind.expected_list()
            ),
        ));
    };
    let name = segment.ident.to_string();
    let event = |modification| {
        Ok(EventArg {
            ty: peeled,
            name: name.clone(),
            modification,
        })
    };
    let fail = |message: String| Err(syn::Error::new_spanned(ty, message));

    match (kind, events::lookup(&name), name.as_str()) {
        (Kind::Pre, Some(Known::Pre(modification)), _) => event(Some(modification)),
        (Kind::Post, Some(Known::Post), _) | (Kind::Post, None, "PostActionEvent") => event(None),
        (_, Some(known), _) => {
            let alternative = match events::counterpart(&name) {
                Some(other) => {
                    format!(" (or take `{other}`, its {} counterpart)", kind.adjective())
                }
                None => String::new(),
            };
            fail(format!(
                "`{name}` is a {} event; use {}{alternative}",
                known.kind().adjective(),
                known.kind().attribute()
            ))
        }
        (Kind::Pre, None, "PostActionEvent") => fail(format!(
            "`PostActionEvent` is the post-action events; use {}",
            Kind::Post.attribute()
        )),
        (Kind::Pre, None, "PreActionEvent" | "Event") => fail(format!(
            "a pre-action handler handles one event, because each event has its own decision \
             type; take one event struct and register one handler per event ({})",
            kind.expected_list()
        )),
        (Kind::Post, None, "Event" | "PreActionEvent") => fail(format!(
            "a post-action handler takes one post-action event, or `PostActionEvent` for all of \
             them; {}",
            kind.expected_list()
        )),
        (_, None, "State" | "Delivery") => fail(format!(
            "the event comes first and `{name}` after it, e.g. \
             `async fn handler(event: {}, state: State<AppState>, delivery: Delivery)`",
            kind.example_event()
        )),
        (_, None, _) => match events::closest(&name) {
            Some(suggestion) => {
                let note = match events::lookup(suggestion).map(Known::kind) {
                    Some(other) if other != kind => format!(
                        " (a {} event: use {})",
                        other.adjective(),
                        other.attribute()
                    ),
                    _ => String::new(),
                };
                fail(format!(
                    "`{name}` is not a Conversations event; did you mean `{suggestion}`?{note}"
                ))
            }
            None => fail(format!(
                "`{name}` is not a Conversations event; {}",
                kind.expected_list()
            )),
        },
    }
}

/// Checks the arguments after the event; returns the state type, if one is taken.
fn extra_args<'a>(arguments: Vec<&'a Type>, errors: &mut Errors) -> Option<&'a Type> {
    const TAKES: &str = "a handler takes the event, then optionally `State<T>` (the router's \
                         shared state) and `Delivery` (the request's metadata), in either order";
    let mut state: Option<&Type> = None;
    let mut delivery = false;
    for (index, ty) in arguments.into_iter().enumerate() {
        if index >= 2 {
            errors.spanned(ty, format!("too many arguments: {TAKES}"));
            continue;
        }
        let peeled = peel(ty);
        if let Type::Reference(reference) = peeled {
            let name = last_segment(&reference.elem).map(|segment| segment.ident.to_string());
            if let Some(name @ ("State" | "Delivery")) = name.as_deref() {
                errors.spanned(
                    reference,
                    format!("take `{name}` by value, without the `&`"),
                );
                continue;
            }
        }
        let segment = last_segment(peeled);
        match segment.map(|segment| segment.ident.to_string()).as_deref() {
            Some("State") => {
                let arguments = segment.map(type_arguments).unwrap_or_default();
                if state.is_some() {
                    errors.spanned(ty, "`State` is taken twice; take it once");
                } else if let [inner] = arguments.as_slice() {
                    state = Some(inner);
                } else {
                    errors.spanned(
                        ty,
                        "write `State<T>`, with `T` the type of the router's state",
                    );
                }
            }
            Some("Delivery") => {
                if delivery {
                    errors.spanned(ty, "`Delivery` is taken twice; take it once");
                }
                delivery = true;
            }
            _ => errors.spanned(
                ty,
                format!(
                    "{TAKES}; this argument cannot be taken (to use a value of your own, put it \
                     in the router's state and take `State<T>`)"
                ),
            ),
        }
    }
    state
}

/// What a pre-action handler must return, for messages.
/// `arrow` writes them as return types (`-> ...`).
fn decision_help(event: &EventArg<'_>, arrow: bool) -> String {
    let name = &event.name;
    let arrow = if arrow { "-> " } else { "" };
    let decision = match event.modification {
        Some(Modification::Unmodifiable) | None => "Decision".to_owned(),
        Some(modification) => format!("Decision<{}>", modification.type_name()),
    };
    format!("`{arrow}DecisionFor<{name}>` (or `{arrow}{decision}`, or a `Result` of either)")
}

/// Why modification `found` does not fit the event, and what does.
fn modification_mismatch(event: &EventArg<'_>, found: &str) -> String {
    let name = &event.name;
    match event.modification {
        Some(Modification::Message) => format!(
            "`{name}` can only be modified with a `MessageModification` (body, author, \
             attributes), not `{found}`; return `Decision<MessageModification>` or \
             `DecisionFor<{name}>`"
        ),
        Some(Modification::Conversation) => format!(
            "`{name}` can only be modified with a `ConversationModification` (friendly name), \
             not `{found}`; return `Decision<ConversationModification>` or `DecisionFor<{name}>`"
        ),
        Some(Modification::Unmodifiable) | None => format!(
            "`{name}` cannot be modified, only accepted or rejected, so `{found}` does not fit; \
             return `Decision` (that is, `Decision<Unmodifiable>`) or `DecisionFor<{name}>`"
        ),
    }
}

fn check_pre_output(sig: &Signature, event: &EventArg<'_>, errors: &mut Errors) {
    let ty = match &sig.output {
        ReturnType::Type(_, ty) => ty,
        ReturnType::Default => {
            errors.spanned(
                sig,
                format!(
                    "pre-action handlers must return a decision; add a return type: {}",
                    decision_help(event, true)
                ),
            );
            return;
        }
    };
    let mut ty = peel(ty);
    if let Some(segment) = last_segment(ty).filter(|segment| segment.ident == "Result") {
        if let Some(ok) = type_arguments(segment).first() {
            ty = peel(ok);
        }
    }
    if matches!(ty, Type::Tuple(tuple) if tuple.elems.is_empty()) {
        errors.spanned(
            ty,
            format!(
                "pre-action handlers must return a decision, not `()`; return {}",
                decision_help(event, false)
            ),
        );
        return;
    }
    let Some(segment) = last_segment(ty) else {
        return;
    };
    let Some(expected) = event.modification else {
        return;
    };
    if segment.ident == "Decision" {
        match type_arguments(segment).as_slice() {
            [] if expected != Modification::Unmodifiable => errors.spanned(
                &segment.ident,
                format!(
                    "`Decision` without a parameter is `Decision<Unmodifiable>`, which cannot \
                     modify `{}`; return `Decision<{}>` or `DecisionFor<{}>`",
                    event.name,
                    expected.type_name(),
                    event.name
                ),
            ),
            [argument] => {
                let found = last_segment(argument).map(|segment| segment.ident.to_string());
                let found_modification = found.as_deref().and_then(Modification::from_type_name);
                if let (Some(found), Some(modification)) = (found, found_modification) {
                    if modification != expected {
                        errors.spanned(argument, modification_mismatch(event, &found));
                    }
                }
            }
            _ => {}
        }
    } else if segment.ident == "DecisionFor" {
        let [argument] = type_arguments(segment)[..] else {
            return;
        };
        let Some(named) = last_segment(argument).map(|segment| segment.ident.to_string()) else {
            return;
        };
        match events::lookup(&named) {
            Some(Known::Pre(modification)) if modification != expected => {
                errors.spanned(
                    argument,
                    format!(
                        "`DecisionFor<{named}>` is `Decision<{}>`, which does not fit `{}`; \
                         return `DecisionFor<{}>`",
                        modification.type_name(),
                        event.name,
                        event.name
                    ),
                );
            }
            Some(Known::Post) => errors.spanned(
                argument,
                format!(
                    "`{named}` is a post-action event and has no decision; return \
                     `DecisionFor<{}>`",
                    event.name
                ),
            ),
            _ => {}
        }
    }
}

fn check_post_output(sig: &Signature, event: &EventArg<'_>, errors: &mut Errors) {
    let ReturnType::Type(_, ty) = &sig.output else {
        return;
    };
    let mut ty = peel(ty);
    if let Some(segment) = last_segment(ty).filter(|segment| segment.ident == "Result") {
        if let Some(ok) = type_arguments(segment).first() {
            ty = peel(ok);
        }
    }
    let Some(segment) = last_segment(ty) else {
        return;
    };
    if segment.ident == "Decision" || segment.ident == "DecisionFor" {
        let pre = match events::counterpart(&event.name) {
            Some(pre) => format!(
                " (to accept, modify or reject the change before it happens, handle `{pre}` \
                 with #[pre_action])"
            ),
            None => String::new(),
        };
        errors.spanned(
            ty,
            format!(
                "post-action events are only acknowledged; return `()` or `Result<(), E>`{pre}"
            ),
        );
    }
}

/// The hidden assertion that the function is a handler for its event, checked by the compiler
/// with the real types (so type aliases, `Send` futures and the like are checked too).
fn assertion(
    kind: Kind,
    krate: &syn::Path,
    sig: &Signature,
    event: &EventArg<'_>,
    state: Option<&Type>,
) -> TokenStream {
    let name: &Ident = &sig.ident;
    let event_ty = event.ty;
    let state_ty = match state {
        Some(state) => quote!(#state),
        None => quote!(()),
    };
    let argument_types = sig.inputs.iter().filter_map(|input| match input {
        FnArg::Typed(argument) => Some(&argument.ty),
        FnArg::Receiver(_) => None,
    });
    let check = match kind {
        Kind::Pre => quote!(assert_pre_action_handler),
        Kind::Post => quote!(assert_post_action_handler),
    };
    let span = name.span();
    let call = quote_spanned! {span=>
        #krate::handler::checks::#check::<#event_ty, #state_ty, (#(#argument_types,)*), _>(#name)
    };
    quote! {
        #[doc(hidden)]
        const _: () = {
            #[allow(dead_code, clippy::all)]
            fn __twilio_webhooks_check() {
                let _ = #call;
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(kind: Kind, item: TokenStream) -> String {
        match check(kind, TokenStream::new(), item) {
            Ok(_) => String::new(),
            Err(error) => error
                .into_iter()
                .map(|error| error.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    #[test]
    fn accepts_handlers() {
        let ok = [
            quote!(
                async fn h(e: OnMessageAdd) -> DecisionFor<OnMessageAdd> {}
            ),
            quote!(
                async fn h(e: events::OnMessageAdd) -> Decision<MessageModification> {}
            ),
            quote!(
                async fn h(
                    e: OnMessageAdd,
                    d: Delivery,
                    State(s): State<A>,
                ) -> anyhow::Result<DecisionFor<OnMessageAdd>> {
                }
            ),
            quote!(
                async fn h(e: OnParticipantAdd) -> Decision {}
            ),
            quote!(
                async fn h(e: OnParticipantAdd) -> Result<Decision<Unmodifiable>, E> {}
            ),
            quote!(
                async fn h(e: OnMessageUpdate) -> DecisionFor<OnMessageAdd> {}
            ),
            quote!(
                async fn h(e: OnMessageAdd) -> MyAlias {}
            ),
        ];
        for item in ok {
            assert_eq!(errors(Kind::Pre, item.clone()), "", "{item}");
        }
        let ok = [
            quote!(
                async fn h(e: OnMessageAdded) {}
            ),
            quote!(
                async fn h(e: PostActionEvent, s: State<A>) -> Result<(), E> {}
            ),
            quote!(
                async fn h(e: OnUserAdded) -> std::io::Result<()> {}
            ),
        ];
        for item in ok {
            assert_eq!(errors(Kind::Post, item.clone()), "", "{item}");
        }
    }

    #[test]
    fn rejects_mistakes() {
        let cases = [
            (Kind::Pre, quote!(fn h(e: OnMessageAdd) -> Decision<MessageModification> {}), "must be `async fn`"),
            (Kind::Pre, quote!(async fn h() -> Decision {}), "take the event as their first argument"),
            (Kind::Pre, quote!(async fn h(e: String) -> Decision {}), "`String` is not a Conversations event; expected one of the pre-action events"),
            (Kind::Pre, quote!(async fn h(e: OnMesageAdd) -> Decision {}), "did you mean `OnMessageAdd`?"),
            (Kind::Pre, quote!(async fn h(e: OnMessageAdded) {}), "`OnMessageAdded` is a post-action event; use #[post_action] (or take `OnMessageAdd`"),
            (Kind::Post, quote!(async fn h(e: OnUserUpdate) {}), "`OnUserUpdate` is a pre-action event; use #[pre_action] (or take `OnUserUpdated`"),
            (Kind::Pre, quote!(async fn h(e: OnMessageAdd) -> Decision<ConversationModification> {}), "can only be modified with a `MessageModification`"),
            (Kind::Pre, quote!(async fn h(e: OnMessageAdd) -> Result<Decision<ConversationModification>, E> {}), "can only be modified with a `MessageModification`"),
            (Kind::Pre, quote!(async fn h(e: OnConversationUpdate) -> Decision<MessageModification> {}), "can only be modified with a `ConversationModification`"),
            (Kind::Pre, quote!(async fn h(e: OnParticipantAdd) -> Decision<MessageModification> {}), "cannot be modified, only accepted or rejected"),
            (Kind::Pre, quote!(async fn h(e: OnMessageAdd) -> Decision {}), "`Decision` without a parameter"),
            (Kind::Pre, quote!(async fn h(e: OnMessageAdd) -> DecisionFor<OnConversationAdd> {}), "does not fit `OnMessageAdd`"),
            (Kind::Pre, quote!(async fn h(e: OnMessageAdd) {}), "must return a decision; add a return type: `-> DecisionFor<OnMessageAdd>` (or `-> Decision<MessageModification>`"),
            (Kind::Pre, quote!(async fn h(e: OnMessageAdd) -> Result<(), E> {}), "not `()`"),
            (Kind::Post, quote!(async fn h(e: OnMessageAdded) -> DecisionFor<OnMessageAdd> {}), "post-action events are only acknowledged"),
            (Kind::Post, quote!(async fn h(e: OnMessageAdded, x: String) {}), "this argument cannot be taken"),
            (Kind::Post, quote!(async fn h(e: OnMessageAdded, x: Delivery, y: Delivery) {}), "`Delivery` is taken twice"),
            (Kind::Post, quote!(async fn h(e: OnMessageAdded, x: Delivery, y: State<S>, z: State<S>) {}), "too many arguments"),
            (Kind::Post, quote!(async fn h(e: &OnMessageAdded) {}), "by value"),
            (Kind::Post, quote!(async fn h(&self, e: OnMessageAdded) {}), "cannot take `self`"),
            (Kind::Post, quote!(async fn h<T>(e: OnMessageAdded) {}), "generic handler"),
            (Kind::Post, quote!(async fn h(s: State<S>, e: OnMessageAdded) {}), "the event must be the first argument"),
            (Kind::Post, quote!(async fn h(s: State<S>) {}), "the event comes first"),
            (Kind::Pre, quote!(async fn h(e: PreActionEvent) -> Decision {}), "one event"),
            (Kind::Pre, quote!(struct S;), "goes on a handler"),
        ];
        for (kind, item, expected) in cases {
            let found = errors(kind, item.clone());
            assert!(
                found.contains(expected),
                "{item}\n  gave: {found}\n  expected: {expected}"
            );
        }
    }

    #[test]
    fn reports_each_mistake_once() {
        let found = errors(
            Kind::Post,
            quote!(
                async fn h(&self, e: OnMessageAdded) {}
            ),
        );
        assert_eq!(found.lines().count(), 1, "{found}");
        let found = errors(
            Kind::Post,
            quote!(
                async fn h(s: State<S>, e: OnMessageAdded) {}
            ),
        );
        assert_eq!(found.lines().count(), 1, "{found}");
    }

    #[test]
    fn reports_every_mistake() {
        let found = errors(
            Kind::Pre,
            quote!(
                fn h(e: OnMessageAdd, x: u8) {}
            ),
        );
        assert!(found.contains("async"), "{found}");
        assert!(found.contains("cannot be taken"), "{found}");
        assert!(found.contains("must return a decision"), "{found}");
    }

    #[test]
    fn crate_option() {
        let options: Options = syn::parse2(quote!(crate = "tw")).unwrap();
        assert_eq!(options.krate.to_token_stream().to_string(), "tw");
        assert!(syn::parse2::<Options>(quote!(krate = "tw")).is_err());
        assert!(syn::parse2::<Options>(quote!(crate = "tw", crate = "x")).is_err());
    }
}
