//! `hb brief`: the daily brief as it reads now (`brief::Brief`), the same document the
//! cycle sends once a day.

use anyhow::Result;

use crate::brief::{
    self, Brief, BriefCheck, BriefDeadline, BriefProperty, KindCount, DEADLINE_DAYS, TOP_PROPERTIES,
};
use crate::checks::{AlertRules, CheckState};
use crate::clock::{self, DAY_SECS};
use crate::config::Config;
use crate::store::{FindingQuery, Store};

/// The brief of the day of `now`, from the store at `now`.
pub fn brief(store: &Store, config: &Config, now: i64) -> Result<Brief> {
    // Enough of the most urgent findings to name the top properties once each.
    let insights = super::insights::insights(store, config, Some(TOP_PROPERTIES * 5), now)?;
    let mut properties: Vec<BriefProperty> = Vec::new();
    for found in &insights.findings {
        let f = &found.finding;
        if properties.len() == TOP_PROPERTIES
            || properties.iter().any(|p| p.property_id == f.property_id)
        {
            continue;
        }
        let Some(facts) = store.property_facts(f.property_id)? else {
            continue;
        };
        let heartbeat = crate::pipeline::heartbeat(&facts, &config.property.stale_days, now);
        properties.push(BriefProperty {
            property_id: f.property_id,
            address: f.address.clone(),
            health: heartbeat.health.as_str(),
            finding: f.subject.clone(),
            next_action: heartbeat.next_action,
        });
    }
    let silences = super::checks::silences_at(Some(store), config, now)?;
    let states = store.check_states()?;
    let failing_checks = config
        .check
        .iter()
        .filter(|c| c.common.enabled)
        .filter_map(|check| {
            let state: &CheckState = states.get(&check.common.name)?;
            state.status.is_failure().then(|| BriefCheck {
                name: check.common.name.clone(),
                status: state.status.as_str(),
                since: clock::format_ts(state.failing_since.unwrap_or(state.since)),
                message: state.last_message.clone(),
                flapping: state.is_flapping() && AlertRules::of(check).flap.is_some(),
                silenced: silences
                    .covering(&check.common.name, check.common.group, now)
                    .map(|c| format!("silenced by {} until {}", c.by, clock::format_ts(c.until))),
            })
        })
        .collect();
    let mut deadlines = Vec::new();
    let until = now.saturating_add(DEADLINE_DAYS * DAY_SECS + 1);
    store.scan_findings(&FindingQuery::Deadline { until }, now, None, |row| {
        if row.at > now {
            deadlines.push(BriefDeadline {
                contract_id: row.contract_id.unwrap_or_default(),
                contract: row.contract_name.unwrap_or_default(),
                property_id: row.property_id,
                address: row.address,
                deadline_at: clock::format_ts(row.at),
                days_left: ((row.at - now) as f64 / DAY_SECS as f64 * 10.0).round() / 10.0,
            });
        }
        Ok(())
    })?;
    Ok(Brief {
        day: brief::day_text(now.div_euclid(DAY_SECS)),
        generated_at: clock::format_ts(now),
        findings: insights.total,
        counts: insights
            .by_kind
            .iter()
            .map(|(kind, count)| KindCount {
                kind: kind.as_str(),
                label: kind.plural(),
                one: kind.singular(),
                count: *count,
            })
            .collect(),
        snoozed: insights.snoozed.total as i64,
        properties,
        failing_checks,
        deadlines,
        route: config.brief.route.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_brief_names_the_top_properties_once_each_with_their_next_action() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("hb.db")).unwrap();
        let now = 1_795_608_000;
        let day = DAY_SECS;
        store
            .transaction(|tx| {
                for id in 1..=12 {
                    let record = crate::store::PropertyRecord {
                        id: Some(id),
                        address: format!("{id} Main St"),
                        created_at: now - 10 * day,
                        ..Default::default()
                    };
                    tx.insert_property(&record, now)?;
                }
                Ok(())
            })
            .unwrap();
        let id = store
            .attach_contract(3, "Purchase", Some(now + 2 * day), now - day, now)
            .unwrap();
        store
            .attach_contract(4, "Later", Some(now + 9 * day), now - day, now)
            .unwrap();
        let config = crate::config::parse("").unwrap();
        let brief = brief(&store, &config, now).unwrap();
        assert_eq!(brief.day, "2026-11-25");
        assert_eq!(brief.properties.len(), TOP_PROPERTIES);
        let mut ids: Vec<i64> = brief.properties.iter().map(|p| p.property_id).collect();
        ids.dedup();
        assert_eq!(ids.len(), TOP_PROPERTIES, "each property once");
        let new = brief
            .properties
            .iter()
            .find(|p| p.property_id == 1)
            .unwrap();
        assert_eq!(
            (new.health, new.next_action.as_str()),
            ("stale", "Run Zillow enrichment")
        );
        // Within the week: the one due in 2 days, not the one in 9.
        assert_eq!(brief.deadlines.len(), 1);
        assert_eq!(
            (brief.deadlines[0].contract_id, brief.deadlines[0].days_left),
            (id, 2.0)
        );
        assert!(brief.findings >= 12);
        assert!(brief.failing_checks.is_empty());
    }
}
