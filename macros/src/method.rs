//! The argument of `bitrix_method!` and `#[bitrix24::method]`: a page's
//! path, or a method's name looked up under a docs folder
//! ([`bitrix24_codegen::locate`]), with an optional `docs = "folder"`.

use std::path::PathBuf;

use syn::parse::{Parse, ParseStream};
use syn::LitStr;

/// Where the docs folder is when `docs = ".."` is not given, relative to
/// the invoking crate (`b24 vendor`'s default too).
pub const DEFAULT_DOCS: &str = "docs-input";

/// `"page.md"` or `"crm.lead.add"`, then optionally `, docs = "folder"`.
pub struct Target {
    pub literal: LitStr,
    pub docs: Option<LitStr>,
}

impl Parse for Target {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let literal: LitStr = input.parse()?;
        let mut docs = None;
        if input.parse::<Option<syn::Token![,]>>()?.is_some() && !input.is_empty() {
            let key: syn::Ident = input.parse()?;
            if key != "docs" {
                return Err(syn::Error::new(
                    key.span(),
                    "expected `docs = \"folder\"` after the page or method name",
                ));
            }
            input.parse::<syn::Token![=]>()?;
            docs = Some(input.parse()?);
            let _ = input.parse::<Option<syn::Token![,]>>()?;
        }
        if !input.is_empty() {
            return Err(input.error("unexpected input after the binding's arguments"));
        }
        Ok(Target { literal, docs })
    }
}

impl Target {
    /// A page's path (it names a `.md` file or a folder), not a method name.
    fn is_path(text: &str) -> bool {
        text.ends_with(".md") || text.contains(['/', '\\'])
    }

    /// The page to bind and how errors name it, or why there is none (its
    /// stub module named for the method).
    pub fn page(&self) -> Result<(PathBuf, String), bitrix24_codegen::PageError> {
        let value = self.literal.value();
        if Self::is_path(&value) {
            return Ok((super::resolve(&value), value));
        }
        let docs = self
            .docs
            .as_ref()
            .map_or_else(|| DEFAULT_DOCS.to_string(), LitStr::value);
        let root = super::resolve(&docs);
        match bitrix24_codegen::locate::method_page(&root, &docs, &value) {
            Ok(page) => {
                let shown = page
                    .strip_prefix(super::manifest_dir())
                    .unwrap_or(&page)
                    .display()
                    .to_string();
                Ok((page, shown))
            }
            Err(not_found) => {
                let mut error = bitrix24_codegen::PageError::new(
                    bitrix24_codegen::Kind::Unreadable,
                    not_found.message,
                );
                error.module = Some(bitrix24_codegen::expand::module_name(&value))
                    .filter(|m| syn::parse_str::<syn::Ident>(m).is_ok());
                Err(error)
            }
        }
    }
}
