//! The fixed parts of every generated module, written once here instead of
//! in each expansion: the method's `Error` enum with its impls, and open
//! enums of documented values. The code generator invokes these with the
//! page-specific parts (variant names, codes, values and their docs).
//!
//! Hidden API: the names and shapes may change with the code generator,
//! which is pinned to this crate's exact version.

/// `Error` for a method: one variant per documented code, then system, API,
/// transport, decoding and outcome-unknown errors.
#[doc(hidden)]
#[macro_export]
macro_rules! __method_error {
    (
        $(#[$meta:meta])*
        { $( $(#[$variant_meta:meta])* $variant:ident = $code:literal, )* }
    ) => {
        $(#[$meta])*
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum Error {
            $( $(#[$variant_meta])* $variant($crate::ApiError), )*
            /// A system error any method may return (rate limits, auth, overload...).
            System($crate::SystemError),
            /// An API error the page does not document.
            Api($crate::ApiError),
            /// The request did not reach the portal, or no response came back.
            Transport($crate::TransportError),
            /// The response could not be read; it carries the raw body.
            Decode($crate::DecodeError),
            /// The request may or may not have run, and repeating it could duplicate a write.
            OutcomeUnknown($crate::TransportError),
        }

        #[automatically_derived]
        impl Error {
            /// The portal's error code, for errors the portal answered with.
            pub fn code(&self) -> ::core::option::Option<&str> {
                self.api().map(|api| api.code.as_str())
            }

            /// The portal's error, for errors the portal answered with.
            pub fn api(&self) -> ::core::option::Option<&$crate::ApiError> {
                match self {
                    $( Error::$variant(api) => ::core::option::Option::Some(api), )*
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
        impl ::core::convert::From<$crate::CallError> for Error {
            fn from(error: $crate::CallError) -> Self {
                match error {
                    $crate::CallError::Api(api) => match api.code.as_str() {
                        $( $code => Error::$variant(api), )*
                        _ => match $crate::SystemError::classify(api) {
                            ::core::result::Result::Ok(system) => Error::System(system),
                            ::core::result::Result::Err(api) => Error::Api(api),
                        },
                    },
                    $crate::CallError::Transport(e) => Error::Transport(e),
                    $crate::CallError::Decode(e) => Error::Decode(e),
                    $crate::CallError::OutcomeUnknown(e) => Error::OutcomeUnknown(e),
                }
            }
        }
    };
}

/// An enum of documented values that still carries values the page did not
/// list (`Other`), sent and read as text.
#[doc(hidden)]
#[macro_export]
macro_rules! __open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$variant_meta:meta])* $variant:ident = $wire:literal, )* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )*
            /// A value the documentation does not list.
            Other(::std::string::String),
        }

        #[automatically_derived]
        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Other(value) => value,
                }
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )*
                    other => Self::Other(::std::string::ToString::to_string(other)),
                }
            }
        }

        #[automatically_derived]
        impl ::core::default::Default for $name {
            fn default() -> Self {
                Self::Other(::std::string::String::new())
            }
        }

        #[automatically_derived]
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #[automatically_derived]
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let text = $crate::wire::enum_text(deserializer)?;
                ::core::result::Result::Ok(Self::from(text.as_str()))
            }
        }
    };
}
