//! The proof that the incremental portfolio equals the full reconcile: generated
//! histories of imports, `property set`, contract moves, acknowledgements, threshold
//! changes and clock steps (1 minute to 3 days), applied to two copies of a store; after
//! every step one copy runs an incremental cycle, the other a full one, and their open
//! notifications (key, priority, message) must be the same.

use std::path::Path;

use anyhow::Result;

use super::{portfolio, ModuleEnv};
use crate::clock::DAY_SECS;
use crate::config::Config;
use crate::import::record::{
    ContactImport, ContractImport, Field, InteractionImport, PriceImport, PropertyImport,
};
use crate::pipeline::ContractStatus;
use crate::store::{PropertyFactsUpdate, Store};

/// splitmix64: small, fast, and the same sequence everywhere for a seed.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// In `[lo, hi]`.
    pub(super) fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    pub(super) fn chance(&mut self, p: f64) -> bool {
        (self.next() % 1_000_000) as f64 / 1_000_000.0 < p
    }
}

const T0: i64 = 1_800_000_000;
const HOUR: i64 = 3600;

/// Open notifications as the operator sees them.
fn open(store: &Store) -> Vec<(String, String, String)> {
    store.open_notices().unwrap()
}

fn portfolio_cycle(
    store: &mut Store,
    config: &Config,
    now: i64,
    full: bool,
) -> super::ModuleOutcome {
    let env = ModuleEnv {
        config,
        now,
        run_id: None,
        renotify_after: super::renotify_after_secs(config),
        full,
    };
    // Predictive re-scores from the same watermark and moments: its probabilities too
    // must be the full re-score's.
    store
        .transaction(|tx| super::predictive::run(tx, &env))
        .unwrap();
    store.transaction(|tx| portfolio::run(tx, &env)).unwrap()
}

/// A time within `days` before `now` (or after, for `ahead`).
fn around(rng: &mut Rng, now: i64, back_days: i64, ahead_days: i64) -> i64 {
    now + rng.int(-back_days * DAY_SECS, ahead_days * DAY_SECS)
}

fn maybe(rng: &mut Rng, p: f64, value: impl FnOnce(&mut Rng) -> i64) -> Field<i64> {
    if rng.chance(p) {
        Field::Set(value(rng))
    } else {
        Field::Keep
    }
}

/// One write, applied the same way to a store. Its outcome (an error for a contract
/// that cannot move, say) is part of the history.
#[derive(Debug, Clone)]
enum Step {
    Import(Box<PropertyImport>),
    ImportContract(ContractImport),
    Set(i64, PropertyFactsUpdate),
    Attach(i64, Option<i64>, i64),
    Move(i64, ContractStatus, i64),
    Deadline(i64, Option<i64>),
    Ack(usize),
    /// `hb property snooze ID --until` (Some) or `--clear` (None).
    Snooze(i64, Option<i64>),
    Thresholds(u64),
    Clock(i64),
}

fn generate(rng: &mut Rng, now: i64) -> Step {
    let property = rng.int(1, 12);
    match rng.int(0, 99) {
        0..=19 => Step::Import(Box::new(PropertyImport {
            id: Some(property),
            address: Some(format!("{property} Main St")),
            score: if rng.chance(0.5) {
                Field::Set(rng.int(40, 100) as f64)
            } else {
                Field::Keep
            },
            created_at: rng.chance(0.7).then(|| around(rng, now, 12, 0)),
            enriched_at: maybe(rng, 0.4, |r| around(r, now, 8, 0)),
            skip_traced_at: maybe(rng, 0.25, |r| around(r, now, 6, 0)),
            blocked_reason: match rng.int(0, 9) {
                0 => Field::Set("title issue".into()),
                1 => Field::Clear,
                _ => Field::Keep,
            },
            last_action_at: maybe(rng, 0.3, |r| around(r, now, 6, 0)),
            // A snooze carried by an import: ahead, already over, or cleared.
            snoozed_until: match rng.int(0, 9) {
                0 => Field::Set(around(rng, now, 4, 4)),
                1 => Field::Clear,
                _ => Field::Keep,
            },
            ..Default::default()
        })),
        20..=29 => Step::ImportContract(ContractImport {
            id: rng.chance(0.5).then(|| rng.int(1, 10)),
            property_id: Some(property),
            name: Some("Purchase".into()),
            status: None,
            attached_at: Some(around(rng, now, 10, 0)),
            sent_at: maybe(rng, 0.5, |r| around(r, now, 8, 0)),
            deadline_at: maybe(rng, 0.7, |r| around(r, now, 3, 10)),
            ..Default::default()
        }),
        30..=44 => Step::Set(
            property,
            PropertyFactsUpdate {
                enriched_at: rng.chance(0.3).then(|| around(rng, now, 5, 0)),
                skip_traced_at: rng.chance(0.2).then(|| around(rng, now, 4, 0)),
                blocked_reason: match rng.int(0, 5) {
                    0 => Some(Some("waiting on seller".into())),
                    1 => Some(None),
                    _ => None,
                },
                score: rng.chance(0.3).then(|| rng.int(50, 99) as f64),
                last_action_at: rng.chance(0.4).then_some(now),
            },
        ),
        45..=54 => Step::Attach(
            property,
            rng.chance(0.8).then(|| around(rng, now, 2, 9)),
            around(rng, now, 4, 0),
        ),
        55..=64 => {
            let status = [
                ContractStatus::Sent,
                ContractStatus::Signed,
                ContractStatus::Completed,
                ContractStatus::Cancelled,
            ][rng.int(0, 3) as usize];
            Step::Move(rng.int(1, 14), status, now - rng.int(0, 3 * DAY_SECS))
        }
        65..=69 => Step::Deadline(
            rng.int(1, 14),
            rng.chance(0.8).then(|| around(rng, now, 2, 9)),
        ),
        70..=73 => Step::Ack(rng.int(0, 50) as usize),
        74..=77 => Step::Thresholds(rng.next()),
        78..=81 => Step::Snooze(
            property,
            rng.chance(0.7).then(|| now + rng.int(HOUR, 6 * DAY_SECS)),
        ),
        // Mostly the timers' beat, sometimes hours or days.
        _ => Step::Clock(match rng.int(0, 9) {
            0..=5 => rng.int(60, 15 * 60),
            6..=8 => rng.int(HOUR, 12 * HOUR),
            _ => rng.int(DAY_SECS, 3 * DAY_SECS),
        }),
    }
}

/// New thresholds from `bits`: the settings a config change moves.
fn thresholds(config: &mut Config, bits: u64) {
    let pick =
        |shift: u32, options: &[f64]| options[((bits >> shift) % options.len() as u64) as usize];
    match bits % 4 {
        0 => config.property.stale_days.new = pick(8, &[1.0, 2.5, 3.0, 4.0]),
        1 => config.property.stale_days.enriched = pick(8, &[2.0, 5.0, 6.5]),
        2 => {
            let ladders: [&[f64]; 3] = [&[3.0], &[7.0, 3.0, 1.0], &[10.0, 2.0]];
            let ladder = ladders[((bits >> 8) % 3) as usize].to_vec();
            config.insights.deadline_ladder_days =
                crate::config::DeadlineLadder::new(ladder).expect("a valid ladder");
        }
        _ => config.insights.high_score = pick(8, &[70.0, 80.0, 90.0]),
    }
}

/// Apply `step` to `store`; returns whether it succeeded (the same on both copies).
fn apply(store: &mut Store, step: &Step, now: i64) -> bool {
    let result: Result<()> = match step {
        Step::Import(p) => store.import(now, |i| i.property(p).map(drop)),
        Step::ImportContract(c) => store.import(now, |i| i.contract(c).map(drop)),
        Step::Set(id, update) => store.update_property_facts(*id, update, now),
        Step::Attach(id, deadline, at) => store
            .attach_contract(*id, "Offer", *deadline, (*at).min(now), now)
            .map(drop),
        Step::Move(id, status, at) => store.contract_event(*id, *status, *at, now).map(drop),
        Step::Deadline(id, deadline) => store.set_contract_deadline(*id, *deadline, now).map(drop),
        Step::Ack(nth) => {
            // The nth open notice by key: the same notice in both copies.
            let key = open(store).get(*nth).map(|(key, _, _)| key.clone());
            match key {
                Some(key) => match store.open_notice_id(&key).unwrap() {
                    Some(id) => store.ack_notifications(&[id], now),
                    None => Ok(()),
                },
                None => Ok(()),
            }
        }
        Step::Snooze(id, until) => {
            store.snooze_property(*id, until.map(|until| (until, "waiting on probate")), now)
        }
        Step::Thresholds(_) | Step::Clock(_) => Ok(()),
    };
    result.is_ok()
}

/// How much of the work the incremental copy did itself: its runs, and the notices
/// they opened, re-notified or resolved.
#[derive(Default)]
struct Coverage {
    incremental_runs: usize,
    transitions: usize,
}

fn history(seed: u64, template: &Path, dir: &Path, coverage: &mut Coverage) {
    let mut rng = Rng(seed);
    let (a, b) = (dir.join("incremental.db"), dir.join("full.db"));
    std::fs::copy(template, &a).unwrap();
    std::fs::copy(template, &b).unwrap();
    let mut incremental = Store::open(&a).unwrap();
    let mut full = Store::open(&b).unwrap();
    let mut config = Config::default();
    // Only the steps' own full reconciles: the daily one would hide incremental work.
    config.modules.portfolio.full_every = crate::duration::Span::secs(3650 * DAY_SECS as u64);
    if rng.chance(0.5) {
        config.alerts.routes.renotify_after = crate::duration::Span::secs(6 * HOUR as u64);
    }
    let mut now = T0;
    let steps = rng.int(14, 26);
    let mut trail = Vec::new();
    for n in 0..steps {
        let step = generate(&mut rng, now);
        let before = portfolio::fingerprint(&config);
        match &step {
            Step::Clock(secs) => now += secs,
            Step::Thresholds(bits) => thresholds(&mut config, *bits),
            _ => {}
        }
        let ok_a = apply(&mut incremental, &step, now);
        let ok_b = apply(&mut full, &step, now);
        trail.push(format!("{n}: {step:?} -> {ok_a}"));
        let context = || format!("seed {seed}, at {now}, after\n{}", trail.join("\n"));
        assert_eq!(
            ok_a,
            ok_b,
            "the copies took a write differently: {}",
            context()
        );
        // `hb insights` between cycles: the kept counts corrected by what changed since
        // are the counts of the queries.
        let (cfg, stale) = (&config.insights, &config.property.stale_days);
        assert_eq!(
            crate::insights::counts(&incremental, cfg, stale, now).unwrap(),
            crate::insights::exact_counts(&incremental, cfg, stale, now).unwrap(),
            "insights counts: {}",
            context()
        );
        let outcome = portfolio_cycle(&mut incremental, &config, now, false);
        if outcome.message.starts_with("incremental") {
            coverage.incremental_runs += 1;
            let t = &outcome.transitions;
            coverage.transitions += t.new.len() + t.renotified.len() + t.resolved.len();
        }
        portfolio_cycle(&mut full, &config, now, true);
        if n > 0 && portfolio::fingerprint(&config) != before {
            assert!(
                outcome
                    .message
                    .starts_with("full reconcile (the thresholds changed"),
                "{}: {}",
                outcome.message,
                context()
            );
        }
        assert_eq!(open(&incremental), open(&full), "{}", context());
        assert_eq!(
            incremental.close_probabilities().unwrap(),
            full.close_probabilities().unwrap(),
            "{}",
            context()
        );
        assert_eq!(
            incremental.notification_count_drift().unwrap(),
            vec![],
            "{}",
            context()
        );
    }
}

/// Run `histories` generated histories from `base` on copies of one empty store, in
/// memory where there is a tmpfs (thousands of small commits, no disk to wait on), and
/// return how much of the work the incremental copies did.
fn run_histories(
    base: u64,
    histories: u64,
    history: fn(u64, &Path, &Path, &mut Coverage),
) -> Coverage {
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    let template = dir.path().join("template.db");
    drop(Store::open(&template).unwrap());
    let mut coverage = Coverage::default();
    for i in 0..histories {
        let work = tempfile::tempdir_in(dir.path()).unwrap();
        history(base + i, &template, work.path(), &mut coverage);
    }
    coverage
}

#[test]
fn incremental_portfolio_equals_the_full_reconcile() {
    let base: u64 = std::env::var("HB_EQUIVALENCE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_203);
    let histories: u64 = std::env::var("HB_EQUIVALENCE_HISTORIES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500);
    // The seed of a failing history is in the message; HB_EQUIVALENCE_SEED=<it> and
    // HB_EQUIVALENCE_HISTORIES=1 replay just that one.
    let coverage = run_histories(base, histories, history);
    // The incremental copy must have done the work, not left it to full reconciles.
    assert!(
        coverage.incremental_runs as u64 > histories * 8 && coverage.transitions as u64 > histories,
        "{} incremental runs, {} transitions",
        coverage.incremental_runs,
        coverage.transitions
    );
}

/// One write of a market history.
#[derive(Debug, Clone)]
enum MarketStep {
    /// A property (created, or moved to another area, or out of every area).
    Property(i64, Option<&'static str>),
    /// A price point: new, or a new price for one already recorded.
    Price(i64, i64, f64),
    Window(u64),
    Clock(i64),
}

const CITIES: [Option<&str>; 4] = [Some("Austin"), Some("Dallas"), Some("Waco"), None];

fn generate_market(rng: &mut Rng, now: i64, window: i64) -> MarketStep {
    let property = rng.int(1, 10);
    match rng.int(0, 99) {
        0..=9 => MarketStep::Property(property, CITIES[rng.int(0, 3) as usize]),
        10..=79 => {
            // Times on a coarse grid, so some land on a point already recorded.
            let back = rng.int(-1, 2 * window / HOUR + 2) * HOUR;
            let base = [100_000.0, 120_000.0, 90_000.0][(property % 3) as usize];
            let price = (base * (0.6 + rng.int(0, 80) as f64 / 100.0) / 100.0).round() * 100.0;
            MarketStep::Price(property, now - back, price)
        }
        80..=81 => MarketStep::Window(rng.next()),
        _ => MarketStep::Clock(match rng.int(0, 9) {
            0..=5 => rng.int(60, 15 * 60),
            6..=8 => rng.int(HOUR, 12 * HOUR),
            _ => rng.int(DAY_SECS, 3 * DAY_SECS),
        }),
    }
}

fn apply_market(store: &mut Store, step: &MarketStep, now: i64) -> bool {
    let result: Result<()> = match step {
        MarketStep::Property(id, city) => store.import(now, |i| {
            i.property(&PropertyImport {
                id: Some(*id),
                address: Some(format!("{id} Elm St")),
                city: match city {
                    Some(c) => Field::Set(c.to_string()),
                    None => Field::Clear,
                },
                state: Field::Set("TX".into()),
                ..Default::default()
            })
            .map(drop)
        }),
        MarketStep::Price(id, at, price) => store.import(now, |i| {
            i.price(&PriceImport {
                property_id: *id,
                at: *at,
                price: *price,
            })
            .map(drop)
        }),
        MarketStep::Window(_) | MarketStep::Clock(_) => Ok(()),
    };
    result.is_ok()
}

fn market_cycle(store: &mut Store, config: &Config, now: i64, full: bool) -> super::ModuleOutcome {
    let env = ModuleEnv {
        config,
        now,
        run_id: None,
        renotify_after: super::renotify_after_secs(config),
        full,
    };
    store
        .transaction(|tx| super::market::run(tx, &env))
        .unwrap()
}

fn market_history(seed: u64, template: &Path, dir: &Path, coverage: &mut Coverage) {
    let mut rng = Rng(seed);
    let (a, b) = (dir.join("incremental.db"), dir.join("full.db"));
    std::fs::copy(template, &a).unwrap();
    std::fs::copy(template, &b).unwrap();
    let mut incremental = Store::open(&a).unwrap();
    let mut full = Store::open(&b).unwrap();
    let mut config = Config::default();
    config.modules.portfolio.full_every = crate::duration::Span::secs(3650 * DAY_SECS as u64);
    let windows = [DAY_SECS, 3 * DAY_SECS, 10 * DAY_SECS];
    config.modules.market.price_window =
        crate::duration::Span::secs(windows[rng.int(0, 2) as usize] as u64);
    config.modules.market.price_shift_percent = [2.0, 5.0][rng.int(0, 1) as usize];
    let mut now = T0;
    let mut trail = Vec::new();
    for id in 1..=10 {
        let step = MarketStep::Property(id, CITIES[rng.int(0, 3) as usize]);
        assert!(apply_market(&mut incremental, &step, now) && apply_market(&mut full, &step, now));
    }
    for n in 0..rng.int(40, 70) {
        let window = config.modules.market.price_window.as_secs();
        let step = generate_market(&mut rng, now, window);
        match &step {
            MarketStep::Clock(secs) => now += secs,
            MarketStep::Window(bits) => {
                config.modules.market.price_window =
                    crate::duration::Span::secs(windows[(bits % 3) as usize] as u64);
            }
            _ => {}
        }
        let ok_a = apply_market(&mut incremental, &step, now);
        let ok_b = apply_market(&mut full, &step, now);
        trail.push(format!("{n}: {step:?} -> {ok_a}"));
        let context = || format!("seed {seed}, at {now}, after\n{}", trail.join("\n"));
        assert_eq!(ok_a, ok_b, "{}", context());
        let outcome = market_cycle(&mut incremental, &config, now, false);
        market_cycle(&mut full, &config, now, true);
        if outcome.message.starts_with("incremental") {
            coverage.incremental_runs += 1;
            let t = &outcome.transitions;
            coverage.transitions += t.new.len() + t.resolved.len();
        }
        assert_eq!(open(&incremental), open(&full), "{}", context());
        // And the full count is the rule itself, over the points.
        let window = config.modules.market.price_window.as_secs();
        let points = full.price_points(now - 2 * window, now).unwrap();
        let want: Vec<String> = super::market::price_shifts(
            &points,
            now - window,
            config.modules.market.price_shift_percent,
        )
        .iter()
        .map(|s| format!("price_shift:{}:{}", s.state, s.city))
        .collect();
        let have: Vec<String> = open(&full)
            .into_iter()
            .map(|(key, _, _)| key)
            .filter(|key| key.starts_with("price_shift:"))
            .collect();
        assert_eq!(have, want, "{}", context());
    }
}

#[test]
fn incremental_market_equals_the_full_recount() {
    let coverage = run_histories(7_000, 150, market_history);
    assert!(
        coverage.incremental_runs > 5000 && coverage.transitions > 250,
        "{} incremental runs, {} transitions",
        coverage.incremental_runs,
        coverage.transitions
    );
}

/// One write of a relationships history.
#[derive(Debug, Clone)]
enum ContactStep {
    Contact(i64),
    Interaction(i64, i64),
    Settings(u64),
    Clock(i64),
}

fn generate_contacts(rng: &mut Rng, now: i64) -> ContactStep {
    let contact = rng.int(1, 6);
    match rng.int(0, 99) {
        0..=4 => ContactStep::Contact(contact),
        5..=54 => ContactStep::Interaction(contact, now - rng.int(-DAY_SECS, 120 * DAY_SECS)),
        55..=57 => ContactStep::Settings(rng.next()),
        _ => ContactStep::Clock(match rng.int(0, 9) {
            0..=3 => rng.int(60, 15 * 60),
            4..=7 => rng.int(HOUR, 24 * HOUR),
            _ => rng.int(DAY_SECS, 3 * DAY_SECS),
        }),
    }
}

fn apply_contacts(store: &mut Store, step: &ContactStep, now: i64) -> bool {
    let result: Result<()> = match step {
        ContactStep::Contact(id) => store.import(now, |i| {
            i.contact(&ContactImport {
                id: Some(*id),
                name: Some(format!("Contact {id}")),
                ..Default::default()
            })
            .map(drop)
        }),
        ContactStep::Interaction(id, at) => store.import(now, |i| {
            i.interaction(&InteractionImport {
                contact_id: *id,
                at: *at,
                kind: "call".into(),
            })
            .map(drop)
        }),
        ContactStep::Settings(_) | ContactStep::Clock(_) => Ok(()),
    };
    result.is_ok()
}

fn contacts_history(seed: u64, template: &Path, dir: &Path, coverage: &mut Coverage) {
    let mut rng = Rng(seed);
    let (a, b) = (dir.join("incremental.db"), dir.join("full.db"));
    std::fs::copy(template, &a).unwrap();
    std::fs::copy(template, &b).unwrap();
    let mut incremental = Store::open(&a).unwrap();
    let mut full = Store::open(&b).unwrap();
    let mut config = Config::default();
    config.modules.portfolio.full_every = crate::duration::Span::secs(3650 * DAY_SECS as u64);
    let mut now = T0;
    let mut trail = Vec::new();
    for id in 1..=6 {
        let step = ContactStep::Contact(id);
        assert!(
            apply_contacts(&mut incremental, &step, now) && apply_contacts(&mut full, &step, now)
        );
    }
    for n in 0..rng.int(30, 60) {
        let step = generate_contacts(&mut rng, now);
        match &step {
            ContactStep::Clock(secs) => now += secs,
            ContactStep::Settings(bits) => {
                let cfg = &mut config.modules.relationships;
                cfg.window = crate::duration::Span::secs([2, 7, 14][(bits % 3) as usize] * 86_400);
                cfg.cooling_drop_percent = [5.0, 10.0, 25.0][((bits >> 8) % 3) as usize];
            }
            _ => {}
        }
        let ok_a = apply_contacts(&mut incremental, &step, now);
        let ok_b = apply_contacts(&mut full, &step, now);
        trail.push(format!("{n}: {step:?} -> {ok_a}"));
        let context = || format!("seed {seed}, at {now}, after\n{}", trail.join("\n"));
        assert_eq!(ok_a, ok_b, "{}", context());
        let env = |full: bool| ModuleEnv {
            config: &config,
            now,
            run_id: None,
            renotify_after: super::renotify_after_secs(&config),
            full,
        };
        let outcome = incremental
            .transaction(|tx| super::relationships::run(tx, &env(false)))
            .unwrap();
        full.transaction(|tx| super::relationships::run(tx, &env(true)))
            .unwrap();
        if outcome.message.starts_with("incremental") {
            coverage.incremental_runs += 1;
            let t = &outcome.transitions;
            coverage.transitions += t.new.len() + t.renotified.len() + t.resolved.len();
        }
        assert_eq!(open(&incremental), open(&full), "{}", context());
    }
}

#[test]
fn incremental_relationships_equal_the_full_scoring() {
    let coverage = run_histories(9_000, 250, contacts_history);
    assert!(
        coverage.incremental_runs > 5000 && coverage.transitions > 250,
        "{} incremental runs, {} transitions",
        coverage.incremental_runs,
        coverage.transitions
    );
}
