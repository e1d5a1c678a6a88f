//! The SQL that mirrors a pure rule, checked against the rule itself on a generated store:
//! property health (`pipeline::health`) as the counts per stage, the list's filters and
//! the portfolio's findings compute it, and the close probability
//! (`predictive::close_probability`) as the predictive module's one statement does.
//!
//! The store is the demo portfolio plus properties placed exactly at the thresholds
//! (in a stage for exactly its stale limit, and a second more; a deadline at the clock,
//! and a second later), judged at several clocks, so a rule that drifts by one
//! comparison fails here.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::column::OPEN_CONTRACT_STATUSES;
use super::properties::{BLOCKED_SQL, DEADLINE_MISSED_SQL};
use super::{HealthFilter, PropertyRecord, Store};
use crate::clock::DAY_SECS;
use crate::config::{InsightsConfig, StaleDays};
use crate::cycle::predictive;
use crate::insights::{self, FindingKind};
use crate::pipeline::{self, ContractStatus, Health, Stage};

const NOW: i64 = 1_795_608_000; // 2026-11-25T12:00:00Z
const DEMO_PROPERTIES: u32 = 3000;

/// What the pure rules say of one property at some clock.
struct Judged {
    stage: Stage,
    health: Health,
    recorded_blocker: bool,
    missed_deadlines: usize,
    /// The words `hb property ID` gives (the recorded blocker, else the first missed deadline).
    blocked_reason: Option<String>,
    score: Option<f64>,
}

fn add_property(store: &mut Store, record: PropertyRecord) -> i64 {
    store
        .transaction(|tx| tx.insert_property(&record, NOW))
        .unwrap()
}

/// Properties at the edges of every rule, at `NOW`.
fn add_edge_cases(store: &mut Store, stale: &StaleDays) {
    let limit = |stage: Stage| pipeline::days_to_secs(stage.stale_after_days(stale).unwrap());
    let base = |address: &str| PropertyRecord {
        address: address.into(),
        score: Some(50.0),
        ..PropertyRecord::default()
    };
    // In each stage for exactly its limit (healthy) and one second more (stale).
    for extra in [0, 1] {
        let entered = |stage: Stage| NOW - limit(stage) - extra;
        add_property(
            store,
            PropertyRecord {
                created_at: entered(Stage::New),
                ..base("new at the limit")
            },
        );
        add_property(
            store,
            PropertyRecord {
                created_at: entered(Stage::Enriched) - DAY_SECS,
                enriched_at: Some(entered(Stage::Enriched)),
                score: None,
                ..base("enriched at the limit")
            },
        );
        add_property(
            store,
            PropertyRecord {
                created_at: entered(Stage::Researched) - 2 * DAY_SECS,
                enriched_at: Some(entered(Stage::Researched) - DAY_SECS),
                skip_traced_at: Some(entered(Stage::Researched)),
                score: Some(100.0),
                ..base("researched at the limit")
            },
        );
        let waiting = add_property(
            store,
            PropertyRecord {
                created_at: NOW - 40 * DAY_SECS,
                skip_traced_at: Some(NOW - 30 * DAY_SECS),
                score: Some(0.0),
                ..base("waiting at the limit")
            },
        );
        let at = entered(Stage::WaitingForContracts);
        store
            .attach_contract(waiting, "Purchase", None, at, NOW)
            .unwrap();
    }
    // Deadlines: at the clock blocks, a second later does not yet; a met or cancelled
    // contract's passed deadline never blocks.
    for (deadline, then) in [
        (NOW, None),
        (NOW + 1, None),
        (NOW - DAY_SECS, Some(ContractStatus::Completed)),
        (NOW - DAY_SECS, Some(ContractStatus::Cancelled)),
        (NOW - 1, Some(ContractStatus::Signed)),
    ] {
        let id = add_property(
            store,
            PropertyRecord {
                created_at: NOW - 20 * DAY_SECS,
                skip_traced_at: Some(NOW - 15 * DAY_SECS),
                ..base("a deadline at the edge")
            },
        );
        let contract = store
            .attach_contract(id, "Purchase", Some(deadline), NOW - 2 * DAY_SECS, NOW)
            .unwrap();
        if let Some(status) = then {
            store
                .contract_event(contract, status, NOW - DAY_SECS, NOW)
                .unwrap();
        }
    }
    // Snoozes: one ahead (snoozed), one ending a second after the clock (snoozed at NOW,
    // resumed at NOW + 1), and one that resumed exactly a stage's limit ago and a second
    // more (its clock: healthy, then stale), all in stages they are long overdue in.
    for (snoozed_until, reason) in [
        (NOW + 5 * DAY_SECS, Some("waiting on probate")),
        (NOW + 1, None),
        (NOW - limit(Stage::Enriched), Some("done waiting")),
        (NOW - limit(Stage::Enriched) - 1, None),
    ] {
        add_property(
            store,
            PropertyRecord {
                created_at: NOW - 40 * DAY_SECS,
                enriched_at: Some(NOW - 30 * DAY_SECS),
                snoozed_until: Some(snoozed_until),
                snooze_reason: reason.map(str::to_string),
                ..base("snoozed in enriched")
            },
        );
    }
    // A snooze does not lift a block: blocked wins.
    add_property(
        store,
        PropertyRecord {
            created_at: NOW - 30 * DAY_SECS,
            blocked_reason: Some("Lien".into()),
            snoozed_until: Some(NOW + DAY_SECS),
            ..base("blocked and snoozed")
        },
    );
    // Blocked wins over stale, and over complete.
    add_property(
        store,
        PropertyRecord {
            created_at: NOW - 30 * DAY_SECS,
            blocked_reason: Some("Title dispute".into()),
            ..base("blocked and stale")
        },
    );
    let complete = add_property(
        store,
        PropertyRecord {
            created_at: NOW - 90 * DAY_SECS,
            skip_traced_at: Some(NOW - 80 * DAY_SECS),
            blocked_reason: Some("Probate".into()),
            ..base("blocked and complete")
        },
    );
    let contract = store
        .attach_contract(complete, "Purchase", None, NOW - 70 * DAY_SECS, NOW)
        .unwrap();
    store
        .contract_event(
            contract,
            ContractStatus::Completed,
            NOW - 60 * DAY_SECS,
            NOW,
        )
        .unwrap();
    // Two open contracts past their deadlines: blocked once, two missed deadlines.
    let twice = add_property(
        store,
        PropertyRecord {
            created_at: NOW - 30 * DAY_SECS,
            skip_traced_at: Some(NOW - 25 * DAY_SECS),
            ..base("two missed deadlines")
        },
    );
    for name in ["Purchase", "Assignment"] {
        store
            .attach_contract(twice, name, Some(NOW - DAY_SECS), NOW - 20 * DAY_SECS, NOW)
            .unwrap();
    }
}

fn generated_store(stale: &StaleDays) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("hb.db")).unwrap();
    let properties = crate::demo::properties(DEMO_PROPERTIES, NOW, *stale);
    store.load_demo(properties, &[], &[], NOW, |_| {}).unwrap();
    add_edge_cases(&mut store, stale);
    (dir, store)
}

/// Every property as the pure rules judge it at `now`, by id.
fn judge(store: &Store, stale: &StaleDays, now: i64) -> BTreeMap<i64, Judged> {
    let mut stmt = store
        .conn
        .prepare("SELECT id, score FROM properties ORDER BY id")
        .unwrap();
    let rows: Vec<(i64, Option<f64>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    rows.into_iter()
        .map(|(id, score)| {
            let facts = store.property_facts(id).unwrap().unwrap();
            let heartbeat = pipeline::heartbeat(&facts, stale, now);
            let judged = Judged {
                stage: heartbeat.stage,
                health: heartbeat.health,
                recorded_blocker: facts.blocked_reason.is_some(),
                missed_deadlines: facts
                    .contracts
                    .iter()
                    .filter(|c| pipeline::deadline_missed(c.status, c.deadline_at, now))
                    .count(),
                blocked_reason: heartbeat.blocked_reason,
                score,
            };
            (id, judged)
        })
        .collect()
}

/// The clocks to judge at: the edges' own, a second later (every edge flips), and days on.
fn clocks() -> [i64; 4] {
    [NOW, NOW + 1, NOW + 2 * DAY_SECS + 7, NOW + 9 * DAY_SECS]
}

#[test]
fn sql_health_agrees_with_pipeline_health() {
    let stale = StaleDays::default();
    let (_dir, store) = generated_store(&stale);
    for now in clocks() {
        let judged = judge(&store, &stale, now);
        assert!(judged.len() > DEMO_PROPERTIES as usize);
        let mut by_health: HashMap<(Stage, Health), i64> = HashMap::new();
        for j in judged.values() {
            *by_health.entry((j.stage, j.health)).or_default() += 1;
        }
        // Every stage and health shows up, or the comparison proves little.
        for health in Health::ALL {
            // The snoozes end within the clocks: at the last, nothing is snoozed.
            if health == Health::Snoozed && now >= NOW + 5 * DAY_SECS {
                continue;
            }
            assert!(
                by_health.keys().any(|(_, h)| *h == health),
                "{health:?} at {now}"
            );
        }

        // The metrics' counts per stage and health.
        for (stage, health, count) in store.count_by_stage_health(&stale, now).unwrap() {
            let want = by_health.get(&(stage, health)).copied().unwrap_or(0);
            assert_eq!(count, want, "count of {stage:?} {health:?} at {now}");
        }

        // The property list's filters, row by row.
        for stage in Stage::ALL {
            for (filter, health) in [
                (HealthFilter::Any, None),
                (HealthFilter::Healthy, Some(Health::Healthy)),
                (HealthFilter::Stale, Some(Health::Stale)),
                (HealthFilter::Snoozed, Some(Health::Snoozed)),
                (HealthFilter::Blocked, Some(Health::Blocked)),
            ] {
                let want: BTreeSet<i64> = judged
                    .iter()
                    .filter(|(_, j)| j.stage == stage && health.is_none_or(|h| j.health == h))
                    .map(|(id, _)| *id)
                    .collect();
                let listed = store.list_stage(stage, filter, &stale, now, None).unwrap();
                let got: BTreeSet<i64> = listed.iter().map(|row| row.id).collect();
                assert_eq!(got, want, "{stage:?} {filter:?} at {now}");
                let counted = store.count_stage(stage, filter, &stale, now).unwrap();
                assert_eq!(counted, want.len() as u64, "{stage:?} {filter:?} at {now}");
                for row in listed {
                    let j = &judged[&row.id];
                    assert_eq!(
                        row.blocked,
                        j.health == Health::Blocked,
                        "property {} at {now}",
                        row.id
                    );
                    let reason = pipeline::blocked_reason(
                        row.blocked_reason.as_deref(),
                        row.missed.as_ref(),
                    );
                    assert_eq!(reason, j.blocked_reason, "property {} at {now}", row.id);
                }
            }
        }

        // The portfolio's findings: stale (and not blocked), recorded blockers, deadlines.
        let counts: HashMap<FindingKind, i64> =
            insights::counts(&store, &InsightsConfig::default(), &stale, now)
                .unwrap()
                .into_iter()
                .collect();
        let count = |keep: &dyn Fn(&Judged) -> usize| -> i64 {
            judged.values().map(keep).sum::<usize>() as i64
        };
        assert_eq!(
            counts[&FindingKind::StaleProperty],
            count(&|j| usize::from(j.health == Health::Stale)),
            "stale findings at {now}"
        );
        assert_eq!(
            counts[&FindingKind::BlockedProperty],
            count(&|j| usize::from(j.recorded_blocker)),
            "blocked findings at {now}"
        );
        assert_eq!(
            counts[&FindingKind::DeadlinePassed],
            count(&|j| j.missed_deadlines),
            "missed deadlines at {now}"
        );
    }
}

#[test]
fn sql_close_probability_agrees_with_the_rule() {
    let stale = StaleDays::default();
    let (_dir, mut store) = generated_store(&stale);
    for now in clocks() {
        store
            .transaction(|tx| tx.update_close_probabilities(&stale, now))
            .unwrap();
        let judged = judge(&store, &stale, now);
        let mut stmt = store
            .conn
            .prepare("SELECT id, close_probability FROM properties")
            .unwrap();
        let stored: Vec<(i64, f64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(stored.len(), judged.len());
        let mut distinct = BTreeSet::new();
        for (id, p) in stored {
            let j = &judged[&id];
            let want = predictive::close_probability(j.stage, j.health, j.score);
            assert_eq!(
                p, want,
                "property {id} at {now}: {:?} {:?} score {:?}",
                j.stage, j.health, j.score
            );
            distinct.insert(p.to_bits());
        }
        assert!(distinct.len() > 20, "too few distinct probabilities");
    }
}

#[test]
fn the_open_statuses_are_the_ones_the_shipped_indexes_were_declared_with() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("hb.db")).unwrap();
    let list = format!("status IN {}", *OPEN_CONTRACT_STATUSES);
    for index in ["contracts_open_property", "contracts_open_deadline"] {
        let sql: String = store
            .conn
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?1",
                [index],
                |r| r.get(0),
            )
            .unwrap();
        assert!(sql.contains(&list), "{index}: {sql} does not say {list}");
    }
    // And so the planner uses them for the health fragments.
    let plan = |sql: &str| -> String {
        let mut stmt = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        let rows = stmt
            .query_map([NOW], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap();
        rows.join("\n")
    };
    let blocked = plan(&format!(
        "SELECT count(*) FROM properties p WHERE {}",
        BLOCKED_SQL.replace(":now", "?1")
    ));
    assert!(blocked.contains("contracts_open_property"), "{blocked}");
    let missed = plan(&format!(
        "SELECT c.id FROM contracts c WHERE {}",
        DEADLINE_MISSED_SQL.replace(":now", "?1")
    ));
    assert!(missed.contains("contracts_open_"), "{missed}");
}
