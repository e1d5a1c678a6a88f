//! Market: new properties matching saved watchlists, and list-price shifts per area.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;

use super::scan::{self, Scan};
use super::{Module, ModuleEnv, ModuleOutcome, SummaryItem};
use crate::alert::Priority;
use crate::config::Config;
use crate::notification::NotificationKind;
#[cfg(test)]
use crate::store::modules::PricePoint;
use crate::store::{Area, WindowMedian};
use crate::store::{NotificationDraft, Transitions, Tx, WATCHLIST_SOURCE};

/// On its very first run the market module looks back this far for "new" properties.
pub const FIRST_RUN_LOOKBACK_SECS: i64 = 7 * 86_400;
/// An area needs this many price points in each window before its median means anything.
pub const MIN_SAMPLES: usize = 3;

/// The median the kept windows give, over a list (the reference of the tests).
#[cfg(test)]
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
#[cfg(test)]
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
#[cfg(test)]
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
        if let Some(shift) = shift(
            state.to_string(),
            city.to_string(),
            previous,
            current,
            threshold,
        ) {
            shifts.push(shift);
        }
    }
    shifts
}

/// A shift of an area's median from `previous` to `current` beyond `threshold` percent.
fn shift(
    state: String,
    city: String,
    previous: f64,
    current: f64,
    threshold: f64,
) -> Option<PriceShift> {
    if previous <= 0.0 {
        return None;
    }
    let percent = (current - previous) / previous * 100.0;
    (percent.abs() >= threshold).then(|| PriceShift {
        state,
        city,
        previous_median: previous,
        current_median: current,
        percent: (percent * 10.0).round() / 10.0,
    })
}

/// What the market's kept windows depend on: a change calls for a full recount.
pub fn fingerprint(config: &Config) -> String {
    let m = &config.modules.market;
    format!(
        "price_window={} price_shift_percent={}",
        m.price_window.as_secs(),
        m.price_shift_percent
    )
}

/// Which window of `now` a point at `at` is in: 0 the one before, 1 the last, or none.
fn window_of(at: i64, now: i64, window: i64) -> Option<i64> {
    if at >= now || at < now.saturating_sub(window.saturating_mul(2)) {
        None
    } else if at < now.saturating_sub(window) {
        Some(0)
    } else {
        Some(1)
    }
}

fn out_of_step() -> anyhow::Error {
    anyhow::anyhow!(
        "the market's kept price windows are out of step with the price history: \
         `hb cycle --full` counts them again"
    )
}

/// Move a window's pivot back to its lower median after `moves` (price, +n or -n)
/// changed its counts: a step to the next price per point that crossed it.
fn settle(tx: &Tx<'_>, area: &Area, m: &mut WindowMedian, moves: &[(f64, i64)]) -> Result<()> {
    for (price, n) in moves {
        m.total += n;
        if m.pivot.is_some_and(|v| *price < v) {
            m.below += n;
        }
    }
    if m.total <= 0 {
        m.total = 0;
        m.pivot = None;
        m.below = 0;
        return tx.set_window_median(m);
    }
    let mut v = match m.pivot {
        Some(v) => v,
        None => {
            m.below = 0;
            tx.window_price_next(area, m.window, f64::MIN, true)?
                .ok_or_else(out_of_step)?
                .0
        }
    };
    let lo = (m.total - 1) / 2;
    loop {
        let count = tx.window_price_count(area, m.window, v)?;
        if lo < m.below {
            let (price, n) = tx
                .window_price_next(area, m.window, v, false)?
                .ok_or_else(out_of_step)?;
            v = price;
            m.below -= n;
        } else if lo >= m.below + count {
            m.below += count;
            v = tx
                .window_price_next(area, m.window, v, true)?
                .ok_or_else(out_of_step)?
                .0;
        } else {
            break;
        }
    }
    m.pivot = Some(v);
    tx.set_window_median(m)
}

/// The median of a kept window: its pivot, or the mean of the pivot and the next price
/// when the count is even and the pivot's points end at the lower middle.
fn window_median(tx: &Tx<'_>, m: &WindowMedian) -> Result<Option<f64>> {
    let Some(v) = m.pivot.filter(|_| m.total > 0) else {
        return Ok(None);
    };
    if m.total % 2 == 1 {
        return Ok(Some(v));
    }
    let count = tx.window_price_count(&(m.state.clone(), m.city.clone()), m.window, v)?;
    let hi = m.total / 2;
    let upper = if hi < m.below + count {
        v
    } else {
        tx.window_price_next(&(m.state.clone(), m.city.clone()), m.window, v, true)?
            .ok_or_else(out_of_step)?
            .0
    };
    Ok(Some((v + upper) / 2.0))
}

/// Bring the kept windows from `since` to `now`: the points that crossed an edge move,
/// the areas in `recount` are counted again. Returns the rows it read.
fn step_windows(
    tx: &Tx<'_>,
    since: i64,
    now: i64,
    window: i64,
    recount: &BTreeSet<Area>,
) -> Result<usize> {
    let mut moves: BTreeMap<(Area, i64), Vec<(f64, i64)>> = BTreeMap::new();
    let mut read = 0;
    // Disjoint while the step is shorter than a window (else the caller recounts all).
    for (from, to) in [
        (since - 2 * window, now - 2 * window),
        (since - window, now - window),
        (since, now),
    ] {
        for point in tx.price_points(from, to)? {
            read += 1;
            let area = (point.state, point.city);
            if recount.contains(&area) {
                continue;
            }
            let (before, after) = (
                window_of(point.at, since, window),
                window_of(point.at, now, window),
            );
            if before == after {
                continue;
            }
            if let Some(w) = before {
                moves
                    .entry((area.clone(), w))
                    .or_default()
                    .push((point.price, -1));
            }
            if let Some(w) = after {
                moves.entry((area, w)).or_default().push((point.price, 1));
            }
        }
    }
    let mut medians: BTreeMap<(Area, i64), WindowMedian> = tx
        .window_medians()?
        .into_iter()
        .map(|m| (((m.state.clone(), m.city.clone()), m.window), m))
        .collect();
    for ((area, w), list) in &moves {
        for (price, n) in list {
            tx.add_window_price(area, *w, *price, *n)?;
        }
        let median = medians
            .entry((area.clone(), *w))
            .or_insert_with(|| WindowMedian {
                state: area.0.clone(),
                city: area.1.clone(),
                window: *w,
                total: 0,
                pivot: None,
                below: 0,
            });
        settle(tx, area, median, list)?;
    }
    for area in recount {
        read += tx.recount_price_windows(Some(area), now, window)?;
    }
    Ok(read)
}

/// The shifts of the kept windows: an area's median over the last window against the
/// one before, as `price_shifts` finds them over the points.
fn kept_shifts(tx: &Tx<'_>, threshold: f64) -> Result<Vec<PriceShift>> {
    let mut by_area: BTreeMap<Area, [Option<WindowMedian>; 2]> = BTreeMap::new();
    for m in tx.window_medians()? {
        let slot = usize::from(m.window == 1);
        let area = (m.state.clone(), m.city.clone());
        by_area.entry(area).or_default()[slot] = Some(m);
    }
    let mut shifts = Vec::new();
    for ((state, city), [before, after]) in by_area {
        let (Some(before), Some(after)) = (before, after) else {
            continue;
        };
        if before.total < MIN_SAMPLES as i64 || after.total < MIN_SAMPLES as i64 {
            continue;
        }
        let (Some(previous), Some(current)) =
            (window_median(tx, &before)?, window_median(tx, &after)?)
        else {
            continue;
        };
        if let Some(shift) = shift(state, city, previous, current, threshold) {
            shifts.push(shift);
        }
    }
    Ok(shifts)
}

pub fn run(tx: &Tx<'_>, env: &ModuleEnv) -> Result<ModuleOutcome> {
    let config = env.config;
    let cfg = &config.modules.market;
    let fingerprint = fingerprint(config);
    let scan::Start { mark, seq, scan } = scan::start(tx, env, Module::Market, &fingerprint)?;
    // Matches are events: each (watchlist, property) once, from the properties that
    // changed since the last run; on the very first run, those added in the last week.
    let matches = match mark.seen_seq {
        Some(seen) => tx.watchlist_matches_since(seen)?,
        None => tx.watchlist_matches_created(env.now - FIRST_RUN_LOOKBACK_SECS)?,
    };
    let mut rows = matches.len();
    let mut transitions = Transitions::default();
    let mut matched_properties = Vec::new();
    let mut events = tx.events(WATCHLIST_SOURCE, env.now, env.run_id);
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
                "Property #{} at {}{} matches the saved watchlist \"{}\".",
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
        events.add(&draft)?;
        // Matches come by property: its first match is the one after another property's.
        if matched_properties.len() < super::KEPT
            && matched_properties.last() != Some(&m.property_id)
        {
            matched_properties.push(m.property_id);
        }
    }
    transitions.new.extend(events.finish()?);

    let window = cfg.price_window.as_secs();
    rows += match scan {
        Scan::Incremental { since, seen_seq } if env.now - since < window => {
            let recount = tx.price_areas_to_recount(seen_seq)?;
            step_windows(tx, since, env.now, window, &recount)?
        }
        // A step longer than a window moves every point: count them all.
        _ => tx.recount_price_windows(None, env.now, window)?,
    };
    tx.clear_dirty_price_areas()?;
    let shifts = kept_shifts(tx, cfg.price_shift_percent)?;
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
    tx.set_watermark(
        Module::Market,
        &scan.next_mark(&mark, &fingerprint, seq, env.now),
    )?;

    Ok(ModuleOutcome {
        findings: (matches.len() + shifts.len()) as i64,
        message: format!(
            "{}: {} watchlist matches, {} price shifts",
            scan.describe(),
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
        scan: Some((scan.kind(), rows as i64)),
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
