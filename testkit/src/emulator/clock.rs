//! The `time` object every answer carries, and dates as the portal writes them.

use serde_json::{json, Value};

use super::limits::{unix_now, Standing};

/// When a call started, for its `time` object.
#[derive(Debug, Clone, Copy)]
pub struct Started {
    unix: f64,
    instant: std::time::Instant,
}

impl Started {
    /// Now.
    pub fn now() -> Started {
        Started {
            unix: unix_now(),
            instant: std::time::Instant::now(),
        }
    }

    /// The `time` object from the start until now; with `standing`, the
    /// `operating` and `operating_reset_at` keys too.
    pub fn time(&self, standing: Option<Standing>) -> Value {
        let duration = self.instant.elapsed().as_secs_f64();
        let finish = self.unix + duration;
        let mut time = json!({
            "start": self.unix,
            "finish": finish,
            "duration": duration,
            "processing": duration,
            "date_start": datetime(self.unix as i64),
            "date_finish": datetime(finish as i64),
        });
        if let Some(standing) = standing {
            time["operating_reset_at"] = json!(standing.reset_at);
            time["operating"] = json!(standing.operating);
        }
        time
    }
}

/// `YYYY-MM-DDTHH:MM:SS+00:00` for a Unix time.
pub fn datetime(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (year, month, day) = civil(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}+00:00",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// The date now.
pub fn now() -> String {
    datetime(unix_now() as i64)
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(datetime(0), "1970-01-01T00:00:00+00:00");
        assert_eq!(datetime(1_724_916_859), "2024-08-29T07:34:19+00:00");
        assert_eq!(datetime(951_782_400), "2000-02-29T00:00:00+00:00");
    }
}
