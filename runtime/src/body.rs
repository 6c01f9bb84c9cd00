//! Reading an answer's body with a ceiling, and the bounded excerpt of a
//! body that messages show.

use crate::error::{TransportError, TransportKind};

/// The default ceiling on an answer's body: 64 MiB, far above the largest
/// real answer (a `batch` of 50 full list pages is a few megabytes).
pub const DEFAULT_MAX_BODY: u64 = 64 * 1024 * 1024;

/// How many bytes of a body an error shows, at most.
pub const EXCERPT_BYTES: usize = 512;

/// Why a body could not be read.
pub(crate) enum BodyFailure {
    /// Longer than the ceiling; the error carries the first bytes.
    TooLarge(TransportError),
    /// The connection failed before the body's end.
    Cut(TransportError),
}

/// The body of `response`, as text, unless it passes `limit` bytes.
pub(crate) async fn read(
    mut response: reqwest::Response,
    limit: u64,
) -> Result<String, BodyFailure> {
    let status = response.status().as_u16();
    let announced = response.content_length();
    let mut body: Vec<u8> = Vec::new();
    if let Some(length) = announced.filter(|l| *l <= limit) {
        body.reserve(length as usize);
    }
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(error) => {
                let mut cut = TransportError::from_reqwest(error);
                cut.status = Some(status);
                return Err(BodyFailure::Cut(cut));
            }
        };
        let room = (limit as usize).saturating_sub(body.len());
        // Beyond the limit, or announced beyond it: keep only what the excerpt shows.
        if chunk.len() > room || announced.is_some_and(|l| l > limit) {
            body.extend_from_slice(&chunk[..chunk.len().min(EXCERPT_BYTES)]);
            return Err(BodyFailure::TooLarge(too_large(status, limit, &body)));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(match String::from_utf8(body) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

fn too_large(status: u16, limit: u64, head: &[u8]) -> TransportError {
    let mut error = TransportError::of(
        TransportKind::BodyTooLarge { limit },
        format!(
            "the answer is larger than the client accepts ({}); it starts `{}`",
            size(limit),
            excerpt(&String::from_utf8_lossy(head))
        ),
    );
    error.status = Some(status);
    error.body = Some(bounded(&String::from_utf8_lossy(head)).to_string());
    error
}

/// `limit` bytes in words.
fn size(limit: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if limit >= MIB && limit % MIB == 0 {
        format!("{} MiB", limit / MIB)
    } else {
        format!("{limit} bytes")
    }
}

/// At most [`EXCERPT_BYTES`] of `text`, cut on a character boundary.
pub(crate) fn bounded(text: &str) -> &str {
    if text.len() <= EXCERPT_BYTES {
        return text;
    }
    let mut end = EXCERPT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The start of a body for a one-line message: at most [`EXCERPT_BYTES`],
/// whitespace runs folded, `…` when cut.
pub(crate) fn excerpt(text: &str) -> String {
    let head = bounded(text.trim_start());
    let mut out = String::with_capacity(head.len() + 3);
    let mut blank = false;
    for c in head.chars() {
        if c.is_whitespace() {
            if !blank {
                out.push(' ');
            }
            blank = true;
        } else {
            out.push(c);
            blank = false;
        }
    }
    let cut = head.len() < text.trim_start().len();
    let mut out = out.trim_end().to_string();
    if cut {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_bounded_on_character_boundaries() {
        assert_eq!(
            excerpt("  <html>\n\n  <body>x</body>"),
            "<html> <body>x</body>"
        );
        let long = "я".repeat(1000);
        let shown = excerpt(&long);
        assert!(shown.len() <= EXCERPT_BYTES + '…'.len_utf8());
        assert!(shown.ends_with('…'));
        assert_eq!(bounded(&long).len(), EXCERPT_BYTES);
        assert_eq!(size(DEFAULT_MAX_BODY), "64 MiB");
        assert_eq!(size(1000), "1000 bytes");
    }
}
