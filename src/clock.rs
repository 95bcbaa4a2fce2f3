//! Wall-clock timestamps in the two RFC 3339 forms the wire uses, and their parsing.
//!
//! Stored rows and serializer fields use `2025-01-15T10:30:00.123456Z`; hand-built `timestamp`
//! values use `2025-01-15T10:30:00.123456+00:00` (PROTOCOL §11). Both sort as text.

use chrono::{DateTime, SecondsFormat, Utc};

/// The current time in the stored form (`…Z`, microseconds).
#[must_use]
pub fn now_db() -> String {
    to_db(Utc::now())
}

/// The current time in the hand-built wire form (`…+00:00`, microseconds).
#[must_use]
pub fn now_wire() -> String {
    to_wire(Utc::now())
}

/// A time in the stored form.
#[must_use]
pub fn to_db(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A time in the hand-built wire form.
#[must_use]
pub fn to_wire(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, false)
}

/// Re-renders a stored timestamp in the hand-built wire form (used where the original did so).
#[must_use]
pub fn db_to_wire(stored: &str) -> String {
    stored
        .strip_suffix('Z')
        .map_or_else(|| stored.to_owned(), |head| format!("{head}+00:00"))
}

/// Parses either form (or a bare date, taken as midnight UTC) into a UTC time.
#[must_use]
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(t.and_utc());
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f") {
        return Some(t.and_utc());
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_have_microseconds_and_round_trip() {
        let t = parse("2025-01-15T10:30:00.123456Z").unwrap();
        assert_eq!(to_db(t), "2025-01-15T10:30:00.123456Z");
        assert_eq!(to_wire(t), "2025-01-15T10:30:00.123456+00:00");
        assert_eq!(
            db_to_wire("2025-01-15T10:30:00.123456Z"),
            "2025-01-15T10:30:00.123456+00:00"
        );
    }

    #[test]
    fn dates_and_naive_times_parse_as_utc() {
        assert_eq!(
            to_db(parse("2025-01-15").unwrap()),
            "2025-01-15T00:00:00.000000Z"
        );
        assert_eq!(
            to_db(parse("2025-01-15 08:00:00").unwrap()),
            "2025-01-15T08:00:00.000000Z"
        );
        assert!(parse("yesterday").is_none());
    }
}
