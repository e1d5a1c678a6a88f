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
use crate::store::modules::WatchlistMatch;
use crate::store::{Area, Listings, WindowMedian};
use crate::store::{NotificationDraft, Transitions, Tx, WATCHLIST_SOURCE};

/// On its very first run the market module looks back this far for "new" properties.
pub const FIRST_RUN_LOOKBACK_SECS: i64 = 7 * 86_400;
/// An area needs this many price points in each window before its median means anything.
pub const MIN_SAMPLES: usize = 3;

/// A saved search: each criterion it sets must hold for a property to match.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Watchlist {
    pub id: i64,
    pub name: String,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub kind: Option<String>,
    pub max_price: Option<f64>,
    pub min_beds: Option<f64>,
    pub min_score: Option<f64>,
}

/// What a property shows the watchlists.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Listing {
    pub id: i64,
    pub address: String,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub kind: Option<String>,
    pub list_price: Option<f64>,
    pub beds: Option<f64>,
    pub score: Option<f64>,
}

impl Watchlist {
    /// The match rule. City, state and kind compare without regard to ASCII case, the zip
    /// exactly; the price is at most `max_price`, beds and score at least their minimum.
    /// A criterion the property has no value for does not hold.
    pub fn matches(&self, p: &Listing) -> bool {
        fn same_word(want: &Option<String>, have: &Option<String>) -> bool {
            want.as_deref().is_none_or(|want| {
                have.as_deref()
                    .is_some_and(|have| have.eq_ignore_ascii_case(want))
            })
        }
        fn holds(limit: Option<f64>, have: Option<f64>, ok: fn(f64, f64) -> bool) -> bool {
            limit.is_none_or(|limit| have.is_some_and(|have| ok(have, limit)))
        }
        same_word(&self.city, &p.city)
            && same_word(&self.state, &p.state)
            && self
                .zip
                .as_deref()
                .is_none_or(|zip| p.zip.as_deref() == Some(zip))
            && same_word(&self.kind, &p.kind)
            && holds(self.max_price, p.list_price, |have, max| have <= max)
            && holds(self.min_beds, p.beds, |have, min| have >= min)
            && holds(self.min_score, p.score, |have, min| have >= min)
    }
}

/// The (watchlist, property) pairs of `which` that match and were never notified, by
/// property then watchlist; and how many listings were read.
fn new_matches(tx: &Tx<'_>, which: Listings) -> Result<(Vec<WatchlistMatch>, usize)> {
    let watchlists = tx.watchlists()?;
    let mut found = Vec::new();
    if watchlists.is_empty() {
        return Ok((found, 0));
    }
    let read = tx.each_listing(which, |listing| {
        for w in &watchlists {
            if w.matches(listing) && !tx.watchlist_matched(w.id, listing.id)? {
                found.push(WatchlistMatch {
                    watchlist_id: w.id,
                    watchlist_name: w.name.clone(),
                    property_id: listing.id,
                    address: listing.address.clone(),
                    city: listing.city.clone(),
                    list_price: listing.list_price,
                });
            }
        }
        Ok(())
    })?;
    Ok((found, read))
}

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
    let (matches, mut rows) = new_matches(
        tx,
        match mark.seen_seq {
            Some(seen) => Listings::ChangedAfter(seen),
            None => Listings::CreatedSince(env.now - FIRST_RUN_LOOKBACK_SECS),
        },
    )?;
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
    use crate::cycle::equivalence::Rng;
    use crate::store::Store;

    fn listing() -> Listing {
        Listing {
            id: 1,
            address: "1 Main St".into(),
            city: Some("Austin".into()),
            state: Some("TX".into()),
            zip: Some("78701".into()),
            kind: Some("single_family".into()),
            list_price: Some(300_000.0),
            beds: Some(3.0),
            score: Some(70.0),
        }
    }

    #[test]
    fn each_criterion_set_must_hold() {
        let p = listing();
        assert!(Watchlist::default().matches(&p), "no criterion: everything");
        let with = |w: Watchlist| w.matches(&p);
        assert!(with(Watchlist {
            city: Some("AUSTIN".into()),
            state: Some("tx".into()),
            ..Default::default()
        }));
        assert!(!with(Watchlist {
            city: Some("Dallas".into()),
            ..Default::default()
        }));
        assert!(with(Watchlist {
            kind: Some("Single_Family".into()),
            ..Default::default()
        }));
        assert!(with(Watchlist {
            zip: Some("78701".into()),
            ..Default::default()
        }));
        assert!(
            !with(Watchlist {
                zip: Some("78701 ".into()),
                ..Default::default()
            }),
            "zip exactly"
        );
        assert!(
            with(Watchlist {
                max_price: Some(300_000.0),
                ..Default::default()
            }),
            "at most"
        );
        assert!(!with(Watchlist {
            max_price: Some(299_999.0),
            ..Default::default()
        }));
        assert!(with(Watchlist {
            min_beds: Some(3.0),
            min_score: Some(70.0),
            ..Default::default()
        }));
        assert!(!with(Watchlist {
            min_beds: Some(4.0),
            ..Default::default()
        }));
        assert!(!with(Watchlist {
            min_score: Some(70.5),
            ..Default::default()
        }));
        // Case folds ASCII only, as SQLite's NOCASE does.
        let accented = Listing {
            city: Some("SÃO PAULO".into()),
            ..listing()
        };
        assert!(!Watchlist {
            city: Some("são paulo".into()),
            ..Default::default()
        }
        .matches(&accented));
        // A criterion the property has no value for does not hold.
        let bare = Listing {
            id: 2,
            address: "2 Main St".into(),
            ..Default::default()
        };
        for w in [
            Watchlist {
                city: Some("Austin".into()),
                ..Default::default()
            },
            Watchlist {
                zip: Some("78701".into()),
                ..Default::default()
            },
            Watchlist {
                max_price: Some(1e9),
                ..Default::default()
            },
            Watchlist {
                min_beds: Some(0.0),
                ..Default::default()
            },
            Watchlist {
                min_score: Some(0.0),
                ..Default::default()
            },
        ] {
            assert!(!w.matches(&bare), "{w:?}");
        }
    }

    /// The rule against the SQL join it replaced (which the planner ran as 40 million
    /// comparisons on a first run), on generated watchlists and properties, some matched
    /// before: the same pairs in the same order.
    #[test]
    fn the_rule_finds_the_pairs_the_sql_join_found() {
        const REFERENCE: &str = "SELECT w.id, p.id FROM properties p JOIN watchlists w
               ON (w.city IS NULL OR p.city = w.city COLLATE NOCASE)
              AND (w.state IS NULL OR p.state = w.state COLLATE NOCASE)
              AND (w.zip IS NULL OR p.zip = w.zip)
              AND (w.kind IS NULL OR p.kind = w.kind COLLATE NOCASE)
              AND (w.max_price IS NULL OR p.list_price <= w.max_price)
              AND (w.min_beds IS NULL OR p.beds >= w.min_beds)
              AND (w.min_score IS NULL OR p.score >= w.min_score)
             WHERE p.created_at >= ?1
               AND NOT EXISTS (SELECT 1 FROM watchlist_matches m
                               WHERE m.watchlist_id = w.id AND m.property_id = p.id)
             ORDER BY p.id, w.id";
        let cities = ["Austin", "austin", "AUSTIN", "Dallas", "Ñandú"];
        let states = ["TX", "tx", "GA"];
        let kinds = ["single_family", "Single_Family", "condo"];
        let zips = ["78701", "78702", "78701-1"];
        for seed in 1..=20u64 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("hb.db");
            let mut store = Store::open(&path).unwrap();
            let conn = rusqlite::Connection::open(&path).unwrap();
            let mut rng = Rng(seed);
            let pick = |rng: &mut Rng, words: &[&str]| -> Option<String> {
                rng.chance(0.7)
                    .then(|| words[rng.int(0, words.len() as i64 - 1) as usize].to_string())
            };
            for id in 1..=8 {
                conn.execute(
                    "INSERT INTO watchlists (id, name, city, state, zip, kind, max_price,
                        min_beds, min_score, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0)",
                    rusqlite::params![
                        id,
                        format!("w{id}"),
                        pick(&mut rng, &cities[..4]),
                        pick(&mut rng, &states),
                        rng.chance(0.2).then(|| zips[rng.int(0, 2) as usize]),
                        pick(&mut rng, &kinds),
                        rng.chance(0.5).then(|| rng.int(100, 400) as f64 * 1000.0),
                        rng.chance(0.4).then(|| rng.int(1, 5)),
                        rng.chance(0.3).then(|| rng.int(40, 90) as f64 + 0.5),
                    ],
                )
                .unwrap();
            }
            for id in 1..=300 {
                conn.execute(
                    "INSERT INTO properties (id, address, city, state, zip, kind, list_price,
                        beds, score, created_at, stage, stage_entered_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'new', 0, 0)",
                    rusqlite::params![
                        id,
                        format!("{id} Main St"),
                        pick(&mut rng, &cities),
                        pick(&mut rng, &states),
                        rng.chance(0.8).then(|| zips[rng.int(0, 2) as usize]),
                        pick(&mut rng, &kinds),
                        rng.chance(0.9).then(|| rng.int(100, 400) as f64 * 1000.0),
                        rng.chance(0.9).then(|| rng.int(0, 6)),
                        rng.chance(0.8).then(|| rng.int(30, 100) as f64),
                        rng.int(0, 100),
                    ],
                )
                .unwrap();
                if rng.chance(0.05) {
                    conn.execute(
                        "INSERT INTO watchlist_matches (watchlist_id, property_id, matched_at)
                         VALUES (?1, ?2, 0)",
                        [rng.int(1, 8), id],
                    )
                    .unwrap();
                }
            }
            let mut stmt = conn.prepare(REFERENCE).unwrap();
            let want: Vec<(i64, i64)> = stmt
                .query_map([50], |row| Ok((row.get(0)?, row.get(1)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            drop(stmt);
            let (got, read) = store
                .transaction(|tx| new_matches(tx, Listings::CreatedSince(50)))
                .unwrap();
            let got: Vec<(i64, i64)> = got
                .iter()
                .map(|m| (m.watchlist_id, m.property_id))
                .collect();
            assert!(want.len() > 20, "seed {seed}: {} pairs only", want.len());
            assert_eq!(got, want, "seed {seed}");
            assert!(read > 0 && read < 300, "seed {seed}: read {read}");
        }
    }

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
