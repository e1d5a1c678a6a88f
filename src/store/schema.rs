//! Migrations: append-only. Never edit or remove a shipped migration; add one (a test
//! pins the hash of each).

use anyhow::{bail, Result};
use rusqlite::{Connection, TransactionBehavior};

pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the portfolio (foundation).
    r#"
    CREATE TABLE properties (
        id INTEGER PRIMARY KEY,
        external_ref TEXT UNIQUE,
        address TEXT NOT NULL,
        city TEXT,
        state TEXT,
        zip TEXT,
        kind TEXT,
        list_price REAL,
        beds INTEGER,
        baths REAL,
        sqft INTEGER,
        score REAL,
        created_at INTEGER NOT NULL,
        enriched_at INTEGER,
        skip_traced_at INTEGER,
        blocked_reason TEXT,
        last_action_at INTEGER,
        -- Derived from the facts above and the contracts by pipeline::derive, kept
        -- current by every write so portfolio queries use indexes.
        contracts_attached_at INTEGER,
        contracts_completed_at INTEGER,
        stage TEXT NOT NULL CHECK (stage IN ('new','enriched','researched','waiting_for_contracts','complete')),
        stage_entered_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    -- Covering for the portfolio's counts: stale per stage without a row lookup.
    CREATE INDEX properties_stage_entered ON properties (stage, stage_entered_at, blocked_reason);
    CREATE INDEX properties_blocked ON properties (id, blocked_reason) WHERE blocked_reason IS NOT NULL;
    CREATE INDEX properties_unenriched ON properties (created_at, stage, stage_entered_at) WHERE enriched_at IS NULL;
    CREATE INDEX properties_untraced ON properties (enriched_at, stage, stage_entered_at)
        WHERE skip_traced_at IS NULL AND enriched_at IS NOT NULL;
    CREATE INDEX properties_score ON properties (score, stage, last_action_at, stage_entered_at) WHERE score IS NOT NULL;
    CREATE INDEX properties_created ON properties (created_at);
    CREATE INDEX properties_area ON properties (state, city);

    CREATE TABLE contracts (
        id INTEGER PRIMARY KEY,
        property_id INTEGER NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('attached','sent','signed','completed','cancelled')),
        attached_at INTEGER NOT NULL,
        sent_at INTEGER,
        signed_at INTEGER,
        completed_at INTEGER,
        cancelled_at INTEGER,
        deadline_at INTEGER
    );
    CREATE INDEX contracts_property ON contracts (property_id);
    -- "Is this property blocked by a missed deadline?" without reading contract rows.
    CREATE INDEX contracts_open_property ON contracts (property_id, deadline_at)
        WHERE status IN ('attached','sent','signed');
    CREATE INDEX contracts_open_deadline ON contracts (deadline_at)
        WHERE deadline_at IS NOT NULL AND status IN ('attached','sent','signed');
    CREATE INDEX contracts_sent_unsigned ON contracts (sent_at) WHERE status = 'sent';

    CREATE TABLE contacts (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        email TEXT,
        phone TEXT,
        property_id INTEGER REFERENCES properties (id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX contacts_property ON contacts (property_id);

    CREATE TABLE interactions (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        UNIQUE (contact_id, at, kind)
    );
    CREATE INDEX interactions_at ON interactions (at);

    CREATE TABLE watchlists (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        city TEXT,
        state TEXT,
        zip TEXT,
        kind TEXT,
        max_price REAL,
        min_beds INTEGER,
        min_score REAL,
        created_at INTEGER NOT NULL
    );

    CREATE TABLE price_history (
        property_id INTEGER NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
        at INTEGER NOT NULL,
        price REAL NOT NULL,
        PRIMARY KEY (property_id, at)
    ) WITHOUT ROWID;
    CREATE INDEX price_history_at ON price_history (at);

    CREATE TABLE reminders (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        property_id INTEGER REFERENCES properties (id) ON DELETE SET NULL,
        recurrence TEXT,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX reminders_due ON reminders (due_at);
    "#,
    // 2: the system heartbeat: runs, module results, notifications, cycle lock.
    r#"
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        trigger TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        status TEXT NOT NULL CHECK (status IN ('running','ok','failed','aborted')),
        duration_ms INTEGER,
        pid INTEGER,
        summary TEXT
    );
    CREATE INDEX runs_started ON runs (started_at);
    CREATE INDEX runs_running ON runs (id) WHERE status = 'running';

    CREATE TABLE module_results (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        module TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ok','failed','skipped')),
        findings INTEGER NOT NULL DEFAULT 0,
        duration_ms INTEGER NOT NULL DEFAULT 0,
        message TEXT,
        PRIMARY KEY (run_id, module)
    ) WITHOUT ROWID;
    CREATE INDEX module_results_module ON module_results (module, run_id);

    -- When each module last ran, and where it left off (market: the last property seen).
    CREATE TABLE module_state (
        module TEXT PRIMARY KEY,
        last_run_at INTEGER,
        last_run_id INTEGER,
        cursor INTEGER
    ) WITHOUT ROWID;

    -- Held by the running cycle; a row whose pid is gone belongs to a killed cycle.
    CREATE TABLE cycle_lock (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        pid INTEGER NOT NULL,
        run_id INTEGER,
        started_at INTEGER NOT NULL
    );

    CREATE TABLE notifications (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        dedup_key TEXT NOT NULL,
        kind TEXT NOT NULL,
        priority TEXT NOT NULL CHECK (priority IN ('low','medium','high','critical')),
        subject TEXT NOT NULL,
        message TEXT NOT NULL,
        property_id INTEGER,
        created_at INTEGER NOT NULL,
        notified_at INTEGER NOT NULL,
        notify_count INTEGER NOT NULL DEFAULT 1,
        last_seen_at INTEGER NOT NULL,
        acked_at INTEGER,
        resolved_at INTEGER,
        run_id INTEGER
    );
    CREATE UNIQUE INDEX notifications_open_key ON notifications (dedup_key) WHERE resolved_at IS NULL;
    CREATE INDEX notifications_open_source ON notifications (source) WHERE resolved_at IS NULL;
    CREATE INDEX notifications_key ON notifications (dedup_key);
    CREATE INDEX notifications_created ON notifications (created_at);

    CREATE TABLE watchlist_matches (
        watchlist_id INTEGER NOT NULL REFERENCES watchlists (id) ON DELETE CASCADE,
        property_id INTEGER NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
        matched_at INTEGER NOT NULL,
        PRIMARY KEY (watchlist_id, property_id)
    ) WITHOUT ROWID;

    CREATE TABLE contact_scores (
        contact_id INTEGER PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
        score REAL NOT NULL,
        previous_score REAL,
        scored_at INTEGER NOT NULL
    );

    ALTER TABLE properties ADD COLUMN close_probability REAL;
    ALTER TABLE reminders ADD COLUMN notified_at INTEGER;
    CREATE INDEX reminders_pending ON reminders (due_at) WHERE notified_at IS NULL;
    "#,
    // 3: checks: one result per check per run, the state alerting reads, metric series.
    r#"
    CREATE TABLE check_results (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        check_name TEXT NOT NULL,
        check_group TEXT NOT NULL,
        check_type TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('warning','critical')),
        status TEXT NOT NULL CHECK (status IN ('ok','warning','critical','unknown','skipped')),
        latency_ms INTEGER,
        message TEXT NOT NULL,
        value REAL,
        started_at INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        -- JSON: initial status and message, each command's exit and output, the re-check.
        remediation TEXT
    );
    CREATE INDEX check_results_run ON check_results (run_id);
    -- The latest results of one check, and one check over a window.
    CREATE INDEX check_results_check ON check_results (check_name, started_at);
    -- Every check over a window (uptime, error rate, latency percentiles).
    CREATE INDEX check_results_started ON check_results (started_at);

    CREATE TABLE check_state (
        name TEXT PRIMARY KEY,
        status TEXT NOT NULL CHECK (status IN ('ok','warning','critical','unknown','skipped')),
        since INTEGER NOT NULL,
        failing_since INTEGER,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        consecutive_successes INTEGER NOT NULL DEFAULT 0,
        last_run_at INTEGER NOT NULL,
        last_run_id INTEGER,
        last_ok_at INTEGER,
        last_failure_at INTEGER,
        last_message TEXT NOT NULL DEFAULT '',
        last_value REAL,
        last_latency_ms INTEGER
    ) WITHOUT ROWID;

    CREATE TABLE metric_values (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        check_name TEXT NOT NULL,
        label TEXT NOT NULL,
        value REAL NOT NULL,
        unit TEXT,
        at INTEGER NOT NULL
    );
    CREATE INDEX metric_values_run ON metric_values (run_id);
    CREATE INDEX metric_values_series ON metric_values (check_name, label, at);
    CREATE INDEX metric_values_at ON metric_values (at);
    "#,
    // 4: alert outbox
    r#"
    -- One row per (channel, alert), written before anything is sent. Delivery claims
    -- due rows, sends one digest per channel, and marks them delivered only after the
    -- server accepted; failures stay pending with a backoff (see store/outbox.rs).
    CREATE TABLE alert_outbox (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        priority TEXT NOT NULL CHECK (priority IN ('low','medium','high','critical')),
        kind TEXT NOT NULL CHECK (kind IN ('new','renotify','recovery','escalation','test')),
        subject TEXT NOT NULL,
        dedup_key TEXT NOT NULL,
        notification_id INTEGER REFERENCES notifications (id) ON DELETE SET NULL,
        payload TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_attempt_at INTEGER,
        last_error TEXT,
        next_attempt_at INTEGER NOT NULL,
        delivered_at INTEGER,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','failed'))
    );
    CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_at) WHERE status = 'pending';
    CREATE INDEX alert_outbox_open ON alert_outbox (status, id) WHERE status != 'delivered';
    CREATE INDEX alert_outbox_notification ON alert_outbox (notification_id);
    "#,
    // 5: per-channel delivery, leases apart from backoff, rejected recipients
    r#"
    -- Set while a delivery holds the row (its claim), cleared by the outcome: a channel
    -- that delivers again pulls its waiting rows forward, never rows another process
    -- is sending.
    ALTER TABLE alert_outbox ADD COLUMN leased_until INTEGER;
    -- Delivery takes each channel's share, most urgent first.
    CREATE INDEX alert_outbox_channel_due ON alert_outbox (channel, next_attempt_at)
        WHERE status = 'pending';

    -- A recipient the mail server refused permanently (5xx to RCPT): recorded once per
    -- (channel, address), shown by `hb alerts outbox` and `hb status`, cleared when the
    -- server accepts the address again.
    CREATE TABLE alert_rejections (
        channel TEXT NOT NULL,
        recipient TEXT NOT NULL,
        reply TEXT NOT NULL,
        first_at INTEGER NOT NULL,
        last_at INTEGER NOT NULL,
        PRIMARY KEY (channel, recipient)
    ) WITHOUT ROWID;
    "#,
    // 6: the portfolio's indexes as migration 1 has declared them since ee5b1ad, which
    // rewrote them inside that shipped migration: stores created before it kept the old
    // definitions and never got contracts_open_property. Harmless on newer stores (the
    // same indexes, rebuilt once).
    r#"
    DROP INDEX IF EXISTS properties_stage_entered;
    CREATE INDEX IF NOT EXISTS properties_stage_entered ON properties (stage, stage_entered_at, blocked_reason);
    DROP INDEX IF EXISTS properties_blocked;
    CREATE INDEX IF NOT EXISTS properties_blocked ON properties (id, blocked_reason) WHERE blocked_reason IS NOT NULL;
    DROP INDEX IF EXISTS properties_unenriched;
    CREATE INDEX IF NOT EXISTS properties_unenriched ON properties (created_at, stage, stage_entered_at) WHERE enriched_at IS NULL;
    DROP INDEX IF EXISTS properties_untraced;
    CREATE INDEX IF NOT EXISTS properties_untraced ON properties (enriched_at, stage, stage_entered_at)
        WHERE skip_traced_at IS NULL AND enriched_at IS NOT NULL;
    DROP INDEX IF EXISTS properties_score;
    CREATE INDEX IF NOT EXISTS properties_score ON properties (score, stage, last_action_at, stage_entered_at) WHERE score IS NOT NULL;
    DROP INDEX IF EXISTS contracts_open_property;
    CREATE INDEX IF NOT EXISTS contracts_open_property ON contracts (property_id, deadline_at)
        WHERE status IN ('attached','sent','signed');
    "#,
    // 7: open notifications counted per priority, kept by triggers on every write path, so
    // the verdict (`hb status`, `GET /health`) and the metrics read four rows instead of
    // counting hundreds of thousands of open notifications on each request.
    r#"
    CREATE TABLE open_notification_counts (
        priority TEXT PRIMARY KEY,
        open INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO open_notification_counts (priority, open)
        SELECT priority, count(*) FROM notifications
        WHERE resolved_at IS NULL AND acked_at IS NULL GROUP BY priority;
    CREATE TRIGGER notifications_open_inserted AFTER INSERT ON notifications
        WHEN NEW.resolved_at IS NULL AND NEW.acked_at IS NULL
    BEGIN
        INSERT INTO open_notification_counts (priority, open) VALUES (NEW.priority, 1)
            ON CONFLICT (priority) DO UPDATE SET open = open + 1;
    END;
    CREATE TRIGGER notifications_open_deleted AFTER DELETE ON notifications
        WHEN OLD.resolved_at IS NULL AND OLD.acked_at IS NULL
    BEGIN
        UPDATE open_notification_counts SET open = open - 1 WHERE priority = OLD.priority;
    END;
    CREATE TRIGGER notifications_open_updated AFTER UPDATE OF priority, resolved_at, acked_at
        ON notifications
        WHEN (OLD.resolved_at IS NULL AND OLD.acked_at IS NULL)
            OR (NEW.resolved_at IS NULL AND NEW.acked_at IS NULL)
    BEGIN
        UPDATE open_notification_counts SET open = open - 1
            WHERE priority = OLD.priority AND OLD.resolved_at IS NULL AND OLD.acked_at IS NULL;
        INSERT INTO open_notification_counts (priority, open)
            SELECT NEW.priority, 1 WHERE NEW.resolved_at IS NULL AND NEW.acked_at IS NULL
            ON CONFLICT (priority) DO UPDATE SET open = open + 1;
    END;
    "#,
    // 8: the runlog: the agent_runs row of each cycle, for the application's database
    r#"
    -- Queued with the cycle's own writes (its id, a UUID, is fixed then), written to the
    -- application after hb's commit, marked written once the application committed it.
    -- A row pending after a failed or killed write is retried by the next cycle with the
    -- same id, which the application's table has at most once.
    CREATE TABLE runlog_entries (
        run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        entry_id TEXT NOT NULL UNIQUE,
        task_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('completed','failed')),
        started_at INTEGER NOT NULL,
        finished_at INTEGER NOT NULL,
        written_at INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_attempt_at INTEGER,
        last_error TEXT
    );
    CREATE INDEX runlog_entries_pending ON runlog_entries (run_id) WHERE written_at IS NULL;
    "#,
    // 9: the incremental cycle. A change watermark kept by triggers, so every write path
    // (import, `hb property set`, `hb contract`, the demo loader, the modules) keeps it
    // without knowing: one sequence, bumped per changed row, stamped on the property (its
    // facts or any of its contracts changed), the contact (it or its interactions) and
    // the price point. Close probabilities and other derived outputs are left out of the
    // column lists: no finding reads them, and re-scoring must not look like a change.
    r#"
    CREATE TABLE change_clock (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL
    );
    INSERT INTO change_clock (id, seq) VALUES (1, 0);

    ALTER TABLE properties ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX properties_changed ON properties (change_seq);
    CREATE TRIGGER properties_inserted AFTER INSERT ON properties BEGIN
        UPDATE change_clock SET seq = seq + 1;
        UPDATE properties SET change_seq = (SELECT seq FROM change_clock) WHERE id = NEW.id;
    END;
    CREATE TRIGGER properties_updated AFTER UPDATE OF external_ref, address, city, state, zip,
        kind, list_price, beds, baths, sqft, score, created_at, enriched_at, skip_traced_at,
        blocked_reason, last_action_at, contracts_attached_at, contracts_completed_at, stage,
        stage_entered_at ON properties BEGIN
        UPDATE change_clock SET seq = seq + 1;
        UPDATE properties SET change_seq = (SELECT seq FROM change_clock) WHERE id = NEW.id;
    END;
    CREATE TRIGGER contracts_inserted AFTER INSERT ON contracts BEGIN
        UPDATE change_clock SET seq = seq + 1;
        UPDATE properties SET change_seq = (SELECT seq FROM change_clock) WHERE id = NEW.property_id;
    END;
    CREATE TRIGGER contracts_updated AFTER UPDATE ON contracts BEGIN
        UPDATE change_clock SET seq = seq + 1;
        UPDATE properties SET change_seq = (SELECT seq FROM change_clock)
            WHERE id IN (OLD.property_id, NEW.property_id);
    END;
    CREATE TRIGGER contracts_deleted AFTER DELETE ON contracts BEGIN
        UPDATE change_clock SET seq = seq + 1;
        UPDATE properties SET change_seq = (SELECT seq FROM change_clock) WHERE id = OLD.property_id;
    END;

    ALTER TABLE contacts ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX contacts_changed ON contacts (change_seq);
    CREATE TRIGGER contacts_inserted AFTER INSERT ON contacts BEGIN
        UPDATE change_clock SET seq = seq + 1;
        UPDATE contacts SET change_seq = (SELECT seq FROM change_clock) WHERE id = NEW.id;
    END;
    CREATE TRIGGER contacts_updated AFTER UPDATE OF name, email, phone, property_id ON contacts BEGIN
        UPDATE change_clock SET seq = seq + 1;
        UPDATE contacts SET change_seq = (SELECT seq FROM change_clock) WHERE id = NEW.id;
    END;
    CREATE TRIGGER interactions_inserted AFTER INSERT ON interactions BEGIN
        UPDATE change_clock SET seq = seq + 1;
        UPDATE contacts SET change_seq = (SELECT seq FROM change_clock) WHERE id = NEW.contact_id;
    END;
    CREATE TRIGGER interactions_updated AFTER UPDATE ON interactions BEGIN
        UPDATE change_clock SET seq = seq + 1;
        UPDATE contacts SET change_seq = (SELECT seq FROM change_clock)
            WHERE id IN (OLD.contact_id, NEW.contact_id);
    END;
    CREATE TRIGGER interactions_deleted AFTER DELETE ON interactions BEGIN
        UPDATE change_clock SET seq = seq + 1;
        UPDATE contacts SET change_seq = (SELECT seq FROM change_clock) WHERE id = OLD.contact_id;
    END;

    ALTER TABLE price_history ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX price_history_changed ON price_history (change_seq);
    CREATE TRIGGER prices_inserted AFTER INSERT ON price_history BEGIN
        UPDATE change_clock SET seq = seq + 1;
        UPDATE price_history SET change_seq = (SELECT seq FROM change_clock)
            WHERE property_id = NEW.property_id AND at = NEW.at;
    END;
    CREATE TRIGGER prices_updated AFTER UPDATE OF price, at, property_id ON price_history BEGIN
        UPDATE change_clock SET seq = seq + 1;
        UPDATE price_history SET change_seq = (SELECT seq FROM change_clock)
            WHERE property_id = NEW.property_id AND at = NEW.at;
    END;

    -- The market's price windows, kept between runs: per area (state, or '' for none,
    -- and city) and window (0: the one before, 1: the last), how many points have each
    -- price, and a pivot at the lower median (its price and how many points are below
    -- it). A run moves the points that crossed a window's edge since the last one and
    -- re-counts only the areas whose points changed (price_history.change_seq) or whose
    -- properties moved to another area (recorded here by the trigger below).
    CREATE TABLE price_window_counts (
        state TEXT NOT NULL,
        city TEXT NOT NULL,
        window INTEGER NOT NULL,
        price REAL NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (state, city, window, price)
    ) WITHOUT ROWID;
    CREATE TABLE price_window_medians (
        state TEXT NOT NULL,
        city TEXT NOT NULL,
        window INTEGER NOT NULL,
        total INTEGER NOT NULL,
        pivot REAL,
        below INTEGER NOT NULL,
        PRIMARY KEY (state, city, window)
    ) WITHOUT ROWID;
    CREATE TABLE price_areas_dirty (
        state TEXT NOT NULL,
        city TEXT NOT NULL,
        PRIMARY KEY (state, city)
    ) WITHOUT ROWID;
    CREATE TRIGGER properties_area_moved AFTER UPDATE OF city, state ON properties
        WHEN (OLD.city IS NOT NEW.city OR OLD.state IS NOT NEW.state)
         AND EXISTS (SELECT 1 FROM price_history WHERE property_id = NEW.id) BEGIN
        INSERT OR IGNORE INTO price_areas_dirty (state, city)
            SELECT coalesce(OLD.state, ''), OLD.city WHERE OLD.city IS NOT NULL;
        INSERT OR IGNORE INTO price_areas_dirty (state, city)
            SELECT coalesce(NEW.state, ''), NEW.city WHERE NEW.city IS NOT NULL;
    END;

    -- The few unenriched properties past the new stage: with the new ones not yet stale
    -- (a range of the stage index), the missing-enrichment finding without walking the
    -- many that are stale as new.
    CREATE INDEX properties_unenriched_later ON properties (created_at)
        WHERE enriched_at IS NULL AND stage <> 'new';

    -- The moments findings become true, as index ranges: high score idle since
    -- max(last action, stage entered).
    CREATE INDEX properties_idle ON properties (max(coalesce(last_action_at, 0), stage_entered_at))
        WHERE score IS NOT NULL;

    -- A property's open notices (incremental resolution), a source's open notices by
    -- kind (the first ids of each kind), the ones due to be told again, and the alert
    -- list's order, each stopping at what it needs.
    DROP INDEX notifications_open_source;
    -- Pruning reads the resolved ones by age, settling the open events by age or by
    -- acknowledgement: each from its own small index, never the whole table per cycle.
    DROP INDEX notifications_created;
    CREATE INDEX notifications_resolved ON notifications (resolved_at) WHERE resolved_at IS NOT NULL;
    CREATE INDEX notifications_open_created ON notifications (source, resolved_at, created_at)
        WHERE resolved_at IS NULL;
    CREATE INDEX notifications_open_acked ON notifications (source, acked_at)
        WHERE resolved_at IS NULL AND acked_at IS NOT NULL;
    CREATE INDEX notifications_open_kind ON notifications (source, kind, property_id)
        WHERE resolved_at IS NULL;
    CREATE INDEX notifications_open_property ON notifications (property_id) WHERE resolved_at IS NULL;
    CREATE INDEX notifications_renotify ON notifications (notified_at)
        WHERE resolved_at IS NULL AND acked_at IS NULL;
    CREATE INDEX notifications_unacked_order ON notifications (
        CASE priority WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2 WHEN 'critical' THEN 3 END,
        created_at, id) WHERE resolved_at IS NULL AND acked_at IS NULL;

    -- Open notifications counted per source, kind, priority and acknowledgement, kept by
    -- triggers on every write path like migration 7's counts per priority, which become
    -- a view of these (one count, kept one way): the cycle's summary, `hb alerts` and
    -- `hb insights` read a few rows instead of counting hundreds of thousands.
    DROP TRIGGER notifications_open_inserted;
    DROP TRIGGER notifications_open_deleted;
    DROP TRIGGER notifications_open_updated;
    DROP TABLE open_notification_counts;
    CREATE TABLE notification_counts (
        source TEXT NOT NULL,
        kind TEXT NOT NULL,
        priority TEXT NOT NULL,
        acked INTEGER NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (source, kind, priority, acked)
    ) WITHOUT ROWID;
    INSERT INTO notification_counts (source, kind, priority, acked, n)
        SELECT source, kind, priority, acked_at IS NOT NULL, count(*) FROM notifications
        WHERE resolved_at IS NULL GROUP BY 1, 2, 3, 4;
    CREATE TRIGGER notifications_counted_inserted AFTER INSERT ON notifications
        WHEN NEW.resolved_at IS NULL
    BEGIN
        INSERT INTO notification_counts (source, kind, priority, acked, n)
            VALUES (NEW.source, NEW.kind, NEW.priority, NEW.acked_at IS NOT NULL, 1)
            ON CONFLICT (source, kind, priority, acked) DO UPDATE SET n = n + 1;
    END;
    CREATE TRIGGER notifications_counted_deleted AFTER DELETE ON notifications
        WHEN OLD.resolved_at IS NULL
    BEGIN
        UPDATE notification_counts SET n = n - 1
            WHERE source = OLD.source AND kind = OLD.kind AND priority = OLD.priority
              AND acked = (OLD.acked_at IS NOT NULL);
    END;
    CREATE TRIGGER notifications_counted_updated
        AFTER UPDATE OF source, kind, priority, resolved_at, acked_at ON notifications
        WHEN OLD.resolved_at IS NULL OR NEW.resolved_at IS NULL
    BEGIN
        UPDATE notification_counts SET n = n - 1
            WHERE OLD.resolved_at IS NULL AND source = OLD.source AND kind = OLD.kind
              AND priority = OLD.priority AND acked = (OLD.acked_at IS NOT NULL);
        INSERT INTO notification_counts (source, kind, priority, acked, n)
            SELECT NEW.source, NEW.kind, NEW.priority, NEW.acked_at IS NOT NULL, 1
            WHERE NEW.resolved_at IS NULL
            ON CONFLICT (source, kind, priority, acked) DO UPDATE SET n = n + 1;
    END;
    CREATE VIEW open_notification_counts (priority, open) AS
        SELECT priority, sum(n) FROM notification_counts WHERE acked = 0 GROUP BY priority;

    -- Where each module's incremental state stands: the change sequence it has seen,
    -- the clock it last evaluated at, the fingerprint of the settings its findings
    -- depend on (a change forces a full reconcile), and when it last reconciled in full.
    ALTER TABLE module_state ADD COLUMN seen_seq INTEGER;
    ALTER TABLE module_state ADD COLUMN seen_at INTEGER;
    ALTER TABLE module_state ADD COLUMN fingerprint TEXT;
    ALTER TABLE module_state ADD COLUMN full_at INTEGER;
    -- How a module run went about it: full or incremental, and how many rows it read.
    ALTER TABLE module_results ADD COLUMN scan TEXT;
    ALTER TABLE module_results ADD COLUMN rows_read INTEGER;

    -- When a contact's reported score or cooling next moves by itself (decay, an
    -- interaction leaving a window): the relationships module re-scores it then.
    ALTER TABLE contact_scores ADD COLUMN next_at INTEGER;
    CREATE INDEX contact_scores_next ON contact_scores (next_at);
    "#,
    // 10: alerting rules (checks::state): each check's recent statuses, the incident it is
    // alerting on (from the run its rule fired until it recovers) and since when it flaps;
    // silences, and what a silence held back in each run.
    r#"
    -- One character per counted run, oldest first: o w c u s.
    ALTER TABLE check_state ADD COLUMN history TEXT NOT NULL DEFAULT '';
    ALTER TABLE check_state ADD COLUMN incident_since INTEGER;
    ALTER TABLE check_state ADD COLUMN incident_failures INTEGER;
    ALTER TABLE check_state ADD COLUMN incident_status TEXT
        CHECK (incident_status IN ('ok','warning','critical','unknown','skipped'));
    ALTER TABLE check_state ADD COLUMN incident_message TEXT;
    ALTER TABLE check_state ADD COLUMN flapping_since INTEGER;
    -- A check alerting when this migration runs keeps its open notification as its
    -- incident, so its recovery is told as before.
    UPDATE check_state SET incident_since = coalesce(failing_since, since),
        incident_failures = consecutive_failures, incident_status = status,
        incident_message = last_message
    WHERE consecutive_failures > 0 AND EXISTS (
        SELECT 1 FROM notifications n
        WHERE n.dedup_key = 'check:' || check_state.name AND n.resolved_at IS NULL);

    -- JSON {by, reason, until, held}: the silence a result fell in and what it held back.
    ALTER TABLE check_results ADD COLUMN silenced TEXT;

    -- `hb silence add`: one check, one group or every check, from starts_at until
    -- ends_at, or until removed (`hb silence remove`).
    CREATE TABLE silences (
        id INTEGER PRIMARY KEY,
        scope TEXT NOT NULL CHECK (scope IN ('check','group','all')),
        target TEXT,
        starts_at INTEGER NOT NULL,
        ends_at INTEGER NOT NULL,
        reason TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        removed_at INTEGER,
        CHECK ((scope = 'all') = (target IS NULL))
    );
    CREATE INDEX silences_ends ON silences (ends_at);
    "#,
    // 11: the daily brief: which days' briefs were sent, and 'brief' as an outbox kind
    // (SQLite cannot change a CHECK: the outbox is rebuilt with the same columns, rows
    // and indexes).
    r#"
    CREATE TABLE briefs (
        day INTEGER PRIMARY KEY,
        sent_at INTEGER NOT NULL,
        run_id INTEGER,
        channels TEXT NOT NULL,
        subject TEXT NOT NULL
    );

    CREATE TABLE alert_outbox_rebuilt (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        priority TEXT NOT NULL CHECK (priority IN ('low','medium','high','critical')),
        kind TEXT NOT NULL
            CHECK (kind IN ('new','renotify','recovery','escalation','test','brief')),
        subject TEXT NOT NULL,
        dedup_key TEXT NOT NULL,
        notification_id INTEGER REFERENCES notifications (id) ON DELETE SET NULL,
        payload TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_attempt_at INTEGER,
        last_error TEXT,
        next_attempt_at INTEGER NOT NULL,
        delivered_at INTEGER,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','failed')),
        leased_until INTEGER
    );
    INSERT INTO alert_outbox_rebuilt (id, channel, priority, kind, subject, dedup_key,
        notification_id, payload, created_at, attempts, last_attempt_at, last_error,
        next_attempt_at, delivered_at, status, leased_until)
    SELECT id, channel, priority, kind, subject, dedup_key, notification_id, payload,
        created_at, attempts, last_attempt_at, last_error, next_attempt_at, delivered_at,
        status, leased_until
    FROM alert_outbox;
    DROP TABLE alert_outbox;
    ALTER TABLE alert_outbox_rebuilt RENAME TO alert_outbox;
    CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_at) WHERE status = 'pending';
    CREATE INDEX alert_outbox_open ON alert_outbox (status, id) WHERE status != 'delivered';
    CREATE INDEX alert_outbox_notification ON alert_outbox (notification_id);
    CREATE INDEX alert_outbox_channel_due ON alert_outbox (channel, next_attempt_at)
        WHERE status = 'pending';
    "#,
    // 12: property snoozes: a hold with a resume date (`hb property snooze`). A property is
    // snoozed while snoozed_until is ahead; after it, its stale clock runs from then.
    r#"
    ALTER TABLE properties ADD COLUMN snoozed_until INTEGER;
    ALTER TABLE properties ADD COLUMN snooze_reason TEXT;
    CREATE INDEX properties_snoozed ON properties (snoozed_until) WHERE snoozed_until IS NOT NULL;

    -- The deadline ladder's notices are told once (never again on a timer): the index of
    -- the notices due to be told again leaves them out, so the incremental cycle does not
    -- re-check every property with an old deadline notice on every run
    -- (`notifications::RETOLD_SQL` is this condition).
    DROP INDEX notifications_renotify;
    CREATE INDEX notifications_renotify ON notifications (notified_at)
        WHERE resolved_at IS NULL AND acked_at IS NULL
          AND kind NOT IN ('deadline_passed', 'deadline_near');

    -- A snooze set, moved or cleared changes the property's findings: it bumps the change
    -- watermark as the facts of migration 9 do (the trigger is recreated with the columns).
    DROP TRIGGER properties_updated;
    CREATE TRIGGER properties_updated AFTER UPDATE OF external_ref, address, city, state, zip,
        kind, list_price, beds, baths, sqft, score, created_at, enriched_at, skip_traced_at,
        blocked_reason, last_action_at, contracts_attached_at, contracts_completed_at, stage,
        stage_entered_at, snoozed_until, snooze_reason ON properties BEGIN
        UPDATE change_clock SET seq = seq + 1;
        UPDATE properties SET change_seq = (SELECT seq FROM change_clock) WHERE id = NEW.id;
    END;
    "#,
];

/// The schema version this build writes.
pub const CURRENT: i64 = MIGRATIONS.len() as i64;

/// The store's schema version, refusing one newer than this hb.
pub fn version(conn: &Connection) -> Result<i64> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > CURRENT {
        bail!(
            "the store has schema version {version} but this hb knows only up to {CURRENT}: \
             it was written by a newer hb; upgrade hb"
        );
    }
    Ok(version)
}

/// What a reader that may not write says about a store at schema `version` < CURRENT.
pub fn needs_migrating(path: &std::path::Path, version: i64) -> anyhow::Error {
    anyhow::anyhow!(
        "store {} needs migrating (schema version {version} -> {CURRENT}), and this user may \
         not write it: run `hb` once as its owner to migrate (e.g. `hb status`)",
        path.display()
    )
}

pub fn migrate(conn: &mut Connection) -> Result<()> {
    if version(conn)? == CURRENT {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    // Re-read inside the lock: another process may have migrated meanwhile.
    let version: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// SHA-256 of every shipped migration, in order. A new migration adds its line; a
    /// changed line means a shipped migration was edited, which stores that already ran
    /// it never see.
    const SHIPPED: &[&str] = &[
        "ceda0b391bc9ab391b8d684d06bbf9c49948bdb1da7a271a9b3d9f680f755a0d",
        "fb5a2cd9fa04d2c0c74a1b46dcd2fcc63f6ce4f31362c0bcaaa65163bc45a248",
        "0ed9260f4021b17446214b0baacac65aa3c7d7010f03e99263e34b84c06d6472",
        "35f7f358f669add5b2f0411fbffb788cbf671303cb861ed2cb604b72bdf8422c",
        "c07290dd5813da6d91e9b7b90abd24f5528d0370de7b9c6990752d94f27772b8",
        "71a4c9ef2e7da754bf57d3c3796ed6c492d3155dec19fb9b87da133b61338e94",
        "52577c0afdd237083b41b73ae9c8580ab32b19e09e3170bf82b3e2f26d0cbe8e",
        "a90938e89c54e83287c3897053d8e4d45ada24caf217b1742dbc02b9666891e7",
        "cda9bab5043e903e1d7358c0a403083141f3fdcccd17b1b2b4cded62666ab078",
        "6bab3cecb8bdf82450d472523aa341b28e3efc5fc28abb55abc556f3a47365af",
        "4e11c1ce7f48fae5d063428dc3f6aeb446178e46399a0069054dd61c033292d7",
        "dac9b0600ddd36288a4e47585f5ae8de05de67c760003c8d165da8af0d0893ec",
    ];

    fn sha256(text: &str) -> String {
        ring::digest::digest(&ring::digest::SHA256, text.as_bytes())
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn shipped_migrations_are_never_edited() {
        for (i, sql) in MIGRATIONS.iter().enumerate() {
            let number = i + 1;
            let Some(pinned) = SHIPPED.get(i) else {
                panic!(
                    "migration {number} is new: pin it by adding \"{}\" to SHIPPED",
                    sha256(sql)
                );
            };
            assert_eq!(
                sha256(sql),
                *pinned,
                "migration {number} was edited: stores that already ran it never see the \
                 change. Restore it and add a migration instead"
            );
        }
        assert_eq!(
            SHIPPED.len(),
            MIGRATIONS.len(),
            "a shipped migration was removed: restore it and add a migration instead"
        );
    }

    /// Migration 1 as it shipped before ee5b1ad rewrote its indexes inside it: today's
    /// text with the lines that commit changed put back.
    fn migration_1_before_ee5b1ad() -> String {
        let changes = [
            (
                "    -- Covering for the portfolio's counts: stale per stage without a row lookup.\n    \
                 CREATE INDEX properties_stage_entered ON properties (stage, stage_entered_at, blocked_reason);",
                "    CREATE INDEX properties_stage_entered ON properties (stage, stage_entered_at);",
            ),
            (
                "CREATE INDEX properties_blocked ON properties (id, blocked_reason) WHERE",
                "CREATE INDEX properties_blocked ON properties (id) WHERE",
            ),
            (
                "CREATE INDEX properties_unenriched ON properties (created_at, stage, stage_entered_at) WHERE",
                "CREATE INDEX properties_unenriched ON properties (created_at) WHERE",
            ),
            (
                "CREATE INDEX properties_untraced ON properties (enriched_at, stage, stage_entered_at)\n        WHERE",
                "CREATE INDEX properties_untraced ON properties (enriched_at) WHERE",
            ),
            (
                "CREATE INDEX properties_score ON properties (score, stage, last_action_at, stage_entered_at) WHERE",
                "CREATE INDEX properties_score ON properties (score) WHERE",
            ),
        ];
        let mut sql = MIGRATIONS[0].to_string();
        for (now, before) in changes {
            assert!(sql.contains(now), "migration 1 no longer says {now:?}");
            sql = sql.replace(now, before);
        }
        // And contracts_open_property, with its comment, did not exist.
        let start = sql
            .find("    -- \"Is this property blocked by a missed deadline?\"")
            .unwrap();
        let end = start + sql[start..].find(";\n").unwrap() + 2;
        sql.replace_range(start..end, "");
        sql
    }

    /// Every index of the store: name and statement, whitespace collapsed.
    fn indexes(conn: &Connection) -> BTreeMap<String, String> {
        let mut stmt = conn
            .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")
            .unwrap();
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .unwrap();
        rows.map(|row| {
            let (name, sql) = row.unwrap();
            let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
            (
                name,
                sql.replace("CREATE INDEX IF NOT EXISTS", "CREATE INDEX"),
            )
        })
        .collect()
    }

    #[test]
    fn a_store_from_before_ee5b1ad_gets_the_current_indexes() {
        let mut fresh = Connection::open_in_memory().unwrap();
        migrate(&mut fresh).unwrap();
        let want = indexes(&fresh);

        let mut old = Connection::open_in_memory().unwrap();
        old.execute_batch(&migration_1_before_ee5b1ad()).unwrap();
        old.pragma_update(None, "user_version", 1).unwrap();
        assert!(!indexes(&old).contains_key("contracts_open_property"));
        migrate(&mut old).unwrap();
        assert_eq!(indexes(&old), want);

        // And they are the definitions migration 1 gives a store built today.
        let today = Connection::open_in_memory().unwrap();
        today.execute_batch(MIGRATIONS[0]).unwrap();
        for (name, sql) in indexes(&today) {
            assert_eq!(want.get(&name), Some(&sql), "{name}");
        }
    }

    /// Migration 10 rebuilds the outbox for its new kind: every row and index survives.
    #[test]
    fn the_outbox_rebuild_keeps_rows_and_indexes() {
        let mut conn = Connection::open_in_memory().unwrap();
        let tx = conn.transaction().unwrap();
        for sql in &MIGRATIONS[..9] {
            tx.execute_batch(sql).unwrap();
        }
        tx.pragma_update(None, "user_version", 9).unwrap();
        tx.commit().unwrap();
        conn.execute_batch(
            "INSERT INTO alert_outbox (channel, priority, kind, subject, dedup_key, payload,
                 created_at, attempts, next_attempt_at, status, leased_until)
             VALUES ('ops', 'high', 'new', 's', 'k', '{}', 10, 3, 20, 'pending', 30)",
        )
        .unwrap();
        let before = indexes(&conn);
        migrate(&mut conn).unwrap();
        let row: (i64, String, i64, i64) = conn
            .query_row(
                "SELECT id, channel, attempts, leased_until FROM alert_outbox",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(row, (1, "ops".to_string(), 3, 30));
        let after = indexes(&conn);
        for (name, sql) in before.iter().filter(|(n, _)| n.starts_with("alert_outbox")) {
            assert_eq!(after.get(name), Some(sql), "{name}");
        }
        conn.execute_batch(
            "INSERT INTO alert_outbox (channel, priority, kind, subject, dedup_key, payload,
                 created_at, next_attempt_at) VALUES ('ops', 'low', 'brief', 's', 'brief:x', '{}', 1, 1)",
        )
        .unwrap();
    }

    #[test]
    fn migrate_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, CURRENT);
    }

    /// Migration 7's counts agree with a count of the rows, whatever the writes do, and
    /// start from the notifications already there.
    #[test]
    fn open_notification_counts_follow_every_write() {
        let mut conn = Connection::open_in_memory().unwrap();
        let insert = |conn: &Connection, id: i64, priority: &str, acked: &str, resolved: &str| {
            conn.execute_batch(&format!(
                "INSERT INTO notifications (id, source, dedup_key, kind, priority, subject, \
                 message, created_at, notified_at, last_seen_at, acked_at, resolved_at) \
                 VALUES ({id}, 's', 'k{id}', 'reminder', '{priority}', 's', 'm', 1, 1, 1, \
                 {acked}, {resolved})"
            ))
            .unwrap();
        };
        let counted = |conn: &Connection| -> Vec<(String, i64)> {
            let mut stmt = conn
                .prepare("SELECT priority, open FROM open_notification_counts WHERE open > 0 ORDER BY priority")
                .unwrap();
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
            rows.collect::<rusqlite::Result<_>>().unwrap()
        };
        let truth = |conn: &Connection| -> Vec<(String, i64)> {
            let mut stmt = conn
                .prepare("SELECT priority, count(*) FROM notifications WHERE resolved_at IS NULL AND acked_at IS NULL GROUP BY priority ORDER BY priority")
                .unwrap();
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
            rows.collect::<rusqlite::Result<_>>().unwrap()
        };
        // Up to migration 6, with notifications in every state; then 7 counts them.
        let tx = conn.transaction().unwrap();
        for sql in &MIGRATIONS[..6] {
            tx.execute_batch(sql).unwrap();
        }
        tx.pragma_update(None, "user_version", 6).unwrap();
        tx.commit().unwrap();
        insert(&conn, 1, "high", "NULL", "NULL");
        insert(&conn, 2, "high", "5", "NULL");
        insert(&conn, 3, "low", "NULL", "7");
        insert(&conn, 4, "critical", "NULL", "NULL");
        migrate(&mut conn).unwrap();
        assert_eq!(counted(&conn), [("critical".into(), 1), ("high".into(), 1)]);

        insert(&conn, 5, "medium", "NULL", "NULL");
        insert(&conn, 6, "medium", "NULL", "NULL");
        insert(&conn, 7, "low", "2", "NULL");
        assert_eq!(counted(&conn), truth(&conn));
        for sql in [
            "UPDATE notifications SET acked_at = 9 WHERE id = 5",
            "UPDATE notifications SET resolved_at = 9 WHERE id = 4",
            "UPDATE notifications SET priority = 'critical' WHERE id = 1",
            "UPDATE notifications SET priority = 'high' WHERE id = 2",
            "UPDATE notifications SET acked_at = NULL WHERE id = 2",
            "UPDATE notifications SET resolved_at = NULL, acked_at = NULL WHERE id = 3",
            "UPDATE notifications SET message = 'x', last_seen_at = 10",
            "DELETE FROM notifications WHERE id IN (6, 7)",
            "UPDATE notifications SET resolved_at = 11 WHERE resolved_at IS NULL AND id > 2",
        ] {
            conn.execute_batch(sql).unwrap();
            assert_eq!(counted(&conn), truth(&conn), "after {sql}");
        }
        assert_eq!(counted(&conn), [("critical".into(), 1), ("high".into(), 1)]);
    }

    #[test]
    fn refuses_a_newer_store() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", CURRENT + 1)
            .unwrap();
        let err = migrate(&mut conn).unwrap_err().to_string();
        assert!(err.contains("newer hb"), "{err}");
        let err = version(&conn).unwrap_err().to_string();
        assert!(err.contains("newer hb"), "{err}");
    }
}
