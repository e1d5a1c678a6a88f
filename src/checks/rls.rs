//! `rls`: row-level security on every table of a PostgreSQL database's schemas, read
//! from the catalogs in a read-only transaction. A table passes when RLS is enabled,
//! forced (its owner does not bypass it) and it has at least one policy; a role that
//! bypasses RLS (BYPASSRLS, or a superuser) fails the check unless `allow_bypass` names it.

use std::time::Instant;

use super::judge::{Observation, Reading};
use super::model::RlsCheck;
use super::postgres;
use super::runner::{Observe, RunContext};
use crate::duration::Span;

/// A table as the catalogs describe its row-level security.
#[derive(Debug, Clone, PartialEq)]
pub struct TableSecurity {
    pub schema: String,
    pub name: String,
    pub enabled: bool,
    pub forced: bool,
    pub policies: i64,
}

/// A role that bypasses row-level security.
#[derive(Debug, Clone, PartialEq)]
pub struct Bypass {
    pub role: String,
    pub superuser: bool,
}

const TABLES: &str =
    "SELECT n.nspname::text, c.relname::text, c.relrowsecurity, c.relforcerowsecurity,
        (SELECT count(*) FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid)
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1)
    ORDER BY 1, 2";

const SCHEMAS: &str = "SELECT nspname::text FROM pg_catalog.pg_namespace WHERE nspname = ANY($1)";

const BYPASSING: &str = "SELECT rolname::text, rolsuper FROM pg_catalog.pg_roles
    WHERE rolbypassrls OR rolsuper ORDER BY 1";

impl Observe for RlsCheck {
    fn observe(&self, timeout: Span, ctx: &RunContext) -> Observation {
        let started = Instant::now();
        let connector = match postgres::Connector::new(&self.database, &ctx.base_dir, timeout) {
            Ok(connector) => connector,
            Err(message) => return Observation::unknown(message),
        };
        let read = ctx.postgres.with_client(&connector, timeout, |client| {
            postgres::read_only(client, timeout, |tx| {
                let found: Vec<String> = tx
                    .query(SCHEMAS, &[&self.schemas])?
                    .iter()
                    .map(|row| row.get(0))
                    .collect();
                let tables = tx
                    .query(TABLES, &[&self.schemas])?
                    .iter()
                    .map(|row| TableSecurity {
                        schema: row.get(0),
                        name: row.get(1),
                        enabled: row.get(2),
                        forced: row.get(3),
                        policies: row.get(4),
                    })
                    .collect::<Vec<_>>();
                let bypass = tx
                    .query(BYPASSING, &[])?
                    .iter()
                    .map(|row| Bypass {
                        role: row.get(0),
                        superuser: row.get(1),
                    })
                    .collect::<Vec<_>>();
                Ok((found, tables, bypass))
            })
            .map_err(|err| postgres::classify(&err, timeout))
        });
        match read {
            Ok((found, tables, bypass)) => {
                let missing: Vec<&str> = self
                    .schemas
                    .iter()
                    .filter(|s| !found.contains(s))
                    .map(String::as_str)
                    .collect();
                if missing.is_empty() {
                    judge(self, &tables, &bypass)
                } else {
                    Observation::unknown(format!(
                        "no schema {} in {}",
                        missing.join(", "),
                        connector.display
                    ))
                }
            }
            Err(not_judged) => not_judged,
        }
        .with_latency(started.elapsed())
    }
}

/// Why a table fails, in words ("RLS disabled", "enabled but no policy (denies all)");
/// None when it passes.
pub fn table_problem(table: &TableSecurity) -> Option<String> {
    if !table.enabled {
        return Some("RLS disabled".into());
    }
    let mut gaps = Vec::new();
    if !table.forced {
        gaps.push("not forced (its owner bypasses it)");
    }
    if table.policies == 0 {
        gaps.push("no policy (denies all)");
    }
    (!gaps.is_empty()).then(|| format!("enabled but {}", gaps.join(" and ")))
}

/// The verdict: the failing tables and the roles that bypass RLS without leave, by name.
pub fn judge(check: &RlsCheck, tables: &[TableSecurity], bypass: &[Bypass]) -> Observation {
    let qualified = check.schemas.len() > 1;
    let name = |t: &TableSecurity| {
        if qualified {
            format!("{}.{}", t.schema, t.name)
        } else {
            t.name.clone()
        }
    };
    let excluded = |t: &TableSecurity| {
        check
            .exclude
            .iter()
            .any(|e| *e == t.name || *e == format!("{}.{}", t.schema, t.name))
    };
    let checked: Vec<&TableSecurity> = tables.iter().filter(|t| !excluded(t)).collect();
    let failing: Vec<String> = checked
        .iter()
        .filter_map(|t| table_problem(t).map(|why| format!("{}: {why}", name(t))))
        .collect();
    let bypassing: Vec<String> = bypass
        .iter()
        .filter(|b| !check.allow_bypass.contains(&b.role))
        .map(|b| {
            let how = if b.superuser {
                "superuser"
            } else {
                "BYPASSRLS"
            };
            format!("{} ({how})", b.role)
        })
        .collect();
    let schemas = check.schemas.join(", ");
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let mut parts = Vec::new();
    if !failing.is_empty() {
        parts.push(format!(
            "{} of {} in {schemas} without row-level security: {}",
            failing.len(),
            plural(checked.len(), "table", "tables"),
            failing.join("; ")
        ));
    }
    if !bypassing.is_empty() {
        parts.push(format!(
            "{} bypassing it: {}",
            plural(bypassing.len(), "role", "roles"),
            bypassing.join(", ")
        ));
    }
    let problems = failing.len() + bypassing.len();
    let obs = if parts.is_empty() {
        let excluded = tables.len() - checked.len();
        let shared = if excluded > 0 {
            format!(" ({excluded} excluded as shared)")
        } else {
            String::new()
        };
        Observation::ok(format!(
            "{} in {schemas} under row-level security (enabled, forced, with policies){shared}; \
             no role bypasses it{}",
            plural(checked.len(), "table", "tables"),
            if check.allow_bypass.is_empty() {
                String::new()
            } else {
                format!(" but {}", check.allow_bypass.join(", "))
            }
        ))
    } else {
        Observation::failed(parts.join("; "))
    };
    obs.with_reading(Reading::Number(problems as f64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::model::Postgres;

    fn table(name: &str, enabled: bool, forced: bool, policies: i64) -> TableSecurity {
        TableSecurity {
            schema: "public".into(),
            name: name.into(),
            enabled,
            forced,
            policies,
        }
    }

    fn check(exclude: &[&str], allow: &[&str]) -> RlsCheck {
        RlsCheck {
            database: Postgres {
                conninfo: "postgres://hb@127.0.0.1/app".into(),
                password_env: None,
                sslmode: None,
                ca_file: None,
            },
            schemas: vec!["public".into()],
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
            allow_bypass: allow.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn the_message_names_each_failing_table_and_why() {
        let tables = [
            table("accounts", true, true, 2),
            table("countries", false, false, 0),
            table("invoices", true, true, 0),
            table("ledger_entries", false, false, 0),
            table("tenants", true, false, 1),
        ];
        let bypass = [
            Bypass {
                role: "postgres".into(),
                superuser: true,
            },
            Bypass {
                role: "etl".into(),
                superuser: false,
            },
        ];
        let obs = judge(&check(&["countries"], &["postgres"]), &tables, &bypass);
        assert_eq!(obs.status, crate::checks::Status::Critical);
        assert_eq!(
            obs.message,
            "3 of 4 tables in public without row-level security: invoices: enabled but no \
             policy (denies all); ledger_entries: RLS disabled; tenants: enabled but not forced \
             (its owner bypasses it); 1 role bypassing it: etl (BYPASSRLS)"
        );
        assert_eq!(obs.reading, Some(Reading::Number(4.0)));
        let ok = judge(
            &check(&["countries"], &["postgres"]),
            &[
                table("accounts", true, true, 1),
                table("countries", false, false, 0),
            ],
            &bypass[..1],
        );
        assert_eq!(ok.status, crate::checks::Status::Ok);
        assert_eq!(
            ok.message,
            "1 table in public under row-level security (enabled, forced, with policies) \
             (1 excluded as shared); no role bypasses it but postgres"
        );
    }
}
