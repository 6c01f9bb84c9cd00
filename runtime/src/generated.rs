//! The fixed parts of every generated module, written once here instead of
//! in each expansion: the method's `METHOD`, `Call` impl and `call` function,
//! its structs with their derives and serde attributes, its `Error` enum with
//! its impls, and open enums of documented values. The code generator invokes
//! these with the page-specific parts (names, wire names, types, codes,
//! values and docs).
//!
//! Each macro is one non-recursive repetition: a struct of hundreds of fields
//! is matched and transcribed in one linear pass, never munched token by
//! token. Docs come as bare string literals, which the macros wrap in
//! `#[doc = ...]`: the generator makes one token per doc instead of four.
//!
//! Hidden API: the names and shapes may change with the code generator,
//! which is pinned to this crate's exact version.

/// What makes a module the binding of one method: `METHOD`, `Output` when
/// it is not a struct, `impl Call for Params`, `impl ListMethod for Params`
/// for paged methods, and the `call` function.
///
/// ```text
/// __method! {
///     "crm.lead.list" Read V2 plain;
///     type Output = ::std::vec::Vec<Item>;
///     list Item, "ID" in "items";
///     deprecated "Use crm.item.list instead.";
/// }
/// ```
///
/// First the method's name, its [`Retry`](crate::Retry) and
/// [`ApiVersion`](crate::ApiVersion) variants, and the [`wire`](crate::wire)
/// helper that decodes `result` into `Output` (`plain`: `Output`'s own
/// `Deserialize`; named rather than implied by an absent helper, since a
/// repetition cannot write anything in its own absence). Then, each when the
/// page calls for it: `Output` as a type
/// alias (otherwise `Output` is a struct of the module); the list item type
/// and its ID field, with the key of `result` that holds the list when the
/// list is not `result` itself; the deprecation note, for `call` (the module
/// passes it to `Params` itself, through [`__record!`]).
///
/// The optional parts are independent groups, each starting with its own
/// keyword, so one linear match reads them and none needs a second arm.
#[doc(hidden)]
#[macro_export]
macro_rules! __method {
    (
        $method:literal $retry:ident $api:ident $decode:ident;
        $( type Output = $output:ty; )?
        $( list $item:ty, $id:literal $(in $key:literal)?; )?
        $( deprecated $note:literal; )?
    ) => {
        /// The REST method this module binds.
        pub const METHOD: &str = $method;

        $(
            /// What the method returns in `result`.
            pub type Output = $output;
        )?

        #[automatically_derived]
        impl $crate::Call for Params {
            const METHOD: &'static str = $method;
            const RETRY: $crate::Retry = $crate::Retry::$retry;
            const API: $crate::ApiVersion = $crate::ApiVersion::$api;
            type Output = Output;
            type Error = Error;

            #[inline]
            fn decode(
                result: $crate::__private::serde_json::Value,
            ) -> ::core::result::Result<Output, $crate::__private::serde_json::Error> {
                $crate::wire::$decode::deserialize(result)
            }

            #[inline]
            fn decode_text(
                result: &str,
            ) -> ::core::result::Result<Output, $crate::__private::serde_json::Error> {
                let mut text = $crate::__private::serde_json::Deserializer::from_str(result);
                let output = $crate::wire::$decode::deserialize(&mut text)?;
                text.end()?;
                ::core::result::Result::Ok(output)
            }
        }

        $(
            // Without a key `result` is the list itself: the trait's
            // default `ITEMS_KEY` is `None`.
            #[automatically_derived]
            impl $crate::ListMethod for Params {
                type Item = $item;
                $( const ITEMS_KEY: ::core::option::Option<&'static str> =
                    ::core::option::Option::Some($key); )?
                const ID_FIELD: &'static str = $id;
            }
        )?

        $( #[deprecated(note = $note)] )?
        /// Calls the method on `client` and decodes its result.
        ///
        /// A plain function returning the client's future rather than an
        /// `async fn`: the call's state machine is compiled only where a
        /// method is called, not for every method a crate binds, and
        /// `#[inline]` so that a bindings crate compiles no code for it at all.
        #[inline]
        pub fn call(
            client: &$crate::Client,
            params: Params,
        ) -> impl ::core::future::Future<Output = ::core::result::Result<Output, Error>> + '_ {
            client.call(params)
        }
    };
}

/// A struct of a method's parameters or result, or of a nested object.
///
/// ```text
/// __record! {
///     " Struct doc." Name {
///         " Field doc." "WIRE_NAME" field: Type = helper;
///         " Field doc." "fieldName" field_name?: Type = opt_helper;
///         .. user_fields
///     }
/// }
/// ```
///
/// Per field: its doc, its wire name, `?` when the field is optional (its
/// type is then wrapped in `Option`, `None` when missing and not written
/// when `None`), and the [`wire`](crate::wire) helper that reads and writes
/// it leniently (`plain` for a type's own serde format). A trailing
/// `.. name` adds a map that keeps every key the struct does not name
/// (custom `UF_...` fields). Attributes other than the doc (say
/// `#[deprecated]`) may precede the struct's doc.
///
/// `Serialize` and `Deserialize` are not derived. Reading is
/// [`wire::record::Record`](crate::wire::record::Record): the table of wire
/// names and which fields are required, and `fill`, which reads field `i`
/// straight from the deserializer into its slot with its helper; the
/// visitor, key matching and checks are written once in
/// [`wire::record`](crate::wire::record). Writing is `Record::write`, one
/// call per field into a [`Writer`](crate::wire::record::Writer) with the
/// field's helper as a type argument: no closure and no `?` per field, as
/// each would be a body or a branch of its own for the compiler to check
/// (see that module for the exact behaviour, which is serde's derive with
/// `with`, `default`, `skip_serializing_if` and `flatten`). The optional and required forms are two optional groups
/// rather than one marker so that `Option<...>` is written here, not by
/// the generator for every optional field.
#[doc(hidden)]
#[macro_export]
macro_rules! __record {
    (
        $(#[$attr:meta])* $doc:literal $name:ident {
            $(
                $field_doc:literal $wire:literal $field:ident
                $(? : $optional:ty)? $(: $required:ty)? = $helper:ident ;
            )*
            $(.. $rest:ident)?
        }
    ) => {
        $(#[$attr])*
        #[doc = $doc]
        #[derive(
            ::core::fmt::Debug,
            ::core::clone::Clone,
            ::core::cmp::PartialEq,
            ::core::default::Default,
        )]
        pub struct $name {
            $(
                #[doc = $field_doc]
                $( pub $field: ::core::option::Option<$optional>, )?
                $( pub $field: $required, )?
            )*
            $(
                /// Custom fields (`UF_...`) and any other keys not named above.
                pub $rest: ::std::collections::BTreeMap<
                    ::std::string::String,
                    $crate::__private::serde_json::Value,
                >,
            )?
        }

        #[automatically_derived]
        #[allow(deprecated)]
        impl $crate::wire::record::Record for $name {
            const NAME: &'static str = ::core::stringify!($name);
            const FIELDS: &'static [&'static str] = &[$($wire),*];
            const REQUIRED: &'static [bool] = &[$(
                $({ let _ = ::core::stringify!($optional); false })?
                $({ let _ = ::core::stringify!($required); true })?
            ),*];
            const OPEN: bool = false $(|| { let _ = ::core::stringify!($rest); true })?;

            // `#[inline]`: compiled where a decode needs it, not for every
            // struct of the crate. Field `i` is the `i`-th test; the chain
            // of constant comparisons compiles to a jump.
            #[inline]
            #[allow(unused_assignments, unused_mut, unused_variables)]
            fn fill<'de, S: $crate::wire::record::Source<'de>>(
                &mut self,
                at: usize,
                source: S,
            ) -> ::core::result::Result<bool, S::Error> {
                let mut field = 0usize;
                $(
                    if at == field {
                        return source.read::<_, $crate::wire::$helper::Reader>(&mut self.$field);
                    }
                    field += 1;
                )*
                ::core::result::Result::Ok(false)
            }

            #[inline]
            fn rest(
                &mut self,
            ) -> ::core::option::Option<
                &mut ::std::collections::BTreeMap<
                    ::std::string::String,
                    $crate::__private::serde_json::Value,
                >,
            > {
                ::core::option::Option::None $(.or(::core::option::Option::Some(&mut self.$rest)))?
            }

            // One call per field: the helper is a type argument, not a closure.
            #[inline]
            #[allow(unused_variables)]
            fn write(&self, out: &mut $crate::wire::record::Writer) {
                $(
                    $( out.put_some::<$optional, $crate::wire::$helper::Reader> )?
                    $( out.put::<$required, $crate::wire::$helper::Reader> )?
                    ($wire, &self.$field);
                )*
                $( out.put_rest(&self.$rest); )?
            }
        }

        #[automatically_derived]
        #[allow(deprecated)]
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            #[inline]
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::wire::record::read(deserializer)
            }
        }

        #[automatically_derived]
        #[allow(deprecated)]
        impl $crate::__private::serde::Serialize for $name {
            #[inline]
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::wire::record::write(self, serializer)
            }
        }
    };
}

/// `Error` for a method: one variant per documented code, then system, API,
/// transport, decoding and outcome-unknown errors.
#[doc(hidden)]
#[macro_export]
macro_rules! __method_error {
    (
        $doc:literal { $( $variant_doc:literal $variant:ident = $code:literal, )* }
    ) => {
        #[doc = $doc]
        #[derive(::core::fmt::Debug)]
        #[non_exhaustive]
        pub enum Error {
            $( #[doc = $variant_doc] $variant($crate::ApiError), )*
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
            #[inline]
            pub fn code(&self) -> ::core::option::Option<&str> {
                self.api().map(|api| api.code.as_str())
            }

            /// The portal's error, for errors the portal answered with.
            #[inline]
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
            #[inline]
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
            #[inline]
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
            #[inline]
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
        $doc:literal $name:ident { $( $variant_doc:literal $variant:ident = $wire:literal, )* }
    ) => {
        #[doc = $doc]
        #[derive(
            ::core::fmt::Debug,
            ::core::clone::Clone,
            ::core::cmp::PartialEq,
            ::core::cmp::Eq,
            ::core::hash::Hash,
        )]
        pub enum $name {
            $( #[doc = $variant_doc] $variant, )*
            /// A value the documentation does not list.
            Other(::std::string::String),
        }

        #[automatically_derived]
        impl $name {
            /// The value as sent on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Other(value) => value,
                }
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<&str> for $name {
            #[inline]
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )*
                    other => Self::Other(::std::string::ToString::to_string(other)),
                }
            }
        }

        #[automatically_derived]
        impl ::core::default::Default for $name {
            #[inline]
            fn default() -> Self {
                Self::Other(::std::string::String::new())
            }
        }

        #[automatically_derived]
        #[allow(deprecated)]
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #[automatically_derived]
        #[allow(deprecated)]
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
