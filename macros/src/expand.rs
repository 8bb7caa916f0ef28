//! The checks and the generated assertions shared by `#[pre_action]` and `#[post_action]`.
//!
//! The macros know no event by name. They check what the syntax shows (an `async fn`, not
//! `unsafe`, not generic, no `self`, one to three arguments, a return type for a pre-action
//! handler); everything about types is left to compile-time assertions, one per type in the
//! signature and spanned at it, that go through the traits of `twilio_webhooks::handler::checks`.
//! Those traits carry the messages, so aliases and renamed imports work like any other path.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{FnArg, Ident, ItemFn, LitStr, ReturnType, Signature, Token, Type};

/// Whether a handler answers before (pre-action) or after (post-action) a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `#[pre_action]`: answered with a decision.
    Pre,
    /// `#[post_action]`: only acknowledged.
    Post,
    /// `#[stream_event]`: an Event Streams event, only acknowledged.
    Stream,
}

impl Kind {
    /// The attribute for this kind, as written.
    fn attribute(self) -> &'static str {
        match self {
            Self::Pre => "#[pre_action]",
            Self::Post => "#[post_action]",
            Self::Stream => "#[stream_event]",
        }
    }

    /// "pre-action" or "post-action".
    fn adjective(self) -> &'static str {
        match self {
            Self::Pre => "pre-action",
            Self::Post => "post-action",
            Self::Stream => "Event Streams",
        }
    }

    /// An event of this kind, for examples in messages.
    fn example_event(self) -> &'static str {
        match self {
            Self::Pre => "OnMessageAdd",
            Self::Post => "OnMessageAdded",
            Self::Stream => "MessageAdded",
        }
    }
}

/// The most arguments a handler takes: the event, `State<T>` and `Delivery`.
const MAX_ARGUMENTS: usize = 3;

/// Expands an attribute: the function exactly as written, then the errors found in its syntax
/// and the compile-time assertions about its types.
pub(crate) fn expand(kind: Kind, attr: TokenStream, item: TokenStream) -> TokenStream {
    let extra = match check(kind, attr, item.clone()) {
        Ok(expansion) => expansion.into_token_stream(),
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
                let unknown: TokenTree = input.parse()?;
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
}

/// What the attribute adds after the function.
struct Expansion {
    /// The mistakes seen in the syntax.
    errors: Errors,
    /// The type-level assertions, when the signature can be read by them.
    assertions: Option<TokenStream>,
}

impl ToTokens for Expansion {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        if let Some(errors) = &self.errors.0 {
            tokens.extend(errors.to_compile_error());
        }
        if let Some(assertions) = &self.assertions {
            tokens.extend(assertions.clone());
        }
    }
}

/// Which assertions the signature allows.
struct Plan<'a> {
    /// The function's name.
    name: &'a Ident,
    /// The argument types, in order.
    arguments: Vec<&'a Type>,
    /// The return type, when one is written.
    output: Option<&'a Type>,
    /// Whether the function can be called as a handler (so its future can be checked):
    /// `async`, not `unsafe`, with one to three arguments.
    callable: bool,
}

/// Checks the function's syntax; returns the errors found and the assertions to emit.
fn check(kind: Kind, attr: TokenStream, item: TokenStream) -> syn::Result<Expansion> {
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
    // Mistakes after which the types cannot be asserted outside the function: generic
    // parameters, `self`, `impl Trait` arguments.
    let mut unreadable = check_qualifiers(kind, sig, &mut errors);

    let mut arguments = Vec::new();
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(receiver) => {
                unreadable = true;
                errors.spanned(
                    receiver,
                    "handlers are plain functions and cannot take `self`; move the function out \
                     of the `impl` block and take what it needs as `State<T>`",
                );
            }
            FnArg::Typed(argument) => arguments.push(&*argument.ty),
        }
    }
    if arguments.is_empty() && !unreadable {
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
    }
    for ty in arguments.iter().skip(MAX_ARGUMENTS) {
        errors.spanned(
            ty,
            "too many arguments: a handler takes the event, then optionally `State<T>` (the \
             router's shared state) and `Delivery` (the request's metadata), in either order",
        );
    }
    for ty in &arguments {
        if contains_impl(ty.to_token_stream()) {
            unreadable = true;
            errors.spanned(
                ty,
                "handlers cannot take `impl Trait` arguments (they make the function generic); \
                 write the type",
            );
        }
    }
    let extras = arguments
        .get(1..MAX_ARGUMENTS.min(arguments.len()))
        .unwrap_or(&[]);
    for (index, ty) in extras.iter().enumerate() {
        let written = ty.to_token_stream().to_string();
        if extras[..index]
            .iter()
            .any(|earlier| earlier.to_token_stream().to_string() == written)
        {
            errors.spanned(
                ty,
                format!("`{}` is taken twice; take it once", tidy(&written)),
            );
        }
    }

    let output = match &sig.output {
        ReturnType::Type(_, ty) => Some(&**ty),
        ReturnType::Default => None,
    };
    if kind == Kind::Pre && output.is_none() {
        let event = arguments.first().map_or_else(
            || kind.example_event().to_owned(),
            |ty| tidy(&ty.to_token_stream().to_string()),
        );
        errors.spanned(
            sig,
            format!(
                "pre-action handlers must return a decision; add a return type: \
                 `-> DecisionFor<{event}>` (or a `Result` of it)"
            ),
        );
    }

    let assertions = (!unreadable && !arguments.is_empty()).then(|| {
        let callable =
            sig.asyncness.is_some() && sig.unsafety.is_none() && arguments.len() <= MAX_ARGUMENTS;
        let plan = Plan {
            name: &sig.ident,
            arguments,
            output,
            callable,
        };
        assertions(kind, &options.krate, &plan)
    });
    Ok(Expansion { errors, assertions })
}

/// `async`, not `unsafe`, not generic. Returns whether the mistake makes the signature
/// unreadable by the assertions.
fn check_qualifiers(kind: Kind, sig: &Signature, errors: &mut Errors) -> bool {
    let mut unreadable = false;
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
        unreadable = true;
        errors.spanned(
            generics,
            format!(
                "{} cannot check a generic handler; remove the generic parameters, or \
                 register a non-generic function that calls this one",
                kind.attribute()
            ),
        );
    } else if let Some(where_clause) = &generics.where_clause {
        unreadable = true;
        errors.spanned(
            where_clause,
            "handlers cannot have a `where` clause; remove it",
        );
    }
    if let Some(variadic) = &sig.variadic {
        unreadable = true;
        errors.spanned(variadic, "handlers cannot be variadic");
    }
    unreadable
}

/// Whether a type mentions `impl Trait` anywhere.
fn contains_impl(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Ident(ident) => ident == "impl",
        TokenTree::Group(group) => contains_impl(group.stream()),
        _ => false,
    })
}

/// The same tokens, all at `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(group) = &token {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), respan(group.stream(), span));
                inner.set_span(span);
                token = TokenTree::Group(inner);
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}

/// A type as written, without the spaces `to_string` puts around punctuation.
fn tidy(written: &str) -> String {
    written
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" < ", "<")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace("& ", "&")
}

/// The hidden assertions: one call per type in the signature, spanned at it, so an error about
/// a type points at that type. The function itself is checked only for what no single type
/// shows (a future that is not `Send`).
fn assertions(kind: Kind, krate: &syn::Path, plan: &Plan<'_>) -> TokenStream {
    let checks = quote!(#krate::handler::checks);
    let event_var = Ident::new("__twilio_webhooks_event", Span::mixed_site());
    let name = plan.name;
    let event = plan.arguments[0];
    let argument_types = &plan.arguments;
    let args = quote!((#(#argument_types,)*));

    let mut body = TokenStream::new();
    // Webhook events and arguments are first sorted into a kind (the `_`); an Event Streams
    // handler's are checked directly.
    let (event_check, argument_check, kind_arg) = match kind {
        Kind::Pre => (quote!(pre_action_event), quote!(argument), quote!(, _)),
        Kind::Post => (quote!(post_action_event), quote!(argument), quote!(, _)),
        Kind::Stream => (quote!(stream_event), quote!(stream_argument), quote!()),
    };
    body.extend(quote_spanned! {event.span()=>
        let #event_var = #checks::#event_check::<#event #kind_arg>();
    });
    for ty in plan.arguments.iter().take(MAX_ARGUMENTS).skip(1) {
        body.extend(quote_spanned! {ty.span()=>
            #checks::#argument_check::<#ty #kind_arg>();
        });
    }
    if let Some(output) = plan.output {
        let (by_type, by_function) = match kind {
            Kind::Pre => (quote!(pre_action_output), quote!(pre_action_returns)),
            Kind::Post => (quote!(post_action_output), quote!(post_action_returns)),
            Kind::Stream => (quote!(stream_output), quote!(stream_returns)),
        };
        if !contains_impl(output.to_token_stream()) {
            body.extend(quote_spanned! {output.span()=>
                #checks::#by_type::<#output, _, _>(&#event_var);
            });
        } else if plan.callable {
            // `impl Trait` cannot be written in a turbofish: ask the function what it returns,
            // with every token at the return type so that is where an error points.
            let span = output.span();
            let function = respan(quote!(#checks::#by_function::<#args, _, _, _>), span);
            let name = respan(quote!(#name), span);
            body.extend(quote_spanned! {span=>
                #function(&#event_var, &#name);
            });
        }
    }
    if plan.callable {
        body.extend(quote_spanned! {name.span()=>
            #checks::send_future::<#args, _>(&#name);
        });
    }
    quote! {
        #[doc(hidden)]
        const _: () = {
            #[allow(dead_code, unused, clippy::all)]
            fn __twilio_webhooks_check() {
                #body
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expansion(kind: Kind, item: TokenStream) -> Expansion {
        match check(kind, TokenStream::new(), item) {
            Ok(expansion) => expansion,
            Err(error) => Expansion {
                errors: Errors(Some(error)),
                assertions: None,
            },
        }
    }

    fn errors(kind: Kind, item: TokenStream) -> String {
        match expansion(kind, item).errors.0 {
            None => String::new(),
            Some(error) => error
                .into_iter()
                .map(|error| error.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    fn assertions(kind: Kind, item: TokenStream) -> String {
        expansion(kind, item)
            .assertions
            .map(|tokens| tokens.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn accepts_any_types() {
        // Nothing is known about types: any name, alias or path passes the syntax checks.
        let ok = [
            quote!(
                async fn h(e: OnMessageAdd) -> DecisionFor<OnMessageAdd> {}
            ),
            quote!(
                async fn h(e: Incoming) -> Answer {}
            ),
            quote!(
                async fn h(e: String, d: Delivery, State(s): State<A>) -> anyhow::Result<D> {}
            ),
            quote!(
                async fn h(e: conversations::OnParticipantAdd) -> Decision {}
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
                async fn h(e: All, s: State<A>) -> Result<(), E> {}
            ),
            quote!(
                async fn h(e: OnUserAdded) -> DecisionFor<OnMessageAdd> {}
            ),
        ];
        for item in ok {
            assert_eq!(errors(Kind::Post, item.clone()), "", "{item}");
        }
    }

    #[test]
    fn rejects_what_the_syntax_shows() {
        let cases = [
            (
                Kind::Pre,
                quote!(
                    fn h(e: E) -> D {}
                ),
                "must be `async fn`",
            ),
            (
                Kind::Pre,
                quote!(
                    async fn h() -> D {}
                ),
                "take the event as their first argument",
            ),
            (
                Kind::Pre,
                quote!(
                    async fn h(e: OnMessageAdd) {}
                ),
                "must return a decision; add a return type: `-> DecisionFor<OnMessageAdd>`",
            ),
            (
                Kind::Pre,
                quote!(
                    async fn h(e: conversations::OnMessageAdd) {}
                ),
                "`-> DecisionFor<conversations::OnMessageAdd>`",
            ),
            (
                Kind::Post,
                quote!(
                    async fn h(e: E, x: Delivery, y: Delivery) {}
                ),
                "`Delivery` is taken twice",
            ),
            (
                Kind::Post,
                quote!(
                    async fn h(e: E, x: Delivery, y: State<S>, z: State<S>) {}
                ),
                "too many arguments",
            ),
            (
                Kind::Post,
                quote!(
                    async fn h(e: E, x: impl Clone) {}
                ),
                "`impl Trait` arguments",
            ),
            (
                Kind::Post,
                quote!(
                    async fn h(&self, e: E) {}
                ),
                "cannot take `self`",
            ),
            (
                Kind::Post,
                quote!(
                    async fn h<T>(e: E) {}
                ),
                "generic handler",
            ),
            (
                Kind::Post,
                quote!(
                    async fn h(e: E)
                    where
                        E: Clone,
                    {
                    }
                ),
                "`where` clause",
            ),
            (
                Kind::Post,
                quote!(
                    async unsafe fn h(e: E) {}
                ),
                "cannot be `unsafe fn`",
            ),
            (
                Kind::Pre,
                quote!(
                    struct S;
                ),
                "goes on a handler",
            ),
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
    }

    #[test]
    fn reports_every_syntax_mistake() {
        let found = errors(
            Kind::Pre,
            quote!(
                unsafe fn h(e: OnMessageAdd, x: u8, y: u8, z: u8) {}
            ),
        );
        assert!(found.contains("async"), "{found}");
        assert!(found.contains("unsafe"), "{found}");
        assert!(found.contains("too many arguments"), "{found}");
        assert!(found.contains("must return a decision"), "{found}");
    }

    #[test]
    fn asserts_each_type_where_it_is_written() {
        let pre = assertions(
            Kind::Pre,
            quote!(
                async fn h(e: Incoming, s: State<A>, d: Delivery) -> Answer {}
            ),
        );
        for expected in [
            "pre_action_event :: < Incoming , _ >",
            "argument :: < State < A > , _ >",
            "argument :: < Delivery , _ >",
            "pre_action_output :: < Answer , _ , _ >",
            "send_future :: < (Incoming , State < A > , Delivery ,) , _ > (& h)",
        ] {
            assert!(pre.contains(expected), "{pre}\n  lacks: {expected}");
        }
        let post = assertions(
            Kind::Post,
            quote!(
                async fn h(e: All) {}
            ),
        );
        assert!(post.contains("post_action_event :: < All , _ >"), "{post}");
        assert!(!post.contains("post_action_output"), "{post}");
        assert!(post.contains("send_future"), "{post}");
    }

    #[test]
    fn asserts_only_what_the_syntax_allows() {
        // Not async: the types are still checked, the future is not.
        let sync = assertions(
            Kind::Pre,
            quote!(
                fn h(e: E) -> D {}
            ),
        );
        assert!(sync.contains("pre_action_output"), "{sync}");
        assert!(!sync.contains("send_future"), "{sync}");
        // `impl Trait` in the return type: checked through the function.
        let opaque = assertions(
            Kind::Pre,
            quote!(
                async fn h(e: E) -> impl Sized {}
            ),
        );
        assert!(opaque.contains("pre_action_returns"), "{opaque}");
        assert!(!opaque.contains("pre_action_output"), "{opaque}");
        // Generic, `self`, or no argument: nothing can be asserted.
        for item in [
            quote!(
                async fn h<T>(e: T) {}
            ),
            quote!(
                async fn h(&self, e: E) {}
            ),
            quote!(
                async fn h() {}
            ),
        ] {
            assert_eq!(assertions(Kind::Post, item.clone()), "", "{item}");
        }
    }

    #[test]
    fn tidies_written_types() {
        let written = quote!(twilio_webhooks::conversations::OnMessageAdd).to_string();
        assert_eq!(
            tidy(&written),
            "twilio_webhooks::conversations::OnMessageAdd"
        );
        let written = quote!(Result<Decision<M>, E>).to_string();
        assert_eq!(tidy(&written), "Result<Decision<M>, E>");
    }

    #[test]
    fn crate_option() {
        let options: Options = syn::parse2(quote!(crate = "tw")).unwrap();
        assert_eq!(options.krate.to_token_stream().to_string(), "tw");
        assert!(syn::parse2::<Options>(quote!(krate = "tw")).is_err());
        assert!(syn::parse2::<Options>(quote!(crate = "tw", crate = "x")).is_err());
    }
}
