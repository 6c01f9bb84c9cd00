//! The method's `Error` enum: one variant per documented code, then the
//! portal's system errors, other API errors and transport failures.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::Method;
use crate::naming::{self, Names};

/// Variants every method's error has; documented codes never take these names.
const FIXED: &[&str] = &["System", "Api", "Transport", "Decode", "OutcomeUnknown"];

/// The `Error` enum with its `Display`, `Error` and `From<CallError>` impls.
pub fn error_enum(method: &Method) -> TokenStream {
    let mut names = Names::with(FIXED);
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut api_arms = Vec::new();
    for error in &method.errors {
        let mut wanted = naming::camel(&error.code);
        if FIXED.contains(&wanted.as_str()) {
            wanted.push_str("Code");
        }
        let variant = format_ident!("{}", names.claim(&wanted));
        let code = &error.code;
        let doc = if error.description.is_empty() {
            format!(" `{code}`.")
        } else {
            format!(" `{code}`: {}", error.description)
        };
        variants.push(quote! {
            #[doc = #doc]
            #variant(::bitrix24::ApiError),
        });
        arms.push(quote! { #code => Error::#variant(api), });
        api_arms.push(quote! { Error::#variant(api) });
    }
    let doc = format!(" Errors of `{}`.", method.method);
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum Error {
            #(#variants)*
            /// A system error any method may return (rate limits, auth, overload...).
            System(::bitrix24::SystemError),
            /// An API error the page does not document.
            Api(::bitrix24::ApiError),
            /// The request did not reach the portal, or no response came back.
            Transport(::bitrix24::TransportError),
            /// The response could not be read; it carries the raw body.
            Decode(::bitrix24::DecodeError),
            /// The request may or may not have run, and repeating it could duplicate a write.
            OutcomeUnknown(::bitrix24::TransportError),
        }

        #[automatically_derived]
        impl Error {
            /// The portal's error code, for errors the portal answered with.
            pub fn code(&self) -> ::core::option::Option<&str> {
                self.api().map(|api| api.code.as_str())
            }

            /// The portal's error, for errors the portal answered with.
            pub fn api(&self) -> ::core::option::Option<&::bitrix24::ApiError> {
                match self {
                    #(#api_arms => ::core::option::Option::Some(api),)*
                    Error::System(system) => ::core::option::Option::Some(&system.api),
                    Error::Api(api) => ::core::option::Option::Some(api),
                    _ => ::core::option::Option::None,
                }
            }
        }

        #[automatically_derived]
        impl ::core::fmt::Display for Error {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self {
                    Error::System(e) => ::core::fmt::Display::fmt(e, f),
                    Error::Transport(e) => ::core::fmt::Display::fmt(e, f),
                    Error::Decode(e) => ::core::fmt::Display::fmt(e, f),
                    Error::OutcomeUnknown(e) => ::core::write!(f, "outcome unknown: {}", e),
                    other => match other.api() {
                        ::core::option::Option::Some(api) => ::core::fmt::Display::fmt(api, f),
                        ::core::option::Option::None => f.write_str("error"),
                    },
                }
            }
        }

        #[automatically_derived]
        impl ::std::error::Error for Error {
            fn source(&self) -> ::core::option::Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    Error::Transport(e) | Error::OutcomeUnknown(e) => ::core::option::Option::Some(e),
                    Error::Decode(e) => ::core::option::Option::Some(e),
                    _ => ::core::option::Option::None,
                }
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<::bitrix24::CallError> for Error {
            fn from(error: ::bitrix24::CallError) -> Self {
                match error {
                    ::bitrix24::CallError::Api(api) => match api.code.as_str() {
                        #(#arms)*
                        _ => match ::bitrix24::SystemError::classify(api) {
                            ::core::result::Result::Ok(system) => Error::System(system),
                            ::core::result::Result::Err(api) => Error::Api(api),
                        },
                    },
                    ::bitrix24::CallError::Transport(e) => Error::Transport(e),
                    ::bitrix24::CallError::Decode(e) => Error::Decode(e),
                    ::bitrix24::CallError::OutcomeUnknown(e) => Error::OutcomeUnknown(e),
                }
            }
        }
    }
}
