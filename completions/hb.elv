
use builtin;
use str;

set edit:completion:arg-completer[hb] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'hb'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'hb'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand property 'One property''s pipeline heartbeat; `list` and `set` manage the portfolio'
            cand contract 'Record contract facts: attach, sent, signed, completed, cancelled, deadline'
            cand import 'Import properties, contracts, contacts, interactions, watchlists, reminders or prices'
            cand insights 'What needs attention now, highest priority first (reads only)'
            cand cycle 'Run one system-heartbeat cycle (what cron or a timer calls every 5 minutes)'
            cand status 'Last cycle, modules, the check board, open notifications; exits Nagios-style'
            cand logs 'Recent runs, or one run in detail'
            cand checks 'The health checks of the protocol: list, run, validate, doc'
            cand alerts 'Notifications and alert delivery: list, ack, test, outbox'
            cand init 'Write a commented config and create the store'
            cand demo 'Create a deterministic sample portfolio and app with a health protocol, and show them'
            cand silence 'Maintenance windows: checks that run and record but do not alert, escalate or remediate'
            cand brief 'The daily brief as it reads now: counts, top properties, failing checks, deadlines'
            cand schedule 'Print cron or systemd entries for the two cadences (and the hb serve unit)'
            cand mcp 'Serve voice assistants: a Model Context Protocol server on stdin/stdout'
            cand serve 'Serve the health endpoints over HTTP: read-only, loopback by default'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hb;property'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Properties with their health, most overdue first'
            cand set 'Record facts about one property by hand'
            cand snooze 'Put a property on hold until a resume date: it is `snoozed`, not nagged as stale'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hb;property;list'= {
            cand --health 'Only properties with this health'
            cand --stage 'Only properties in this stage'
            cand --limit 'At most this many rows (0: all)'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;property;set'= {
            cand --enriched 'Zillow enrichment done, at TIME (default: now)'
            cand --skip-traced 'Skip trace done, at TIME (default: now)'
            cand --blocked 'Record a blocker with its reason'
            cand --score 'Deal score, 0-100'
            cand --acted 'Record that someone acted on the property, at TIME (default: now)'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --unblocked 'Clear the blocker'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;property;snooze'= {
            cand --until 'The resume date (RFC 3339 or YYYY-MM-DD)'
            cand --reason 'Why it waits, e.g. "waiting on probate"'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --clear 'End the hold now'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;property;help'= {
            cand list 'Properties with their health, most overdue first'
            cand set 'Record facts about one property by hand'
            cand snooze 'Put a property on hold until a resume date: it is `snoozed`, not nagged as stale'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hb;property;help;list'= {
        }
        &'hb;property;help;set'= {
        }
        &'hb;property;help;snooze'= {
        }
        &'hb;property;help;help'= {
        }
        &'hb;contract'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand attach 'Attach a new contract to a property'
            cand sent 'The contract was sent for signature'
            cand signed 'The contract was signed'
            cand completed 'The contract was completed'
            cand cancelled 'The contract was cancelled (it no longer counts for the stage)'
            cand deadline 'Set or clear a contract''s deadline'
            cand list 'The contracts of one property'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hb;contract;attach'= {
            cand --name 'Contract name, e.g. "Purchase agreement"'
            cand --deadline 'Deadline for completion (RFC 3339 or YYYY-MM-DD)'
            cand --at 'When it was attached [default: now]'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;contract;sent'= {
            cand --at 'When it happened [default: now]'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;contract;signed'= {
            cand --at 'When it happened [default: now]'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;contract;completed'= {
            cand --at 'When it happened [default: now]'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;contract;cancelled'= {
            cand --at 'When it happened [default: now]'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;contract;deadline'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --clear 'Remove the deadline'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;contract;list'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;contract;help'= {
            cand attach 'Attach a new contract to a property'
            cand sent 'The contract was sent for signature'
            cand signed 'The contract was signed'
            cand completed 'The contract was completed'
            cand cancelled 'The contract was cancelled (it no longer counts for the stage)'
            cand deadline 'Set or clear a contract''s deadline'
            cand list 'The contracts of one property'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hb;contract;help;attach'= {
        }
        &'hb;contract;help;sent'= {
        }
        &'hb;contract;help;signed'= {
        }
        &'hb;contract;help;completed'= {
        }
        &'hb;contract;help;cancelled'= {
        }
        &'hb;contract;help;deadline'= {
        }
        &'hb;contract;help;list'= {
        }
        &'hb;contract;help;help'= {
        }
        &'hb;import'= {
            cand --format 'Input format [default: from the extension; csv for stdin]'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;insights'= {
            cand --limit 'At most this many findings (0: all; the JSON document always counts them all)'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --print-sql 'Print the finding queries a full reconcile runs, values inlined, for `sqlite3` (the benchmark''s floor), and nothing else'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;cycle'= {
            cand --only 'Run only this module (repeatable): portfolio, market, relationships, system, predictive, scheduled'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --all 'Run every module, due or not'
            cand --dry-run 'Compute and print, write nothing'
            cand --no-remediate 'Run no remediation (`on_failure`) command in this cycle; `[actions] enabled = false` does it for all'
            cand --full 'Reconcile in full instead of reading only what changed (`[modules.portfolio] full_every` does it daily)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;status'= {
            cand --window 'Window for uptime and latency figures'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;logs'= {
            cand --since 'Only runs that started within this duration, e.g. 24h'
            cand --status 'Only runs with this status'
            cand --module 'Only runs in which this module ran'
            cand --check 'Only runs in which this check ran (a check of the config or of the run log)'
            cand --limit 'At most this many runs (0: all)'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --ndjson 'One JSON object per line'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;checks'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Every configured check with its last status and next due time'
            cand run 'Run checks now and print the results; exits with the worst status'
            cand validate 'Lint the checks of the config'
            cand doc 'The protocol in Markdown (this is HEARTBEAT.md)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hb;checks;list'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;checks;run'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --no-record 'Leave the store untouched (never remediates)'
            cand --remediate 'Run the `on_failure` commands of checks that fail (off by default here; `hb cycle` runs them)'
            cand --due 'Run the enabled checks that are due by their `every`, as the cycle would'
            cand --all 'Run every enabled check'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;checks;validate'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;checks;doc'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;checks;help'= {
            cand list 'Every configured check with its last status and next due time'
            cand run 'Run checks now and print the results; exits with the worst status'
            cand validate 'Lint the checks of the config'
            cand doc 'The protocol in Markdown (this is HEARTBEAT.md)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hb;checks;help;list'= {
        }
        &'hb;checks;help;run'= {
        }
        &'hb;checks;help;validate'= {
        }
        &'hb;checks;help;doc'= {
        }
        &'hb;checks;help;help'= {
        }
        &'hb;alerts'= {
            cand --priority 'Only this priority'
            cand --kind 'Only this kind'
            cand --limit 'At most this many rows (0: all)'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --all 'Include acknowledged and resolved notifications'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List notifications (open ones by default)'
            cand ack 'Acknowledge notifications'
            cand test 'Send a test message through a channel and report the server''s answer'
            cand outbox 'Pending and failed deliveries'
            cand send 'Send an ad-hoc alert through the routes (queued in the outbox, then delivered)'
            cand deliver 'Deliver what is due in the outbox now (`hb cycle` does this itself)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hb;alerts;list'= {
            cand --priority 'Only this priority'
            cand --kind 'Only this kind'
            cand --limit 'At most this many rows (0: all)'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --all 'Include acknowledged and resolved notifications'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;alerts;ack'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;alerts;test'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;alerts;outbox'= {
            cand --limit 'At most this many rows, newest first (0: all)'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --all 'Include delivered alerts'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;alerts;send'= {
            cand --priority 'Routes pick the channels by priority'
            cand --subject 'One line: what happened'
            cand --message 'Details'
            cand --key 'Identifies the condition, for receivers that deduplicate [default: adhoc:SUBJECT]'
            cand --channel 'Send to this channel instead of the route (repeatable)'
            cand --property 'The property it is about'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --escalate 'Also tell the escalation route'
            cand --queue-only 'Only queue it; the next `hb cycle` or `hb alerts deliver` sends it'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;alerts;deliver'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;alerts;help'= {
            cand list 'List notifications (open ones by default)'
            cand ack 'Acknowledge notifications'
            cand test 'Send a test message through a channel and report the server''s answer'
            cand outbox 'Pending and failed deliveries'
            cand send 'Send an ad-hoc alert through the routes (queued in the outbox, then delivered)'
            cand deliver 'Deliver what is due in the outbox now (`hb cycle` does this itself)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hb;alerts;help;list'= {
        }
        &'hb;alerts;help;ack'= {
        }
        &'hb;alerts;help;test'= {
        }
        &'hb;alerts;help;outbox'= {
        }
        &'hb;alerts;help;send'= {
        }
        &'hb;alerts;help;deliver'= {
        }
        &'hb;alerts;help;help'= {
        }
        &'hb;init'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --force 'Overwrite an existing config'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;demo'= {
            cand --properties 'How many properties to generate'
            cand --dir 'Directory for the demo store, config and sample app [default: $XDG_DATA_HOME/hb/demo]'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;silence'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --all 'Include silences that ended or were removed'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Silence one check, a group or every check, for a while or until a time'
            cand list 'Silences in effect or to come, and the config''s recurring windows'
            cand remove 'End a silence now'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hb;silence;add'= {
            cand --group 'Silence every check of this group'
            cand --for 'How long, e.g. 2h'
            cand --until 'Until this time (RFC 3339 or YYYY-MM-DD)'
            cand --from 'From this time instead of now (a planned maintenance)'
            cand --reason 'Why: shown wherever the silence is'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --all 'Silence every check'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;silence;list'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --all 'Include silences that ended or were removed'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;silence;remove'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;silence;help'= {
            cand add 'Silence one check, a group or every check, for a while or until a time'
            cand list 'Silences in effect or to come, and the config''s recurring windows'
            cand remove 'End a silence now'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hb;silence;help;add'= {
        }
        &'hb;silence;help;list'= {
        }
        &'hb;silence;help;remove'= {
        }
        &'hb;silence;help;help'= {
        }
        &'hb;brief'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;schedule'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;mcp'= {
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --allow-writes 'Also offer the write tools: trigger_system_heartbeat_cycle, run_health_checks, acknowledge_alert'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;serve'= {
            cand --listen 'Address and port to listen on [default: [serve] listen, then 127.0.0.1:9810]'
            cand --token-env 'Environment variable holding the bearer token, then required on every path but /livez (needed for any non-loopback address) [default: [serve] token_env]'
            cand --config 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]'
            cand --db 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]'
            cand --color 'When to use colour'
            cand --now 'The clock for every time-based decision, RFC 3339 (for tests and replays)'
            cand --json 'Print one JSON document instead of a table'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'Say more (repeat for more detail)'
            cand --verbose 'Say more (repeat for more detail)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hb;help'= {
            cand property 'One property''s pipeline heartbeat; `list` and `set` manage the portfolio'
            cand contract 'Record contract facts: attach, sent, signed, completed, cancelled, deadline'
            cand import 'Import properties, contracts, contacts, interactions, watchlists, reminders or prices'
            cand insights 'What needs attention now, highest priority first (reads only)'
            cand cycle 'Run one system-heartbeat cycle (what cron or a timer calls every 5 minutes)'
            cand status 'Last cycle, modules, the check board, open notifications; exits Nagios-style'
            cand logs 'Recent runs, or one run in detail'
            cand checks 'The health checks of the protocol: list, run, validate, doc'
            cand alerts 'Notifications and alert delivery: list, ack, test, outbox'
            cand init 'Write a commented config and create the store'
            cand demo 'Create a deterministic sample portfolio and app with a health protocol, and show them'
            cand silence 'Maintenance windows: checks that run and record but do not alert, escalate or remediate'
            cand brief 'The daily brief as it reads now: counts, top properties, failing checks, deadlines'
            cand schedule 'Print cron or systemd entries for the two cadences (and the hb serve unit)'
            cand mcp 'Serve voice assistants: a Model Context Protocol server on stdin/stdout'
            cand serve 'Serve the health endpoints over HTTP: read-only, loopback by default'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hb;help;property'= {
            cand list 'Properties with their health, most overdue first'
            cand set 'Record facts about one property by hand'
            cand snooze 'Put a property on hold until a resume date: it is `snoozed`, not nagged as stale'
        }
        &'hb;help;property;list'= {
        }
        &'hb;help;property;set'= {
        }
        &'hb;help;property;snooze'= {
        }
        &'hb;help;contract'= {
            cand attach 'Attach a new contract to a property'
            cand sent 'The contract was sent for signature'
            cand signed 'The contract was signed'
            cand completed 'The contract was completed'
            cand cancelled 'The contract was cancelled (it no longer counts for the stage)'
            cand deadline 'Set or clear a contract''s deadline'
            cand list 'The contracts of one property'
        }
        &'hb;help;contract;attach'= {
        }
        &'hb;help;contract;sent'= {
        }
        &'hb;help;contract;signed'= {
        }
        &'hb;help;contract;completed'= {
        }
        &'hb;help;contract;cancelled'= {
        }
        &'hb;help;contract;deadline'= {
        }
        &'hb;help;contract;list'= {
        }
        &'hb;help;import'= {
        }
        &'hb;help;insights'= {
        }
        &'hb;help;cycle'= {
        }
        &'hb;help;status'= {
        }
        &'hb;help;logs'= {
        }
        &'hb;help;checks'= {
            cand list 'Every configured check with its last status and next due time'
            cand run 'Run checks now and print the results; exits with the worst status'
            cand validate 'Lint the checks of the config'
            cand doc 'The protocol in Markdown (this is HEARTBEAT.md)'
        }
        &'hb;help;checks;list'= {
        }
        &'hb;help;checks;run'= {
        }
        &'hb;help;checks;validate'= {
        }
        &'hb;help;checks;doc'= {
        }
        &'hb;help;alerts'= {
            cand list 'List notifications (open ones by default)'
            cand ack 'Acknowledge notifications'
            cand test 'Send a test message through a channel and report the server''s answer'
            cand outbox 'Pending and failed deliveries'
            cand send 'Send an ad-hoc alert through the routes (queued in the outbox, then delivered)'
            cand deliver 'Deliver what is due in the outbox now (`hb cycle` does this itself)'
        }
        &'hb;help;alerts;list'= {
        }
        &'hb;help;alerts;ack'= {
        }
        &'hb;help;alerts;test'= {
        }
        &'hb;help;alerts;outbox'= {
        }
        &'hb;help;alerts;send'= {
        }
        &'hb;help;alerts;deliver'= {
        }
        &'hb;help;init'= {
        }
        &'hb;help;demo'= {
        }
        &'hb;help;silence'= {
            cand add 'Silence one check, a group or every check, for a while or until a time'
            cand list 'Silences in effect or to come, and the config''s recurring windows'
            cand remove 'End a silence now'
        }
        &'hb;help;silence;add'= {
        }
        &'hb;help;silence;list'= {
        }
        &'hb;help;silence;remove'= {
        }
        &'hb;help;brief'= {
        }
        &'hb;help;schedule'= {
        }
        &'hb;help;mcp'= {
        }
        &'hb;help;serve'= {
        }
        &'hb;help;help'= {
        }
    ]
    $completions[$command]
}
