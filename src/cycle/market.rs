//! Market: new properties matching saved watchlists, and list-price shifts per area.

use std::collections::BTreeMap;

use anyhow::Result;

use super::{Module, ModuleEnv, ModuleOutcome, SummaryItem};
use crate::alert::Priority;
use crate::notification::NotificationKind;
use crate::store::modules::PricePoint;
use crate::store::{NotificationDraft, Transitions, Tx, WATCHLIST_SOURCE};

/// On its very first run the market module looks back this far for "new" properties.
pub const FIRST_RUN_LOOKBACK_SECS: i64 = 7 * 86_400;
/// An area needs this many price points in each window before its median means anything.
pub const MIN_SAMPLES: usize = 3;

pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// The prices of one area in the window before and the last window.
#[derive(Default)]
struct Windows {
    before: Vec<f64>,
    after: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PriceShift {
    pub state: String,
    pub city: String,
    pub previous_median: f64,
    pub current_median: f64,
    pub percent: f64,
}

/// Median list price in [mid, to) vs [from, mid) per area; a change beyond `threshold`
/// percent either way is a shift.
pub fn price_shifts(points: &[PricePoint], mid: i64, threshold: f64) -> Vec<PriceShift> {
    let mut areas: BTreeMap<(&str, &str), Windows> = BTreeMap::new();
    for point in points {
        let windows = areas
            .entry((point.state.as_str(), point.city.as_str()))
            .or_default();
        if point.at < mid {
            windows.before.push(point.price);
        } else {
            windows.after.push(point.price);
        }
    }
    let mut shifts = Vec::new();
    for (
        (state, city),
        Windows {
            mut before,
            mut after,
        },
    ) in areas
    {
        if before.len() < MIN_SAMPLES || after.len() < MIN_SAMPLES {
            continue;
        }
        let (Some(previous), Some(current)) = (median(&mut before), median(&mut after)) else {
            continue;
        };
        if previous <= 0.0 {
            continue;
        }
        let percent = (current - previous) / previous * 100.0;
        if percent.abs() >= threshold {
            shifts.push(PriceShift {
                state: state.to_string(),
                city: city.to_string(),
                previous_median: previous,
                current_median: current,
                percent: (percent * 10.0).round() / 10.0,
            });
        }
    }
    shifts
}

pub fn run(tx: &Tx<'_>, env: &ModuleEnv) -> Result<ModuleOutcome> {
    let cfg = &env.config.modules.market;
    // New since the last market run: above the last property id seen; on the first run,
    // what was added in the last week (not the whole portfolio at once).
    let cursor = tx.module_cursor(Module::Market)?;
    let (after_id, created_since) = match cursor {
        Some(id) => (id, i64::MIN),
        None => (0, env.now - FIRST_RUN_LOOKBACK_SECS),
    };
    let matches = tx.new_watchlist_matches(after_id, created_since)?;
    let mut transitions = Transitions::default();
    let mut matched_properties = Vec::new();
    for m in &matches {
        tx.record_watchlist_match(m.watchlist_id, m.property_id, env.now)?;
        let price = m
            .list_price
            .map(|p| format!(" at ${p:.0}"))
            .unwrap_or_default();
        let draft = NotificationDraft {
            dedup_key: format!("watch:{}:{}", m.watchlist_id, m.property_id),
            kind: NotificationKind::WatchlistMatch,
            priority: Priority::Medium,
            subject: format!(
                "Watchlist \"{}\" matches property #{} {}{price}",
                m.watchlist_name, m.property_id, m.address
            ),
            message: format!(
                "New property #{} at {}{} matches the saved watchlist \"{}\".",
                m.property_id,
                m.address,
                m.city
                    .as_deref()
                    .map(|c| format!(", {c}"))
                    .unwrap_or_default(),
                m.watchlist_name
            ),
            property_id: Some(m.property_id),
        };
        if let Some(id) = tx.insert_event(WATCHLIST_SOURCE, &draft, env.now, env.run_id)? {
            transitions.new.push(id);
        }
        if !matched_properties.contains(&m.property_id) {
            matched_properties.push(m.property_id);
        }
    }
    tx.set_module_cursor(Module::Market, tx.max_property_id()?)?;

    let window = cfg.price_window.as_secs();
    let points = tx.price_points(env.now.saturating_sub(window.saturating_mul(2)), env.now)?;
    let shifts = price_shifts(
        &points,
        env.now.saturating_sub(window),
        cfg.price_shift_percent,
    );
    let mut reconciler = tx.reconciler("market.price", env.now, env.renotify_after, env.run_id);
    for shift in &shifts {
        let area = if shift.state.is_empty() {
            shift.city.clone()
        } else {
            format!("{}, {}", shift.city, shift.state)
        };
        reconciler.add(&NotificationDraft {
            dedup_key: format!("price_shift:{}:{}", shift.state, shift.city),
            kind: NotificationKind::PriceShift,
            priority: Priority::Low,
            subject: format!("Median list price in {area} moved {:+.1}%", shift.percent),
            message: format!(
                "Median list price in {area}: ${:.0} over the last {} vs ${:.0} the {} before ({:+.1}%).",
                shift.current_median, cfg.price_window, shift.previous_median, cfg.price_window, shift.percent
            ),
            property_id: None,
        })?;
    }
    let price_transitions = reconciler.apply()?;
    transitions.extend(price_transitions);

    Ok(ModuleOutcome {
        findings: (matches.len() + shifts.len()) as i64,
        message: format!(
            "{} watchlist matches, {} price shifts",
            matches.len(),
            shifts.len()
        ),
        items: vec![
            SummaryItem::new(
                matches.len() as i64,
                "watchlist match",
                "watchlist matches",
                matched_properties,
            ),
            SummaryItem::new(shifts.len() as i64, "price shift", "price shifts", vec![]),
        ],
        transitions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }

    #[test]
    fn shifts_need_samples_and_threshold() {
        let p = |city: &str, at: i64, price: f64| PricePoint {
            state: "TX".into(),
            city: city.into(),
            at,
            price,
        };
        let points = vec![
            p("Austin", 1, 100.0),
            p("Austin", 2, 100.0),
            p("Austin", 3, 100.0),
            p("Austin", 11, 110.0),
            p("Austin", 12, 110.0),
            p("Austin", 13, 110.0),
            p("Dallas", 1, 100.0),
            p("Dallas", 11, 200.0),
        ];
        let shifts = price_shifts(&points, 10, 5.0);
        assert_eq!(shifts.len(), 1, "Dallas has too few samples");
        assert_eq!(shifts[0].city, "Austin");
        assert_eq!(shifts[0].percent, 10.0);
        assert!(price_shifts(&points, 10, 15.0).is_empty());
    }
}
