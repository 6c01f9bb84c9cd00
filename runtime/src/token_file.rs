//! [`FileTokenStore`]: OAuth tokens kept in a JSON file between runs, the
//! store `b24` uses and a small application can too.
//!
//! The file is `{"access_token": "...", "refresh_token": "...", "expires":
//! 1767225600}` (`expires` in Unix seconds, optional). A renewed pair is
//! written to a temporary file beside it (readable by its owner only, on
//! Unix) and renamed over it, so a crash mid-write leaves the old pair
//! whole; the refresh token the server issued replaces the old one, which
//! stops working, so a lost write would lock the application out.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::auth::{BoxFuture, StoreError, TokenStore, Tokens};

/// The largest token file read (a pair is a few hundred bytes).
const MAX_FILE_BYTES: u64 = 64 << 10;

/// OAuth tokens in a JSON file. `Debug` shows the path, never a token.
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    path: PathBuf,
}

impl FileTokenStore {
    /// A store at `path` (the file need not exist until the first save).
    pub fn new(path: impl Into<PathBuf>) -> FileTokenStore {
        FileTokenStore { path: path.into() }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The stored pair, read now: `None` when the file does not exist.
    /// Errors name the file and what is wrong, never a token.
    pub fn read(&self) -> Result<Option<Tokens>, StoreError> {
        let file = match std::fs::File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.error(&e.to_string())),
        };
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| self.error(&e.to_string()))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(self.error(&format!(
                "larger than {} KiB: not a token file",
                MAX_FILE_BYTES >> 10
            )));
        }
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
            self.error(&format!(
                "not JSON (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        let text = |key: &str| {
            value
                .get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| self.error(&format!("no `{key}` string")))
        };
        let mut tokens = Tokens::new(text("access_token")?, text("refresh_token")?);
        tokens.expires = value.get("expires").and_then(Value::as_i64);
        Ok(Some(tokens))
    }

    /// Writes `tokens` in place of the file's pair, atomically.
    pub fn write(&self, tokens: &Tokens) -> Result<(), StoreError> {
        let text = serde_json::to_string_pretty(&json!({
            "access_token": tokens.access_token.expose(),
            "refresh_token": tokens.refresh_token.expose(),
            "expires": tokens.expires,
        }))
        .map_err(|e| self.error(&e.to_string()))?;
        let dir = match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "tokens".into());
        let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let result = (|| {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&temporary)?;
            file.write_all(text.as_bytes())?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            std::fs::rename(&temporary, &self.path)
        })();
        result.map_err(|e| {
            let _ = std::fs::remove_file(&temporary);
            self.error(&e.to_string())
        })
    }

    fn error(&self, what: &str) -> StoreError {
        StoreError(format!("{}: {what}", self.path.display()))
    }
}

impl TokenStore for FileTokenStore {
    fn load(&self) -> BoxFuture<'_, Result<Option<Tokens>, StoreError>> {
        Box::pin(async move { self.read() })
    }

    fn save<'a>(&'a self, tokens: &'a Tokens) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move { self.write(tokens) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("bitrix24-token-file-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_pair_round_trips_and_a_missing_file_is_none() {
        let dir = scratch("round");
        let store = FileTokenStore::new(dir.join("tokens.json"));
        assert_eq!(store.read().unwrap(), None);
        let mut tokens = Tokens::new("access-1", "refresh-1");
        tokens.expires = Some(1_767_225_600);
        store.write(&tokens).unwrap();
        assert_eq!(store.read().unwrap(), Some(tokens.clone()));
        // No temporary file is left beside it.
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["tokens.json"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.path())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(!format!("{store:?}").contains("access-1"));
    }

    #[test]
    fn a_bad_file_is_an_error_that_shows_no_token() {
        let dir = scratch("bad");
        let path = dir.join("tokens.json");
        std::fs::write(&path, r#"{"access_token": "sekrit-access"}"#).unwrap();
        let error = FileTokenStore::new(&path).read().unwrap_err();
        assert!(error.0.contains("no `refresh_token` string"), "{error}");
        assert!(!error.0.contains("sekrit"), "{error}");
        std::fs::write(&path, "sekrit-access not json").unwrap();
        let error = FileTokenStore::new(&path).read().unwrap_err();
        assert!(error.0.contains("not JSON"), "{error}");
        assert!(!error.0.contains("sekrit"), "{error}");
        std::fs::write(&path, vec![b' '; (MAX_FILE_BYTES + 10) as usize]).unwrap();
        let error = FileTokenStore::new(&path).read().unwrap_err();
        assert!(error.0.contains("not a token file"), "{error}");
    }
}
