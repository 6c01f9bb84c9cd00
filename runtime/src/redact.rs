//! Secrets out of everything the client shows: a portal that echoes the
//! request URL or body (`error_description: "... /rest/1/<key>/..."`) must
//! not make an error message, a raw body or a log line carry the webhook
//! key, an access or refresh token, or the client secret.

use std::sync::RwLock;

use crate::error::CallError;

/// What stands in for a secret.
pub(crate) const MASK: &str = "***";

/// Shorter secrets are not searched for: they would mask ordinary text.
const MIN_SECRET: usize = 6;

/// Tokens kept after they were replaced (an old one may still be echoed).
const KEPT: usize = 8;

/// The secrets a client knows, to mask wherever they appear: each as sent
/// and, when it differs, as a form or query carries it.
#[derive(Default)]
pub(crate) struct Redactor {
    secrets: RwLock<Vec<(String, Option<String>)>>,
}

impl Redactor {
    /// Remembers `secret` (once); the oldest tokens beyond a few are forgotten.
    pub(crate) fn add(&self, secret: &str) {
        if secret.len() < MIN_SECRET {
            return;
        }
        let mut secrets = self.secrets.write().unwrap_or_else(|e| e.into_inner());
        if secrets.iter().any(|(s, _)| s == secret) {
            return;
        }
        let encoded = percent_encoded(secret);
        secrets.push((secret.to_string(), (encoded != secret).then_some(encoded)));
        // The first ones (webhook key, client secret, first tokens) stay.
        if secrets.len() > KEPT * 2 {
            secrets.remove(KEPT);
        }
    }

    /// Masks every known secret in `text`.
    pub(crate) fn in_place(&self, text: &mut String) {
        let secrets = self.secrets.read().unwrap_or_else(|e| e.into_inner());
        for form in secrets
            .iter()
            .flat_map(|(raw, encoded)| [Some(raw), encoded.as_ref()])
        {
            if let Some(form) = form.filter(|f| text.contains(f.as_str())) {
                *text = text.replace(form.as_str(), MASK);
            }
        }
    }

    /// The error with every text it carries masked.
    pub(crate) fn error(&self, mut error: CallError) -> CallError {
        match &mut error {
            CallError::Api(api) => {
                self.in_place(&mut api.code);
                self.in_place(&mut api.description);
                self.in_place(&mut api.body);
            }
            CallError::Transport(t) | CallError::OutcomeUnknown(t) => {
                self.in_place(&mut t.message);
                if let Some(body) = &mut t.body {
                    self.in_place(body);
                }
            }
            CallError::Decode(d) => {
                self.in_place(&mut d.message);
                self.in_place(&mut d.body);
            }
        }
        error
    }
}

/// `text` as a form or query would carry it.
fn percent_encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    fn masked(redactor: &Redactor, text: &str) -> String {
        let mut text = text.to_string();
        redactor.in_place(&mut text);
        text
    }

    #[test]
    fn every_known_secret_is_masked_in_every_text_of_an_error() {
        let redactor = Redactor::default();
        redactor.add("webhookkey123");
        redactor.add("tok/en+42");
        redactor.add("k"); // too short to search for
        let error = redactor.error(CallError::Api(ApiError {
            code: "X".into(),
            description: "bad url /rest/1/webhookkey123/crm.lead.get?auth=tok%2Fen%2B42".into(),
            status: 400,
            body: r#"{"echo":"tok/en+42"}"#.into(),
        }));
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("webhookkey123"), "{shown}");
        assert!(
            !shown.contains("tok/en+42") && !shown.contains("tok%2Fen%2B42"),
            "{shown}"
        );
        assert!(
            shown.contains("/rest/1/***/crm.lead.get?auth=***"),
            "{shown}"
        );
        assert_eq!(masked(&redactor, "keep k"), "keep k");
    }

    #[test]
    fn old_tokens_beyond_a_few_are_forgotten_but_first_ones_stay() {
        let redactor = Redactor::default();
        for i in 0..40 {
            redactor.add(&format!("secret-{i:03}"));
        }
        assert_eq!(masked(&redactor, "secret-000 secret-039"), "*** ***");
        assert_eq!(redactor.secrets.read().unwrap().len(), KEPT * 2);
    }
}
