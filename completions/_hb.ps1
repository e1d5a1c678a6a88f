
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'hb' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'hb'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'hb' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('property', 'property', [CompletionResultType]::ParameterValue, 'One property''s pipeline heartbeat; `list` and `set` manage the portfolio')
            [CompletionResult]::new('contract', 'contract', [CompletionResultType]::ParameterValue, 'Record contract facts: attach, sent, signed, completed, cancelled, deadline')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import properties, contracts, contacts, interactions, watchlists, reminders or prices')
            [CompletionResult]::new('insights', 'insights', [CompletionResultType]::ParameterValue, 'What needs attention now, highest priority first (reads only)')
            [CompletionResult]::new('cycle', 'cycle', [CompletionResultType]::ParameterValue, 'Run one system-heartbeat cycle (what cron or a timer calls every 5 minutes)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Last cycle, modules, the check board, open notifications; exits Nagios-style')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Recent runs, or one run in detail')
            [CompletionResult]::new('checks', 'checks', [CompletionResultType]::ParameterValue, 'The health checks of the protocol: list, run, validate, doc')
            [CompletionResult]::new('alerts', 'alerts', [CompletionResultType]::ParameterValue, 'Notifications and alert delivery: list, ack, test, outbox')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented config and create the store')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Create a deterministic sample portfolio and app with a health protocol, and show them')
            [CompletionResult]::new('silence', 'silence', [CompletionResultType]::ParameterValue, 'Maintenance windows: checks that run and record but do not alert, escalate or remediate')
            [CompletionResult]::new('brief', 'brief', [CompletionResultType]::ParameterValue, 'The daily brief as it reads now: counts, top properties, failing checks, deadlines')
            [CompletionResult]::new('schedule', 'schedule', [CompletionResultType]::ParameterValue, 'Print cron or systemd entries for the two cadences (and the hb serve unit)')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Serve voice assistants: a Model Context Protocol server on stdin/stdout')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the health endpoints over HTTP: read-only, loopback by default')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hb;property' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Properties with their health, most overdue first')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Record facts about one property by hand')
            [CompletionResult]::new('snooze', 'snooze', [CompletionResultType]::ParameterValue, 'Put a property on hold until a resume date: it is `snoozed`, not nagged as stale')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hb;property;list' {
            [CompletionResult]::new('--health', '--health', [CompletionResultType]::ParameterName, 'Only properties with this health')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'Only properties in this stage')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many rows (0: all)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;property;set' {
            [CompletionResult]::new('--enriched', '--enriched', [CompletionResultType]::ParameterName, 'Zillow enrichment done, at TIME (default: now)')
            [CompletionResult]::new('--skip-traced', '--skip-traced', [CompletionResultType]::ParameterName, 'Skip trace done, at TIME (default: now)')
            [CompletionResult]::new('--blocked', '--blocked', [CompletionResultType]::ParameterName, 'Record a blocker with its reason')
            [CompletionResult]::new('--score', '--score', [CompletionResultType]::ParameterName, 'Deal score, 0-100')
            [CompletionResult]::new('--acted', '--acted', [CompletionResultType]::ParameterName, 'Record that someone acted on the property, at TIME (default: now)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--unblocked', '--unblocked', [CompletionResultType]::ParameterName, 'Clear the blocker')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;property;snooze' {
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'The resume date (RFC 3339 or YYYY-MM-DD)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why it waits, e.g. "waiting on probate"')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--clear', '--clear', [CompletionResultType]::ParameterName, 'End the hold now')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;property;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Properties with their health, most overdue first')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Record facts about one property by hand')
            [CompletionResult]::new('snooze', 'snooze', [CompletionResultType]::ParameterValue, 'Put a property on hold until a resume date: it is `snoozed`, not nagged as stale')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hb;property;help;list' {
            break
        }
        'hb;property;help;set' {
            break
        }
        'hb;property;help;snooze' {
            break
        }
        'hb;property;help;help' {
            break
        }
        'hb;contract' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('attach', 'attach', [CompletionResultType]::ParameterValue, 'Attach a new contract to a property')
            [CompletionResult]::new('sent', 'sent', [CompletionResultType]::ParameterValue, 'The contract was sent for signature')
            [CompletionResult]::new('signed', 'signed', [CompletionResultType]::ParameterValue, 'The contract was signed')
            [CompletionResult]::new('completed', 'completed', [CompletionResultType]::ParameterValue, 'The contract was completed')
            [CompletionResult]::new('cancelled', 'cancelled', [CompletionResultType]::ParameterValue, 'The contract was cancelled (it no longer counts for the stage)')
            [CompletionResult]::new('deadline', 'deadline', [CompletionResultType]::ParameterValue, 'Set or clear a contract''s deadline')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The contracts of one property')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hb;contract;attach' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Contract name, e.g. "Purchase agreement"')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Deadline for completion (RFC 3339 or YYYY-MM-DD)')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'When it was attached [default: now]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;contract;sent' {
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'When it happened [default: now]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;contract;signed' {
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'When it happened [default: now]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;contract;completed' {
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'When it happened [default: now]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;contract;cancelled' {
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'When it happened [default: now]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;contract;deadline' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--clear', '--clear', [CompletionResultType]::ParameterName, 'Remove the deadline')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;contract;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;contract;help' {
            [CompletionResult]::new('attach', 'attach', [CompletionResultType]::ParameterValue, 'Attach a new contract to a property')
            [CompletionResult]::new('sent', 'sent', [CompletionResultType]::ParameterValue, 'The contract was sent for signature')
            [CompletionResult]::new('signed', 'signed', [CompletionResultType]::ParameterValue, 'The contract was signed')
            [CompletionResult]::new('completed', 'completed', [CompletionResultType]::ParameterValue, 'The contract was completed')
            [CompletionResult]::new('cancelled', 'cancelled', [CompletionResultType]::ParameterValue, 'The contract was cancelled (it no longer counts for the stage)')
            [CompletionResult]::new('deadline', 'deadline', [CompletionResultType]::ParameterValue, 'Set or clear a contract''s deadline')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The contracts of one property')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hb;contract;help;attach' {
            break
        }
        'hb;contract;help;sent' {
            break
        }
        'hb;contract;help;signed' {
            break
        }
        'hb;contract;help;completed' {
            break
        }
        'hb;contract;help;cancelled' {
            break
        }
        'hb;contract;help;deadline' {
            break
        }
        'hb;contract;help;list' {
            break
        }
        'hb;contract;help;help' {
            break
        }
        'hb;import' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Input format [default: from the extension; csv for stdin]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;insights' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many findings (0: all; the JSON document always counts them all)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--print-sql', '--print-sql', [CompletionResultType]::ParameterName, 'Print the finding queries a full reconcile runs, values inlined, for `sqlite3` (the benchmark''s floor), and nothing else')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;cycle' {
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Run only this module (repeatable): portfolio, market, relationships, system, predictive, scheduled')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Run every module, due or not')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Compute and print, write nothing')
            [CompletionResult]::new('--no-remediate', '--no-remediate', [CompletionResultType]::ParameterName, 'Run no remediation (`on_failure`) command in this cycle; `[actions] enabled = false` does it for all')
            [CompletionResult]::new('--full', '--full', [CompletionResultType]::ParameterName, 'Reconcile in full instead of reading only what changed (`[modules.portfolio] full_every` does it daily)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;status' {
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Window for uptime and latency figures')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;logs' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only runs that started within this duration, e.g. 24h')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only runs with this status')
            [CompletionResult]::new('--module', '--module', [CompletionResultType]::ParameterName, 'Only runs in which this module ran')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Only runs in which this check ran (a check of the config or of the run log)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many runs (0: all)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--ndjson', '--ndjson', [CompletionResultType]::ParameterName, 'One JSON object per line')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;checks' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every configured check with its last status and next due time')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run checks now and print the results; exits with the worst status')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Lint the checks of the config')
            [CompletionResult]::new('doc', 'doc', [CompletionResultType]::ParameterValue, 'The protocol in Markdown (this is HEARTBEAT.md)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hb;checks;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;checks;run' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--no-record', '--no-record', [CompletionResultType]::ParameterName, 'Leave the store untouched (never remediates)')
            [CompletionResult]::new('--remediate', '--remediate', [CompletionResultType]::ParameterName, 'Run the `on_failure` commands of checks that fail (off by default here; `hb cycle` runs them)')
            [CompletionResult]::new('--due', '--due', [CompletionResultType]::ParameterName, 'Run the enabled checks that are due by their `every`, as the cycle would')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Run every enabled check')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;checks;validate' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;checks;doc' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;checks;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every configured check with its last status and next due time')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run checks now and print the results; exits with the worst status')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Lint the checks of the config')
            [CompletionResult]::new('doc', 'doc', [CompletionResultType]::ParameterValue, 'The protocol in Markdown (this is HEARTBEAT.md)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hb;checks;help;list' {
            break
        }
        'hb;checks;help;run' {
            break
        }
        'hb;checks;help;validate' {
            break
        }
        'hb;checks;help;doc' {
            break
        }
        'hb;checks;help;help' {
            break
        }
        'hb;alerts' {
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'Only this priority')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Only this kind')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many rows (0: all)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Include acknowledged and resolved notifications')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List notifications (open ones by default)')
            [CompletionResult]::new('ack', 'ack', [CompletionResultType]::ParameterValue, 'Acknowledge notifications')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a test message through a channel and report the server''s answer')
            [CompletionResult]::new('outbox', 'outbox', [CompletionResultType]::ParameterValue, 'Pending and failed deliveries')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send an ad-hoc alert through the routes (queued in the outbox, then delivered)')
            [CompletionResult]::new('deliver', 'deliver', [CompletionResultType]::ParameterValue, 'Deliver what is due in the outbox now (`hb cycle` does this itself)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hb;alerts;list' {
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'Only this priority')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Only this kind')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many rows (0: all)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Include acknowledged and resolved notifications')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;alerts;ack' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;alerts;test' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;alerts;outbox' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many rows, newest first (0: all)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Include delivered alerts')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;alerts;send' {
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'Routes pick the channels by priority')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'One line: what happened')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Details')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Identifies the condition, for receivers that deduplicate [default: adhoc:SUBJECT]')
            [CompletionResult]::new('--channel', '--channel', [CompletionResultType]::ParameterName, 'Send to this channel instead of the route (repeatable)')
            [CompletionResult]::new('--property', '--property', [CompletionResultType]::ParameterName, 'The property it is about')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--escalate', '--escalate', [CompletionResultType]::ParameterName, 'Also tell the escalation route')
            [CompletionResult]::new('--queue-only', '--queue-only', [CompletionResultType]::ParameterName, 'Only queue it; the next `hb cycle` or `hb alerts deliver` sends it')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;alerts;deliver' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;alerts;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List notifications (open ones by default)')
            [CompletionResult]::new('ack', 'ack', [CompletionResultType]::ParameterValue, 'Acknowledge notifications')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a test message through a channel and report the server''s answer')
            [CompletionResult]::new('outbox', 'outbox', [CompletionResultType]::ParameterValue, 'Pending and failed deliveries')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send an ad-hoc alert through the routes (queued in the outbox, then delivered)')
            [CompletionResult]::new('deliver', 'deliver', [CompletionResultType]::ParameterValue, 'Deliver what is due in the outbox now (`hb cycle` does this itself)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hb;alerts;help;list' {
            break
        }
        'hb;alerts;help;ack' {
            break
        }
        'hb;alerts;help;test' {
            break
        }
        'hb;alerts;help;outbox' {
            break
        }
        'hb;alerts;help;send' {
            break
        }
        'hb;alerts;help;deliver' {
            break
        }
        'hb;alerts;help;help' {
            break
        }
        'hb;init' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing config')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;demo' {
            [CompletionResult]::new('--properties', '--properties', [CompletionResultType]::ParameterName, 'How many properties to generate')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Directory for the demo store, config and sample app [default: $XDG_DATA_HOME/hb/demo]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;silence' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Include silences that ended or were removed')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Silence one check, a group or every check, for a while or until a time')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Silences in effect or to come, and the config''s recurring windows')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'End a silence now')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hb;silence;add' {
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Silence every check of this group')
            [CompletionResult]::new('--for', '--for', [CompletionResultType]::ParameterName, 'How long, e.g. 2h')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Until this time (RFC 3339 or YYYY-MM-DD)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'From this time instead of now (a planned maintenance)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why: shown wherever the silence is')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Silence every check')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;silence;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Include silences that ended or were removed')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;silence;remove' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;silence;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Silence one check, a group or every check, for a while or until a time')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Silences in effect or to come, and the config''s recurring windows')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'End a silence now')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hb;silence;help;add' {
            break
        }
        'hb;silence;help;list' {
            break
        }
        'hb;silence;help;remove' {
            break
        }
        'hb;silence;help;help' {
            break
        }
        'hb;brief' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;schedule' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;mcp' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--allow-writes', '--allow-writes', [CompletionResultType]::ParameterName, 'Also offer the write tools: trigger_system_heartbeat_cycle, run_health_checks, acknowledge_alert')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address and port to listen on [default: [serve] listen, then 127.0.0.1:9810]')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the bearer token, then required on every path but /livez (needed for any non-loopback address) [default: [serve] token_env]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for every time-based decision, RFC 3339 (for tests and replays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (repeat for more detail)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hb;help' {
            [CompletionResult]::new('property', 'property', [CompletionResultType]::ParameterValue, 'One property''s pipeline heartbeat; `list` and `set` manage the portfolio')
            [CompletionResult]::new('contract', 'contract', [CompletionResultType]::ParameterValue, 'Record contract facts: attach, sent, signed, completed, cancelled, deadline')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import properties, contracts, contacts, interactions, watchlists, reminders or prices')
            [CompletionResult]::new('insights', 'insights', [CompletionResultType]::ParameterValue, 'What needs attention now, highest priority first (reads only)')
            [CompletionResult]::new('cycle', 'cycle', [CompletionResultType]::ParameterValue, 'Run one system-heartbeat cycle (what cron or a timer calls every 5 minutes)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Last cycle, modules, the check board, open notifications; exits Nagios-style')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Recent runs, or one run in detail')
            [CompletionResult]::new('checks', 'checks', [CompletionResultType]::ParameterValue, 'The health checks of the protocol: list, run, validate, doc')
            [CompletionResult]::new('alerts', 'alerts', [CompletionResultType]::ParameterValue, 'Notifications and alert delivery: list, ack, test, outbox')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented config and create the store')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Create a deterministic sample portfolio and app with a health protocol, and show them')
            [CompletionResult]::new('silence', 'silence', [CompletionResultType]::ParameterValue, 'Maintenance windows: checks that run and record but do not alert, escalate or remediate')
            [CompletionResult]::new('brief', 'brief', [CompletionResultType]::ParameterValue, 'The daily brief as it reads now: counts, top properties, failing checks, deadlines')
            [CompletionResult]::new('schedule', 'schedule', [CompletionResultType]::ParameterValue, 'Print cron or systemd entries for the two cadences (and the hb serve unit)')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Serve voice assistants: a Model Context Protocol server on stdin/stdout')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the health endpoints over HTTP: read-only, loopback by default')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hb;help;property' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Properties with their health, most overdue first')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Record facts about one property by hand')
            [CompletionResult]::new('snooze', 'snooze', [CompletionResultType]::ParameterValue, 'Put a property on hold until a resume date: it is `snoozed`, not nagged as stale')
            break
        }
        'hb;help;property;list' {
            break
        }
        'hb;help;property;set' {
            break
        }
        'hb;help;property;snooze' {
            break
        }
        'hb;help;contract' {
            [CompletionResult]::new('attach', 'attach', [CompletionResultType]::ParameterValue, 'Attach a new contract to a property')
            [CompletionResult]::new('sent', 'sent', [CompletionResultType]::ParameterValue, 'The contract was sent for signature')
            [CompletionResult]::new('signed', 'signed', [CompletionResultType]::ParameterValue, 'The contract was signed')
            [CompletionResult]::new('completed', 'completed', [CompletionResultType]::ParameterValue, 'The contract was completed')
            [CompletionResult]::new('cancelled', 'cancelled', [CompletionResultType]::ParameterValue, 'The contract was cancelled (it no longer counts for the stage)')
            [CompletionResult]::new('deadline', 'deadline', [CompletionResultType]::ParameterValue, 'Set or clear a contract''s deadline')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The contracts of one property')
            break
        }
        'hb;help;contract;attach' {
            break
        }
        'hb;help;contract;sent' {
            break
        }
        'hb;help;contract;signed' {
            break
        }
        'hb;help;contract;completed' {
            break
        }
        'hb;help;contract;cancelled' {
            break
        }
        'hb;help;contract;deadline' {
            break
        }
        'hb;help;contract;list' {
            break
        }
        'hb;help;import' {
            break
        }
        'hb;help;insights' {
            break
        }
        'hb;help;cycle' {
            break
        }
        'hb;help;status' {
            break
        }
        'hb;help;logs' {
            break
        }
        'hb;help;checks' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every configured check with its last status and next due time')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run checks now and print the results; exits with the worst status')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Lint the checks of the config')
            [CompletionResult]::new('doc', 'doc', [CompletionResultType]::ParameterValue, 'The protocol in Markdown (this is HEARTBEAT.md)')
            break
        }
        'hb;help;checks;list' {
            break
        }
        'hb;help;checks;run' {
            break
        }
        'hb;help;checks;validate' {
            break
        }
        'hb;help;checks;doc' {
            break
        }
        'hb;help;alerts' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List notifications (open ones by default)')
            [CompletionResult]::new('ack', 'ack', [CompletionResultType]::ParameterValue, 'Acknowledge notifications')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a test message through a channel and report the server''s answer')
            [CompletionResult]::new('outbox', 'outbox', [CompletionResultType]::ParameterValue, 'Pending and failed deliveries')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send an ad-hoc alert through the routes (queued in the outbox, then delivered)')
            [CompletionResult]::new('deliver', 'deliver', [CompletionResultType]::ParameterValue, 'Deliver what is due in the outbox now (`hb cycle` does this itself)')
            break
        }
        'hb;help;alerts;list' {
            break
        }
        'hb;help;alerts;ack' {
            break
        }
        'hb;help;alerts;test' {
            break
        }
        'hb;help;alerts;outbox' {
            break
        }
        'hb;help;alerts;send' {
            break
        }
        'hb;help;alerts;deliver' {
            break
        }
        'hb;help;init' {
            break
        }
        'hb;help;demo' {
            break
        }
        'hb;help;silence' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Silence one check, a group or every check, for a while or until a time')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Silences in effect or to come, and the config''s recurring windows')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'End a silence now')
            break
        }
        'hb;help;silence;add' {
            break
        }
        'hb;help;silence;list' {
            break
        }
        'hb;help;silence;remove' {
            break
        }
        'hb;help;brief' {
            break
        }
        'hb;help;schedule' {
            break
        }
        'hb;help;mcp' {
            break
        }
        'hb;help;serve' {
            break
        }
        'hb;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
