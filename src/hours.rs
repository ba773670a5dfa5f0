//! Business hours: are humans of a department working at a given instant, and if not,
//! when are they back? The host passes the time in; there is no hidden clock.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::model::{BusinessHours, WeekHours};

/// Compiled business hours.
#[derive(Clone, Debug)]
pub(crate) struct Hours {
    tz: TimeZone,
    default: WeekHours,
    departments: BTreeMap<String, WeekHours>,
}

/// Availability at one instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Availability {
    pub open: bool,
    /// When closed: the next opening, RFC 3339 in the bot's time zone.
    pub next_open: Option<String>,
}

fn rfc3339(z: &jiff::ZonedDateTime) -> String {
    z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

impl Hours {
    /// Compiles the hours; an unknown time zone is reported as the error text.
    pub(crate) fn new(h: &BusinessHours) -> Result<Hours, String> {
        let tz = TimeZone::get(&h.timezone.value)
            .map_err(|e| format!("unknown time zone `{}`: {e}", h.timezone.value))?;
        Ok(Hours {
            tz,
            default: h.default.clone(),
            departments: h.departments.clone(),
        })
    }

    fn week(&self, department: &str) -> &WeekHours {
        self.departments.get(department).unwrap_or(&self.default)
    }

    /// Is `department` staffed at `now`, and if not, when next?
    pub(crate) fn availability(&self, department: &str, now: Timestamp) -> Availability {
        let week = self.week(department);
        let here = now.to_zoned_datetime(self.tz.clone());
        let minute = here.hour() as u16 * 60 + here.minute() as u16;
        let today: Date = here.date();
        let weekday = today.weekday().to_monday_zero_offset() as usize;
        if week.days[weekday % 7]
            .iter()
            .any(|&(open, close)| open <= minute && minute < close)
        {
            return Availability {
                open: true,
                next_open: None,
            };
        }
        // Look a week ahead (eight days covers "later today" up to "same day next week").
        let mut day = today;
        for offset in 0..8usize {
            let wd = (weekday + offset) % 7;
            let mut starts: Vec<u16> = week.days[wd]
                .iter()
                .map(|&(open, _)| open)
                .filter(|&open| offset > 0 || open > minute)
                .collect();
            starts.sort_unstable();
            if let Some(&start) = starts.first() {
                let at = day.at((start / 60) as i8, (start % 60) as i8, 0, 0);
                if let Ok(z) = at.to_zoned_datetime(self.tz.clone()) {
                    return Availability {
                        open: false,
                        next_open: Some(rfc3339(&z)),
                    };
                }
            }
            match day.tomorrow() {
                Ok(d) => day = d,
                Err(_) => break,
            }
        }
        Availability {
            open: false,
            next_open: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Located;

    fn hours() -> Hours {
        let mut week = WeekHours::default();
        for d in 0..5 {
            week.days[d] = vec![(8 * 60, 20 * 60)];
        }
        week.days[5] = vec![(9 * 60, 14 * 60)];
        let mut departments = BTreeMap::new();
        let mut night = WeekHours::default();
        night.days[0] = vec![(0, 24 * 60)];
        departments.insert("night".to_string(), night);
        Hours::new(&BusinessHours {
            timezone: Located::new("Europe/Warsaw".to_string()),
            default: week,
            departments,
            alternatives: Default::default(),
        })
        .expect("valid zone")
    }

    fn at(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    #[test]
    fn open_during_working_hours() {
        // Monday 2026-11-23 10:00 in Warsaw (UTC+1).
        let a = hours().availability("support", at("2026-11-23T10:00:00+01:00"));
        assert!(a.open);
        assert_eq!(a.next_open, None);
    }

    #[test]
    fn late_evening_says_next_morning() {
        let a = hours().availability("support", at("2026-11-23T23:30:00+01:00"));
        assert!(!a.open);
        assert_eq!(a.next_open.as_deref(), Some("2026-11-24T08:00:00+01:00"));
    }

    #[test]
    fn saturday_afternoon_waits_for_monday() {
        // Saturday 2026-11-28 15:00; Sunday closed.
        let a = hours().availability("support", at("2026-11-28T15:00:00+01:00"));
        assert_eq!(a.next_open.as_deref(), Some("2026-11-30T08:00:00+01:00"));
    }

    #[test]
    fn early_morning_opens_later_today() {
        let a = hours().availability("support", at("2026-11-24T06:00:00+01:00"));
        assert_eq!(a.next_open.as_deref(), Some("2026-11-24T08:00:00+01:00"));
    }

    #[test]
    fn department_hours_override_default() {
        let a = hours().availability("night", at("2026-11-23T23:30:00+01:00"));
        assert!(a.open);
    }

    #[test]
    fn never_open_gives_no_next_time() {
        let h = Hours::new(&BusinessHours {
            timezone: Located::new("UTC".to_string()),
            default: WeekHours::default(),
            departments: BTreeMap::new(),
            alternatives: Default::default(),
        })
        .expect("utc");
        let a = h.availability("x", at("2026-11-23T10:00:00Z"));
        assert_eq!(
            a,
            Availability {
                open: false,
                next_open: None
            }
        );
    }
}
