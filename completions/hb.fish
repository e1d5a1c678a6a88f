# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hb_global_optspecs
    string join \n config= db= json color= q/quiet v/verbose now= h/help V/version
end

function __fish_hb_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_hb_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_hb_using_subcommand
    set -l cmd (__fish_hb_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c hb -n "__fish_hb_needs_command" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_needs_command" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_needs_command" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_needs_command" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_needs_command" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_needs_command" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_needs_command" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hb -n "__fish_hb_needs_command" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_needs_command" -f -a "property" -d 'One property\'s pipeline heartbeat; `list` and `set` manage the portfolio'
complete -c hb -n "__fish_hb_needs_command" -f -a "contract" -d 'Record contract facts: attach, sent, signed, completed, cancelled, deadline'
complete -c hb -n "__fish_hb_needs_command" -f -a "import" -d 'Import properties, contracts, contacts, interactions, watchlists, reminders or prices'
complete -c hb -n "__fish_hb_needs_command" -f -a "insights" -d 'What needs attention now, highest priority first (reads only)'
complete -c hb -n "__fish_hb_needs_command" -f -a "cycle" -d 'Run one system-heartbeat cycle (what cron or a timer calls every 5 minutes)'
complete -c hb -n "__fish_hb_needs_command" -f -a "status" -d 'Last cycle, modules, the check board, open notifications; exits Nagios-style'
complete -c hb -n "__fish_hb_needs_command" -f -a "logs" -d 'Recent runs, or one run in detail'
complete -c hb -n "__fish_hb_needs_command" -f -a "checks" -d 'The health checks of the protocol: list, run, validate, doc'
complete -c hb -n "__fish_hb_needs_command" -f -a "alerts" -d 'Notifications and alert delivery: list, ack, test, outbox'
complete -c hb -n "__fish_hb_needs_command" -f -a "init" -d 'Write a commented config and create the store'
complete -c hb -n "__fish_hb_needs_command" -f -a "demo" -d 'Create a deterministic sample portfolio and app with a health protocol, and show them'
complete -c hb -n "__fish_hb_needs_command" -f -a "silence" -d 'Maintenance windows: checks that run and record but do not alert, escalate or remediate'
complete -c hb -n "__fish_hb_needs_command" -f -a "brief" -d 'The daily brief as it reads now: counts, top properties, failing checks, deadlines'
complete -c hb -n "__fish_hb_needs_command" -f -a "schedule" -d 'Print cron or systemd entries for the two cadences (and the hb serve unit)'
complete -c hb -n "__fish_hb_needs_command" -f -a "mcp" -d 'Serve voice assistants: a Model Context Protocol server on stdin/stdout'
complete -c hb -n "__fish_hb_needs_command" -f -a "serve" -d 'Serve the health endpoints over HTTP: read-only, loopback by default'
complete -c hb -n "__fish_hb_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hb -n "__fish_hb_using_subcommand property; and not __fish_seen_subcommand_from list set snooze help" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand property; and not __fish_seen_subcommand_from list set snooze help" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand property; and not __fish_seen_subcommand_from list set snooze help" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand property; and not __fish_seen_subcommand_from list set snooze help" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand property; and not __fish_seen_subcommand_from list set snooze help" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand property; and not __fish_seen_subcommand_from list set snooze help" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand property; and not __fish_seen_subcommand_from list set snooze help" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand property; and not __fish_seen_subcommand_from list set snooze help" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand property; and not __fish_seen_subcommand_from list set snooze help" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand property; and not __fish_seen_subcommand_from list set snooze help" -a "list" -d 'Properties with their health, most overdue first'
complete -c hb -n "__fish_hb_using_subcommand property; and not __fish_seen_subcommand_from list set snooze help" -a "set" -d 'Record facts about one property by hand'
complete -c hb -n "__fish_hb_using_subcommand property; and not __fish_seen_subcommand_from list set snooze help" -a "snooze" -d 'Put a property on hold until a resume date: it is `snoozed`, not nagged as stale'
complete -c hb -n "__fish_hb_using_subcommand property; and not __fish_seen_subcommand_from list set snooze help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from list" -l health -d 'Only properties with this health' -r -f -a "healthy\t''
stale\t''
snoozed\t'On hold until a resume date (`hb property snooze`): neither healthy nor stale'
blocked\t''"
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from list" -l stage -d 'Only properties in this stage' -r -f -a "new\t''
enriched\t''
researched\t''
waiting_for_contracts\t''
complete\t''"
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from list" -l limit -d 'At most this many rows (0: all)' -r
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from list" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from list" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from list" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from list" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from set" -l enriched -d 'Zillow enrichment done, at TIME (default: now)' -r
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from set" -l skip-traced -d 'Skip trace done, at TIME (default: now)' -r
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from set" -l blocked -d 'Record a blocker with its reason' -r
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from set" -l score -d 'Deal score, 0-100' -r
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from set" -l acted -d 'Record that someone acted on the property, at TIME (default: now)' -r
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from set" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from set" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from set" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from set" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from set" -l unblocked -d 'Clear the blocker'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from set" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from snooze" -l until -d 'The resume date (RFC 3339 or YYYY-MM-DD)' -r
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from snooze" -l reason -d 'Why it waits, e.g. "waiting on probate"' -r
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from snooze" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from snooze" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from snooze" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from snooze" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from snooze" -l clear -d 'End the hold now'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from snooze" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from snooze" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from snooze" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from snooze" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from snooze" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from help" -f -a "list" -d 'Properties with their health, most overdue first'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from help" -f -a "set" -d 'Record facts about one property by hand'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from help" -f -a "snooze" -d 'Put a property on hold until a resume date: it is `snoozed`, not nagged as stale'
complete -c hb -n "__fish_hb_using_subcommand property; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hb -n "__fish_hb_using_subcommand contract; and not __fish_seen_subcommand_from attach sent signed completed cancelled deadline list help" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand contract; and not __fish_seen_subcommand_from attach sent signed completed cancelled deadline list help" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand contract; and not __fish_seen_subcommand_from attach sent signed completed cancelled deadline list help" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand contract; and not __fish_seen_subcommand_from attach sent signed completed cancelled deadline list help" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand contract; and not __fish_seen_subcommand_from attach sent signed completed cancelled deadline list help" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand contract; and not __fish_seen_subcommand_from attach sent signed completed cancelled deadline list help" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand contract; and not __fish_seen_subcommand_from attach sent signed completed cancelled deadline list help" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand contract; and not __fish_seen_subcommand_from attach sent signed completed cancelled deadline list help" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand contract; and not __fish_seen_subcommand_from attach sent signed completed cancelled deadline list help" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand contract; and not __fish_seen_subcommand_from attach sent signed completed cancelled deadline list help" -f -a "attach" -d 'Attach a new contract to a property'
complete -c hb -n "__fish_hb_using_subcommand contract; and not __fish_seen_subcommand_from attach sent signed completed cancelled deadline list help" -f -a "sent" -d 'The contract was sent for signature'
complete -c hb -n "__fish_hb_using_subcommand contract; and not __fish_seen_subcommand_from attach sent signed completed cancelled deadline list help" -f -a "signed" -d 'The contract was signed'
complete -c hb -n "__fish_hb_using_subcommand contract; and not __fish_seen_subcommand_from attach sent signed completed cancelled deadline list help" -f -a "completed" -d 'The contract was completed'
complete -c hb -n "__fish_hb_using_subcommand contract; and not __fish_seen_subcommand_from attach sent signed completed cancelled deadline list help" -f -a "cancelled" -d 'The contract was cancelled (it no longer counts for the stage)'
complete -c hb -n "__fish_hb_using_subcommand contract; and not __fish_seen_subcommand_from attach sent signed completed cancelled deadline list help" -f -a "deadline" -d 'Set or clear a contract\'s deadline'
complete -c hb -n "__fish_hb_using_subcommand contract; and not __fish_seen_subcommand_from attach sent signed completed cancelled deadline list help" -f -a "list" -d 'The contracts of one property'
complete -c hb -n "__fish_hb_using_subcommand contract; and not __fish_seen_subcommand_from attach sent signed completed cancelled deadline list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from attach" -l name -d 'Contract name, e.g. "Purchase agreement"' -r
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from attach" -l deadline -d 'Deadline for completion (RFC 3339 or YYYY-MM-DD)' -r
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from attach" -l at -d 'When it was attached [default: now]' -r
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from attach" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from attach" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from attach" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from attach" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from attach" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from attach" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from attach" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from attach" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from attach" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from sent" -l at -d 'When it happened [default: now]' -r
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from sent" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from sent" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from sent" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from sent" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from sent" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from sent" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from sent" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from sent" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from sent" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from signed" -l at -d 'When it happened [default: now]' -r
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from signed" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from signed" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from signed" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from signed" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from signed" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from signed" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from signed" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from signed" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from signed" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from completed" -l at -d 'When it happened [default: now]' -r
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from completed" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from completed" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from completed" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from completed" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from completed" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from completed" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from completed" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from completed" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from completed" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from cancelled" -l at -d 'When it happened [default: now]' -r
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from cancelled" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from cancelled" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from cancelled" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from cancelled" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from cancelled" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from cancelled" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from cancelled" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from cancelled" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from cancelled" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from deadline" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from deadline" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from deadline" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from deadline" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from deadline" -l clear -d 'Remove the deadline'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from deadline" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from deadline" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from deadline" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from deadline" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from deadline" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from list" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from list" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from list" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from list" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from help" -f -a "attach" -d 'Attach a new contract to a property'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from help" -f -a "sent" -d 'The contract was sent for signature'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from help" -f -a "signed" -d 'The contract was signed'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from help" -f -a "completed" -d 'The contract was completed'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from help" -f -a "cancelled" -d 'The contract was cancelled (it no longer counts for the stage)'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from help" -f -a "deadline" -d 'Set or clear a contract\'s deadline'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from help" -f -a "list" -d 'The contracts of one property'
complete -c hb -n "__fish_hb_using_subcommand contract; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hb -n "__fish_hb_using_subcommand import" -l format -d 'Input format [default: from the extension; csv for stdin]' -r -f -a "csv\t''
json\t''
ndjson\t''"
complete -c hb -n "__fish_hb_using_subcommand import" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand import" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand import" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand import" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand import" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand import" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand import" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand import" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand import" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand insights" -l limit -d 'At most this many findings (0: all; the JSON document always counts them all)' -r
complete -c hb -n "__fish_hb_using_subcommand insights" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand insights" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand insights" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand insights" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand insights" -l print-sql -d 'Print the finding queries a full reconcile runs, values inlined, for `sqlite3` (the benchmark\'s floor), and nothing else'
complete -c hb -n "__fish_hb_using_subcommand insights" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand insights" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand insights" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand insights" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand insights" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand cycle" -l only -d 'Run only this module (repeatable): portfolio, market, relationships, system, predictive, scheduled' -r
complete -c hb -n "__fish_hb_using_subcommand cycle" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand cycle" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand cycle" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand cycle" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand cycle" -l all -d 'Run every module, due or not'
complete -c hb -n "__fish_hb_using_subcommand cycle" -l dry-run -d 'Compute and print, write nothing'
complete -c hb -n "__fish_hb_using_subcommand cycle" -l no-remediate -d 'Run no remediation (`on_failure`) command in this cycle; `[actions] enabled = false` does it for all'
complete -c hb -n "__fish_hb_using_subcommand cycle" -l full -d 'Reconcile in full instead of reading only what changed (`[modules.portfolio] full_every` does it daily)'
complete -c hb -n "__fish_hb_using_subcommand cycle" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand cycle" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand cycle" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand cycle" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand cycle" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand status" -l window -d 'Window for uptime and latency figures' -r
complete -c hb -n "__fish_hb_using_subcommand status" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand status" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand status" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand status" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand status" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand status" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand status" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand status" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand status" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand logs" -l since -d 'Only runs that started within this duration, e.g. 24h' -r
complete -c hb -n "__fish_hb_using_subcommand logs" -l status -d 'Only runs with this status' -r -f -a "running\t''
ok\t''
failed\t''
aborted\t''"
complete -c hb -n "__fish_hb_using_subcommand logs" -l module -d 'Only runs in which this module ran' -r -f -a "portfolio\t''
market\t''
relationships\t''
system\t''
predictive\t''
scheduled\t''"
complete -c hb -n "__fish_hb_using_subcommand logs" -l check -d 'Only runs in which this check ran (a check of the config or of the run log)' -r
complete -c hb -n "__fish_hb_using_subcommand logs" -l limit -d 'At most this many runs (0: all)' -r
complete -c hb -n "__fish_hb_using_subcommand logs" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand logs" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand logs" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand logs" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand logs" -l ndjson -d 'One JSON object per line'
complete -c hb -n "__fish_hb_using_subcommand logs" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand logs" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand logs" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand logs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hb -n "__fish_hb_using_subcommand logs" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand checks; and not __fish_seen_subcommand_from list run validate doc help" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand checks; and not __fish_seen_subcommand_from list run validate doc help" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand checks; and not __fish_seen_subcommand_from list run validate doc help" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand checks; and not __fish_seen_subcommand_from list run validate doc help" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand checks; and not __fish_seen_subcommand_from list run validate doc help" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand checks; and not __fish_seen_subcommand_from list run validate doc help" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand checks; and not __fish_seen_subcommand_from list run validate doc help" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand checks; and not __fish_seen_subcommand_from list run validate doc help" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand checks; and not __fish_seen_subcommand_from list run validate doc help" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand checks; and not __fish_seen_subcommand_from list run validate doc help" -f -a "list" -d 'Every configured check with its last status and next due time'
complete -c hb -n "__fish_hb_using_subcommand checks; and not __fish_seen_subcommand_from list run validate doc help" -f -a "run" -d 'Run checks now and print the results; exits with the worst status'
complete -c hb -n "__fish_hb_using_subcommand checks; and not __fish_seen_subcommand_from list run validate doc help" -f -a "validate" -d 'Lint the checks of the config'
complete -c hb -n "__fish_hb_using_subcommand checks; and not __fish_seen_subcommand_from list run validate doc help" -f -a "doc" -d 'The protocol in Markdown (this is HEARTBEAT.md)'
complete -c hb -n "__fish_hb_using_subcommand checks; and not __fish_seen_subcommand_from list run validate doc help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from list" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from list" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from list" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from list" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from run" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from run" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from run" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from run" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from run" -l no-record -d 'Leave the store untouched (never remediates)'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from run" -l remediate -d 'Run the `on_failure` commands of checks that fail (off by default here; `hb cycle` runs them)'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from run" -l due -d 'Run the enabled checks that are due by their `every`, as the cycle would'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from run" -l all -d 'Run every enabled check'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from run" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from run" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from run" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from run" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from validate" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from validate" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from validate" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from validate" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from validate" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from validate" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from validate" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from validate" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from doc" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from doc" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from doc" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from doc" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from doc" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from doc" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from doc" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from doc" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from doc" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every configured check with its last status and next due time'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from help" -f -a "run" -d 'Run checks now and print the results; exits with the worst status'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Lint the checks of the config'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from help" -f -a "doc" -d 'The protocol in Markdown (this is HEARTBEAT.md)'
complete -c hb -n "__fish_hb_using_subcommand checks; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -l priority -d 'Only this priority' -r -f -a "low\t''
medium\t''
high\t''
critical\t''"
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -l kind -d 'Only this kind' -r -f -a "blocked_property\t''
deadline_passed\t''
deadline_near\t''
stale_property\t''
contract_unsigned\t''
high_score_idle\t''
missing_enrichment\t''
missing_skip_trace\t''
watchlist_match\t''
price_shift\t''
cooling_relationship\t''
reminder\t''
check_failed\t''
check_flapping\t''
escalation\t''"
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -l limit -d 'At most this many rows (0: all)' -r
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -l all -d 'Include acknowledged and resolved notifications'
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -f -a "list" -d 'List notifications (open ones by default)'
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -f -a "ack" -d 'Acknowledge notifications'
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -f -a "test" -d 'Send a test message through a channel and report the server\'s answer'
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -f -a "outbox" -d 'Pending and failed deliveries'
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -f -a "send" -d 'Send an ad-hoc alert through the routes (queued in the outbox, then delivered)'
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -f -a "deliver" -d 'Deliver what is due in the outbox now (`hb cycle` does this itself)'
complete -c hb -n "__fish_hb_using_subcommand alerts; and not __fish_seen_subcommand_from list ack test outbox send deliver help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from list" -l priority -d 'Only this priority' -r -f -a "low\t''
medium\t''
high\t''
critical\t''"
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from list" -l kind -d 'Only this kind' -r -f -a "blocked_property\t''
deadline_passed\t''
deadline_near\t''
stale_property\t''
contract_unsigned\t''
high_score_idle\t''
missing_enrichment\t''
missing_skip_trace\t''
watchlist_match\t''
price_shift\t''
cooling_relationship\t''
reminder\t''
check_failed\t''
check_flapping\t''
escalation\t''"
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from list" -l limit -d 'At most this many rows (0: all)' -r
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from list" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from list" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from list" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from list" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from list" -l all -d 'Include acknowledged and resolved notifications'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from ack" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from ack" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from ack" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from ack" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from ack" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from ack" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from ack" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from ack" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from ack" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from test" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from test" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from test" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from test" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from test" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from test" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from test" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from outbox" -l limit -d 'At most this many rows, newest first (0: all)' -r
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from outbox" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from outbox" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from outbox" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from outbox" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from outbox" -l all -d 'Include delivered alerts'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from outbox" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from outbox" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from outbox" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from outbox" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from outbox" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from send" -l priority -d 'Routes pick the channels by priority' -r -f -a "low\t''
medium\t''
high\t''
critical\t''"
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from send" -l subject -d 'One line: what happened' -r
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from send" -l message -d 'Details' -r
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from send" -l key -d 'Identifies the condition, for receivers that deduplicate [default: adhoc:SUBJECT]' -r
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from send" -l channel -d 'Send to this channel instead of the route (repeatable)' -r
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from send" -l property -d 'The property it is about' -r
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from send" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from send" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from send" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from send" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from send" -l escalate -d 'Also tell the escalation route'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from send" -l queue-only -d 'Only queue it; the next `hb cycle` or `hb alerts deliver` sends it'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from send" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from send" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from send" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from send" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from send" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from deliver" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from deliver" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from deliver" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from deliver" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from deliver" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from deliver" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from deliver" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from deliver" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from deliver" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "list" -d 'List notifications (open ones by default)'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "ack" -d 'Acknowledge notifications'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "test" -d 'Send a test message through a channel and report the server\'s answer'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "outbox" -d 'Pending and failed deliveries'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "send" -d 'Send an ad-hoc alert through the routes (queued in the outbox, then delivered)'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "deliver" -d 'Deliver what is due in the outbox now (`hb cycle` does this itself)'
complete -c hb -n "__fish_hb_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hb -n "__fish_hb_using_subcommand init" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand init" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand init" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand init" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand init" -l force -d 'Overwrite an existing config'
complete -c hb -n "__fish_hb_using_subcommand init" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand init" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand init" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand init" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand init" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand demo" -l properties -d 'How many properties to generate' -r
complete -c hb -n "__fish_hb_using_subcommand demo" -l dir -d 'Directory for the demo store, config and sample app [default: $XDG_DATA_HOME/hb/demo]' -r -F
complete -c hb -n "__fish_hb_using_subcommand demo" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand demo" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand demo" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand demo" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand demo" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand demo" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand demo" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand demo" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand demo" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand silence; and not __fish_seen_subcommand_from add list remove help" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand silence; and not __fish_seen_subcommand_from add list remove help" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand silence; and not __fish_seen_subcommand_from add list remove help" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand silence; and not __fish_seen_subcommand_from add list remove help" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand silence; and not __fish_seen_subcommand_from add list remove help" -l all -d 'Include silences that ended or were removed'
complete -c hb -n "__fish_hb_using_subcommand silence; and not __fish_seen_subcommand_from add list remove help" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand silence; and not __fish_seen_subcommand_from add list remove help" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand silence; and not __fish_seen_subcommand_from add list remove help" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand silence; and not __fish_seen_subcommand_from add list remove help" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand silence; and not __fish_seen_subcommand_from add list remove help" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand silence; and not __fish_seen_subcommand_from add list remove help" -f -a "add" -d 'Silence one check, a group or every check, for a while or until a time'
complete -c hb -n "__fish_hb_using_subcommand silence; and not __fish_seen_subcommand_from add list remove help" -f -a "list" -d 'Silences in effect or to come, and the config\'s recurring windows'
complete -c hb -n "__fish_hb_using_subcommand silence; and not __fish_seen_subcommand_from add list remove help" -f -a "remove" -d 'End a silence now'
complete -c hb -n "__fish_hb_using_subcommand silence; and not __fish_seen_subcommand_from add list remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from add" -l group -d 'Silence every check of this group' -r -f -a "system\t''
queue\t''
integrity\t''
security\t''
integration\t''"
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from add" -l for -d 'How long, e.g. 2h' -r
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from add" -l until -d 'Until this time (RFC 3339 or YYYY-MM-DD)' -r
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from add" -l from -d 'From this time instead of now (a planned maintenance)' -r
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from add" -l reason -d 'Why: shown wherever the silence is' -r
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from add" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from add" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from add" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from add" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from add" -l all -d 'Silence every check'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from add" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from list" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from list" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from list" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from list" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from list" -l all -d 'Include silences that ended or were removed'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from remove" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from remove" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from remove" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from remove" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from remove" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from help" -f -a "add" -d 'Silence one check, a group or every check, for a while or until a time'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from help" -f -a "list" -d 'Silences in effect or to come, and the config\'s recurring windows'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from help" -f -a "remove" -d 'End a silence now'
complete -c hb -n "__fish_hb_using_subcommand silence; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hb -n "__fish_hb_using_subcommand brief" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand brief" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand brief" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand brief" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand brief" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand brief" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand brief" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand brief" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hb -n "__fish_hb_using_subcommand brief" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand schedule" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand schedule" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand schedule" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand schedule" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand schedule" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand schedule" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand schedule" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand schedule" -s h -l help -d 'Print help'
complete -c hb -n "__fish_hb_using_subcommand schedule" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand mcp" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand mcp" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand mcp" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand mcp" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand mcp" -l allow-writes -d 'Also offer the write tools: trigger_system_heartbeat_cycle, run_health_checks, acknowledge_alert'
complete -c hb -n "__fish_hb_using_subcommand mcp" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand mcp" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand mcp" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand mcp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hb -n "__fish_hb_using_subcommand mcp" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand serve" -l listen -d 'Address and port to listen on [default: [serve] listen, then 127.0.0.1:9810]' -r
complete -c hb -n "__fish_hb_using_subcommand serve" -l token-env -d 'Environment variable holding the bearer token, then required on every path but /livez (needed for any non-loopback address) [default: [serve] token_env]' -r
complete -c hb -n "__fish_hb_using_subcommand serve" -l config -d 'Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]' -r -F
complete -c hb -n "__fish_hb_using_subcommand serve" -l db -d 'SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]' -r -F
complete -c hb -n "__fish_hb_using_subcommand serve" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hb -n "__fish_hb_using_subcommand serve" -l now -d 'The clock for every time-based decision, RFC 3339 (for tests and replays)' -r
complete -c hb -n "__fish_hb_using_subcommand serve" -l json -d 'Print one JSON document instead of a table'
complete -c hb -n "__fish_hb_using_subcommand serve" -s q -l quiet -d 'Print nothing but errors'
complete -c hb -n "__fish_hb_using_subcommand serve" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c hb -n "__fish_hb_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hb -n "__fish_hb_using_subcommand serve" -s V -l version -d 'Print version'
complete -c hb -n "__fish_hb_using_subcommand help; and not __fish_seen_subcommand_from property contract import insights cycle status logs checks alerts init demo silence brief schedule mcp serve help" -f -a "property" -d 'One property\'s pipeline heartbeat; `list` and `set` manage the portfolio'
complete -c hb -n "__fish_hb_using_subcommand help; and not __fish_seen_subcommand_from property contract import insights cycle status logs checks alerts init demo silence brief schedule mcp serve help" -f -a "contract" -d 'Record contract facts: attach, sent, signed, completed, cancelled, deadline'
complete -c hb -n "__fish_hb_using_subcommand help; and not __fish_seen_subcommand_from property contract import insights cycle status logs checks alerts init demo silence brief schedule mcp serve help" -f -a "import" -d 'Import properties, contracts, contacts, interactions, watchlists, reminders or prices'
complete -c hb -n "__fish_hb_using_subcommand help; and not __fish_seen_subcommand_from property contract import insights cycle status logs checks alerts init demo silence brief schedule mcp serve help" -f -a "insights" -d 'What needs attention now, highest priority first (reads only)'
complete -c hb -n "__fish_hb_using_subcommand help; and not __fish_seen_subcommand_from property contract import insights cycle status logs checks alerts init demo silence brief schedule mcp serve help" -f -a "cycle" -d 'Run one system-heartbeat cycle (what cron or a timer calls every 5 minutes)'
complete -c hb -n "__fish_hb_using_subcommand help; and not __fish_seen_subcommand_from property contract import insights cycle status logs checks alerts init demo silence brief schedule mcp serve help" -f -a "status" -d 'Last cycle, modules, the check board, open notifications; exits Nagios-style'
complete -c hb -n "__fish_hb_using_subcommand help; and not __fish_seen_subcommand_from property contract import insights cycle status logs checks alerts init demo silence brief schedule mcp serve help" -f -a "logs" -d 'Recent runs, or one run in detail'
complete -c hb -n "__fish_hb_using_subcommand help; and not __fish_seen_subcommand_from property contract import insights cycle status logs checks alerts init demo silence brief schedule mcp serve help" -f -a "checks" -d 'The health checks of the protocol: list, run, validate, doc'
complete -c hb -n "__fish_hb_using_subcommand help; and not __fish_seen_subcommand_from property contract import insights cycle status logs checks alerts init demo silence brief schedule mcp serve help" -f -a "alerts" -d 'Notifications and alert delivery: list, ack, test, outbox'
complete -c hb -n "__fish_hb_using_subcommand help; and not __fish_seen_subcommand_from property contract import insights cycle status logs checks alerts init demo silence brief schedule mcp serve help" -f -a "init" -d 'Write a commented config and create the store'
complete -c hb -n "__fish_hb_using_subcommand help; and not __fish_seen_subcommand_from property contract import insights cycle status logs checks alerts init demo silence brief schedule mcp serve help" -f -a "demo" -d 'Create a deterministic sample portfolio and app with a health protocol, and show them'
complete -c hb -n "__fish_hb_using_subcommand help; and not __fish_seen_subcommand_from property contract import insights cycle status logs checks alerts init demo silence brief schedule mcp serve help" -f -a "silence" -d 'Maintenance windows: checks that run and record but do not alert, escalate or remediate'
complete -c hb -n "__fish_hb_using_subcommand help; and not __fish_seen_subcommand_from property contract import insights cycle status logs checks alerts init demo silence brief schedule mcp serve help" -f -a "brief" -d 'The daily brief as it reads now: counts, top properties, failing checks, deadlines'
complete -c hb -n "__fish_hb_using_subcommand help; and not __fish_seen_subcommand_from property contract import insights cycle status logs checks alerts init demo silence brief schedule mcp serve help" -f -a "schedule" -d 'Print cron or systemd entries for the two cadences (and the hb serve unit)'
complete -c hb -n "__fish_hb_using_subcommand help; and not __fish_seen_subcommand_from property contract import insights cycle status logs checks alerts init demo silence brief schedule mcp serve help" -f -a "mcp" -d 'Serve voice assistants: a Model Context Protocol server on stdin/stdout'
complete -c hb -n "__fish_hb_using_subcommand help; and not __fish_seen_subcommand_from property contract import insights cycle status logs checks alerts init demo silence brief schedule mcp serve help" -f -a "serve" -d 'Serve the health endpoints over HTTP: read-only, loopback by default'
complete -c hb -n "__fish_hb_using_subcommand help; and not __fish_seen_subcommand_from property contract import insights cycle status logs checks alerts init demo silence brief schedule mcp serve help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from property" -f -a "list" -d 'Properties with their health, most overdue first'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from property" -f -a "set" -d 'Record facts about one property by hand'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from property" -f -a "snooze" -d 'Put a property on hold until a resume date: it is `snoozed`, not nagged as stale'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from contract" -f -a "attach" -d 'Attach a new contract to a property'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from contract" -f -a "sent" -d 'The contract was sent for signature'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from contract" -f -a "signed" -d 'The contract was signed'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from contract" -f -a "completed" -d 'The contract was completed'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from contract" -f -a "cancelled" -d 'The contract was cancelled (it no longer counts for the stage)'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from contract" -f -a "deadline" -d 'Set or clear a contract\'s deadline'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from contract" -f -a "list" -d 'The contracts of one property'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from checks" -f -a "list" -d 'Every configured check with its last status and next due time'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from checks" -f -a "run" -d 'Run checks now and print the results; exits with the worst status'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from checks" -f -a "validate" -d 'Lint the checks of the config'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from checks" -f -a "doc" -d 'The protocol in Markdown (this is HEARTBEAT.md)'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from alerts" -f -a "list" -d 'List notifications (open ones by default)'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from alerts" -f -a "ack" -d 'Acknowledge notifications'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from alerts" -f -a "test" -d 'Send a test message through a channel and report the server\'s answer'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from alerts" -f -a "outbox" -d 'Pending and failed deliveries'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from alerts" -f -a "send" -d 'Send an ad-hoc alert through the routes (queued in the outbox, then delivered)'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from alerts" -f -a "deliver" -d 'Deliver what is due in the outbox now (`hb cycle` does this itself)'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from silence" -f -a "add" -d 'Silence one check, a group or every check, for a while or until a time'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from silence" -f -a "list" -d 'Silences in effect or to come, and the config\'s recurring windows'
complete -c hb -n "__fish_hb_using_subcommand help; and __fish_seen_subcommand_from silence" -f -a "remove" -d 'End a silence now'
