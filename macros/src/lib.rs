//! The proc-macro front end of `bitrix24` (`bitrix_method!`, `bitrix_event!`,
//! `bitrix_api!`): reads the macro's argument,
//! resolves the path, asks `bitrix24-codegen` for the bindings and makes
//! cargo track every file that was read. All the work is in the engine.
//!
//! A page that fails gives one error per problem, each on the path literal,
//! and the engine's stub of its module ([`bitrix24_codegen::fallback::stub`]),
//! so code that uses the module sees those errors and no others.

use std::path::{Path, PathBuf};

use proc_macro::TokenStream;
use quote::quote;
use syn::LitStr;

mod method;

use method::Target;

/// Generates typed bindings for the REST method documented by a page.
///
/// The argument is a page's path, relative to the invoking crate's
/// `CARGO_MANIFEST_DIR` (or absolute), or a method's name
/// (`bitrix_method!("crm.deal.list")`), whose page is found under the
/// crate's `docs-input/` folder, or the folder `docs = ".."` names: by the
/// folder's `b24 vendor` manifest, then by file name, then by the method
/// each page documents; so a page that moves inside the folder keeps
/// binding. An unknown name is an error listing the closest names. See the
/// `bitrix24` crate for what the module holds.
#[proc_macro]
pub fn bitrix_method(input: TokenStream) -> TokenStream {
    let target = match syn::parse::<Target>(input) {
        Ok(target) => target,
        Err(error) => return error.to_compile_error().into(),
    };
    let (path, shown) = match target.page() {
        Ok(found) => found,
        Err(error) => return failed(&target.literal, &error).into(),
    };
    let loaded = match bitrix24_codegen::load_in(&path, &shown, Some(&manifest_dir())) {
        Ok(loaded) => loaded,
        Err(error) => return failed(&target.literal, &error).into(),
    };
    let module = bitrix24_codegen::generate(&loaded.method);
    let tracked = track(&loaded.files);
    quote! {
        #module
        #(#tracked)*
    }
    .into()
}

/// The attribute form of [`bitrix_method!`], on a module the user names:
/// `#[bitrix24::method("crm.deal.list")] pub mod deals {}` puts the method's
/// bindings in `deals`, with the module's own visibility, attributes and any
/// items written inside it (kept after the generated ones). The argument is
/// read as [`bitrix_method!`]'s (a path, or a name with `docs = ".."`).
///
/// (A function-like and an attribute macro share one namespace, so this
/// form is `method`, not `bitrix_method`.)
#[proc_macro_attribute]
pub fn method(args: TokenStream, item: TokenStream) -> TokenStream {
    let target = match syn::parse::<Target>(args) {
        Ok(target) => target,
        Err(error) => return error.to_compile_error().into(),
    };
    let module = match syn::parse::<syn::ItemMod>(item) {
        Ok(module) => module,
        Err(error) => {
            return syn::Error::new(
                error.span(),
                "`#[bitrix24::method]` goes on a module: `pub mod name {}`",
            )
            .to_compile_error()
            .into()
        }
    };
    let syn::ItemMod {
        attrs,
        vis,
        ident,
        content,
        ..
    } = module;
    let Some((_, items)) = content else {
        return syn::Error::new(
            ident.span(),
            "`#[bitrix24::method]` needs the module's body here (`mod name {}`), not in a file",
        )
        .to_compile_error()
        .into();
    };
    let loaded = target
        .page()
        .and_then(|(path, shown)| bitrix24_codegen::load_in(&path, &shown, Some(&manifest_dir())));
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(error) => {
            let errors = errors_of(&target.literal, &error);
            // The user's module stays, holding the errors, so code that
            // names it meets no second error.
            return quote! {
                #(#attrs)*
                #vis mod #ident {
                    #errors
                    #(#items)*
                }
            }
            .into();
        }
    };
    let tracked = track(&loaded.files);
    let extra = quote! {
        #(#items)*
        #(#tracked)*
    };
    let module = bitrix24_codegen::generate_as(&loaded.method, quote!(#vis), ident.clone(), extra);
    quote! {
        #(#attrs)*
        #module
    }
    .into()
}

/// Generates the typed payload of the event documented by a page: a module
/// named by the event (`onCrmLeadAdd` → `on_crm_lead_add`) with `EVENT`
/// (its code), `Data` (what `data` holds) and `Payload`.
///
/// The path is resolved like [`bitrix_method!`]'s, and a page that fails
/// gives one error per problem on the literal and a stub of its module.
#[proc_macro]
pub fn bitrix_event(input: TokenStream) -> TokenStream {
    let literal = match syn::parse::<LitStr>(input) {
        Ok(literal) => literal,
        Err(error) => return error.to_compile_error().into(),
    };
    let shown = literal.value();
    let path = resolve(&shown);
    match bitrix24_codegen::load_event_in(&path, &shown, Some(&manifest_dir())) {
        Ok(loaded) => {
            let module = bitrix24_codegen::generate_event(&loaded.event);
            let tracked = track(&loaded.files);
            quote! {
                #module
                #(#tracked)*
            }
        }
        Err(error) => failed(&literal, &error),
    }
    .into()
}

/// Generates one module tree for every method page under a directory, named
/// by method path (`crm.lead.contact.items.set` → `crm::lead::contact::items::set`),
/// and an `events` module for every event page under it: a module per event
/// (as [`bitrix_event!`] makes) and `events::Event`, one enum of them all.
///
/// `bitrix_api!("dir", methods = ["crm.lead.*", "crm.deal.list"], events = ["onCrmLead*"])`
/// binds only the methods whose name, and the events whose code, matches
/// one of the globs (`*` any run of characters, dots included; `?` one
/// character; ASCII case ignored). A list left out binds all of its kind,
/// an empty list none. A glob that matches nothing is an error on that glob.
///
/// The path is resolved like [`bitrix_method!`]'s. Pages that are neither
/// method nor event pages are ignored; pages that cannot be bound are listed
/// in the doc of the top-level modules. Every file read is tracked, so editing a page
/// rebuilds the crate (a page added to the directory needs a touch of the
/// invoking file).
#[proc_macro]
pub fn bitrix_api(input: TokenStream) -> TokenStream {
    let args = match syn::parse::<ApiArgs>(input) {
        Ok(args) => args,
        Err(error) => return error.to_compile_error().into(),
    };
    let shown = args.dir.value();
    let dir = resolve(&shown);
    let select = bitrix24_codegen::tree::Select {
        methods: args.methods.as_ref().map(|globs| values(globs)),
        events: args.events.as_ref().map(|globs| values(globs)),
    };
    match bitrix24_codegen::tree::api_tree_select(&dir, &shown, Some(&manifest_dir()), &select) {
        Ok(tree) => {
            let tokens = tree.tokens;
            let tracked = track(&tree.files);
            let errors = tree.unmatched.iter().filter_map(|unmatched| {
                let list = if unmatched.event {
                    &args.events
                } else {
                    &args.methods
                };
                let glob = list.as_ref()?.get(unmatched.index)?;
                Some(syn::Error::new(glob.span(), &unmatched.message).to_compile_error())
            });
            quote! {
                #tokens
                #(#tracked)*
                #(#errors)*
            }
            .into()
        }
        Err(error) => syn::Error::new(args.dir.span(), error.message)
            .to_compile_error()
            .into(),
    }
}

/// `bitrix_api!`'s input: the directory, then optional `methods = [..]`
/// and `events = [..]` lists of glob literals, each at most once.
struct ApiArgs {
    dir: LitStr,
    methods: Option<Vec<LitStr>>,
    events: Option<Vec<LitStr>>,
}

impl syn::parse::Parse for ApiArgs {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        let dir: LitStr = input.parse()?;
        let mut args = ApiArgs {
            dir,
            methods: None,
            events: None,
        };
        while !input.is_empty() {
            input.parse::<syn::Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key: syn::Ident = input.parse()?;
            input.parse::<syn::Token![=]>()?;
            let content;
            syn::bracketed!(content in input);
            let globs = content.parse_terminated(|p| p.parse::<LitStr>(), syn::Token![,])?;
            let slot = match key.to_string().as_str() {
                "methods" => &mut args.methods,
                "events" => &mut args.events,
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        "expected `methods = [..]` or `events = [..]`",
                    ))
                }
            };
            if slot.is_some() {
                return Err(syn::Error::new(
                    key.span(),
                    format!("`{key}` is given twice"),
                ));
            }
            *slot = Some(globs.into_iter().collect());
        }
        Ok(args)
    }
}

/// The text of each glob literal.
fn values(globs: &[LitStr]) -> Vec<String> {
    globs.iter().map(LitStr::value).collect()
}

/// `include_bytes!` of every file read, so cargo rebuilds when one changes.
fn track(files: &[PathBuf]) -> Vec<proc_macro2::TokenStream> {
    files
        .iter()
        .filter_map(|file| {
            let absolute = std::fs::canonicalize(file).ok()?;
            let absolute = absolute.to_str()?.to_string();
            Some(quote! { const _: &[u8] = ::core::include_bytes!(#absolute); })
        })
        .collect()
}

/// Every problem of a failed page as an error on the literal, then the
/// stub of its module.
fn failed(literal: &LitStr, error: &bitrix24_codegen::PageError) -> proc_macro2::TokenStream {
    bitrix24_codegen::fallback::stub(error, errors_of(literal, error))
}

/// Every problem of a failed page as an error on the literal.
fn errors_of(literal: &LitStr, error: &bitrix24_codegen::PageError) -> proc_macro2::TokenStream {
    let mut lines = error.problems.iter().map(|p| p.message.as_str());
    let first = lines.next().unwrap_or(&error.message);
    let mut combined = syn::Error::new(literal.span(), first);
    for line in lines {
        combined.combine(syn::Error::new(literal.span(), line));
    }
    // The engine's note of problems beyond those it kept.
    if error.message.lines().count() > error.problems.len() {
        if let Some(note) = error.message.lines().last() {
            combined.combine(syn::Error::new(literal.span(), note));
        }
    }
    combined.to_compile_error()
}

/// The invoking crate's manifest directory. `BITRIX24_MANIFEST_DIR`
/// overrides it (trybuild copies test crates elsewhere).
fn manifest_dir() -> PathBuf {
    std::env::var_os("BITRIX24_MANIFEST_DIR")
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// Relative paths start at the invoking crate's manifest directory.
fn resolve(shown: &str) -> PathBuf {
    let path = Path::new(shown);
    if path.is_absolute() {
        return path.to_path_buf();
    }
    manifest_dir().join(path)
}
