function __teamchat_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __teamchat_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __teamchat_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __teamchat_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __teamchat_parse_tokens -S
    set -l unparsed_tokens (__teamchat_tokens -pc)
    switch $unparsed_tokens[1]
    case 'teamchat'
        __teamchat_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'send'
            __teamchat_parse_subcommand -r 1 'file=+' 'roster=' 'scan=' 'openai=' 'model=' 'api-key-env=' 'bus=' 'team=' 'config=' 'tekton' 'cache=' 'no-cache' 'ttl=' 'max-reply=' 'ca-file=' 'color=' 'q/quiet' 'v/verbose' 'to=+' 'exclude=+' 'timeout=' 'connect-timeout=' 'deadline=' 'quorum=' 'retries=' 'stream' 'json' 'no-breaker' 'interactive' 'async' 'judge=+' 'council' 'judge-prompt=' 'judge-timeout=' 'system=' 'temperature=' 'o/option=+' 'dry-run' 'direct' 'log=' 'no-log' 'c/continue' 'conversation=' 'share=+' 'roundtable' 'version' 'h/help'
        case 'discover'
            __teamchat_parse_subcommand 0 'roster=' 'scan=' 'openai=' 'model=' 'api-key-env=' 'bus=' 'team=' 'config=' 'tekton' 'cache=' 'no-cache' 'ttl=' 'max-reply=' 'ca-file=' 'color=' 'q/quiet' 'v/verbose' 'timeout=' 'connect-timeout=' 'deadline=' 'json' 'version' 'h/help'
        case 'warm'
            __teamchat_parse_subcommand 0 'roster=' 'scan=' 'openai=' 'model=' 'api-key-env=' 'bus=' 'team=' 'config=' 'tekton' 'cache=' 'no-cache' 'ttl=' 'max-reply=' 'ca-file=' 'color=' 'q/quiet' 'v/verbose' 'timeout=' 'connect-timeout=' 'deadline=' 'connections=' 'json' 'direct' 'version' 'h/help'
        case 'stats'
            __teamchat_parse_subcommand 0 'roster=' 'scan=' 'openai=' 'model=' 'api-key-env=' 'bus=' 'team=' 'config=' 'tekton' 'cache=' 'no-cache' 'ttl=' 'max-reply=' 'ca-file=' 'color=' 'q/quiet' 'v/verbose' 'json' 'reset' 'direct' 'log=' 'no-log' 'version' 'h/help'
        case 'log'
            __teamchat_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'recent'
                __teamchat_parse_subcommand 0 'log=' 'json' 'limit=' 'since=' 'conversation=' 'version' 'h/help'
            case 'show'
                __teamchat_parse_subcommand 1 'log=' 'json' 'version' 'h/help'
            case 'search'
                __teamchat_parse_subcommand 1 'log=' 'json' 'limit=' 'version' 'h/help'
            case 'export'
                __teamchat_parse_subcommand 0 'log=' 'format=' 'since=' 'conversation=' 'version' 'h/help'
            case 'prune'
                __teamchat_parse_subcommand 0 'log=' 'older-than=' 'version' 'h/help'
            end
        case 'teams'
            __teamchat_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __teamchat_parse_subcommand 0 'config=' 'json' 'version' 'h/help'
            case 'show'
                __teamchat_parse_subcommand 1 'config=' 'json' 'version' 'h/help'
            end
        case 'doctor'
            __teamchat_parse_subcommand 0 'roster=' 'scan=' 'openai=' 'model=' 'api-key-env=' 'bus=' 'team=' 'config=' 'tekton' 'cache=' 'no-cache' 'ttl=' 'max-reply=' 'ca-file=' 'color=' 'q/quiet' 'v/verbose' 'json' 'version' 'h/help'
        case 'completion'
            __teamchat_parse_subcommand 1 'version' 'h/help'
        case 'serve'
            __teamchat_parse_subcommand 0 'roster=' 'scan=' 'openai=' 'model=' 'api-key-env=' 'bus=' 'team=' 'config=' 'tekton' 'cache=' 'no-cache' 'ttl=' 'max-reply=' 'ca-file=' 'timeout=' 'connect-timeout=' 'deadline=' 'listen=' 'control-socket=' 'no-control-socket' 'token=' 'max-connections=' 'max-rounds=' 'request-timeout=' 'idle-timeout=' 'write-timeout=' 'allow-host=+' 'allow-origin=+' 'persist-interval=' 'connections=' 'log-level=' 'log=' 'no-log' 'version' 'h/help'
        case 'bridge'
            __teamchat_parse_subcommand 0 'roster=' 'scan=' 'openai=' 'model=' 'api-key-env=' 'bus=' 'team=' 'config=' 'tekton' 'cache=' 'no-cache' 'ttl=' 'max-reply=' 'ca-file=' 'timeout=' 'connect-timeout=' 'deadline=' 'max-rounds=' 'log-level=' 'version' 'h/help'
        case 'collect'
            __teamchat_parse_subcommand 1 'roster=' 'scan=' 'openai=' 'model=' 'api-key-env=' 'bus=' 'team=' 'config=' 'tekton' 'cache=' 'no-cache' 'ttl=' 'max-reply=' 'ca-file=' 'wait=' 'json' 'version' 'h/help'
        case 'bench'
            __teamchat_parse_subcommand 0 'roster=' 'scan=' 'openai=' 'model=' 'api-key-env=' 'bus=' 'team=' 'config=' 'tekton' 'cache=' 'no-cache' 'ttl=' 'max-reply=' 'ca-file=' 'fleet=' 'gateway=' 'latency=' 'jitter=' 'rounds=' 'duration=' 'warmup=' 'concurrency=' 'rate=' 'message=' 'timeout=' 'connect-timeout=' 'deadline=' 'quorum=' 'mode=' 'json' 'csv' 'save=' 'report=' 'baseline=' 'fail-if=+' 'version' 'h/help'
        case 'fleet'
            __teamchat_parse_subcommand 0 'count=' 'protocol=' 'base-port=' 'host=' 'latency=' 'jitter=' 'misbehave=+' 'late-delay=' 'write-roster=' 'version' 'h/help'
        case 'demo'
            __teamchat_parse_subcommand 0 'latency=' 'timeout=' 'rounds=' 'version' 'h/help'
        case 'help'
            __teamchat_parse_subcommand -r 1 'version'
        end
    end
end

function __teamchat_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __teamchat_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __teamchat_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __teamchat_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__teamchat_tokens -p)
    if test -z "$(__teamchat_tokens -t)"
        set -l index (count (__teamchat_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'teamchat' -f
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat" -eq 1' -fa 'send' -d 'Send a message to the whole team and print every answer as it arrives.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat" -eq 1' -fa 'discover' -d 'Probe the team now (parallel ping, then info), print the roster and write the cache.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat" -eq 1' -fa 'warm' -d 'Open connections to every specialist in parallel, ping them, and report connect and ping times.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat" -eq 1' -fa 'stats' -d 'Show what the cache knows: roster, age, and each specialist\'s health, latency and circuit state.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat" -eq 1' -fa 'log' -d 'Show the rounds teamchat kept: recent ones, one in full, or those that mention something.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat" -eq 1' -fa 'teams' -d 'List the named teams (teams.json), or show one.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat" -eq 1' -fa 'doctor' -d 'Check what teamchat depends on here: the team, the cache, the round log, a gateway, keys, the terminal.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat" -eq 1' -fa 'completion' -d 'Print the completion script for bash, zsh or fish.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat" -eq 1' -fa 'serve' -d 'Serve the team over HTTP, SSE, WebSocket and a local control socket, over warm connections.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat" -eq 1' -fa 'bridge' -d 'Put this machine\'s specialists on a Redis bus, so that a team spans machines.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat" -eq 1' -fa 'collect' -d 'Gather the answers of a round posted with send --async on a bus.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat" -eq 1' -fa 'bench' -d 'Measure team-chat latency: percentiles, per-specialist rows, time to first and k-th answer, cold vs pooled.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat" -eq 1' -fa 'fleet' -d 'Run simulated specialists speaking the protocol, until interrupted.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat" -eq 1' -fa 'demo' -d 'Tour teamchat on an in-process simulated team: nothing else needs to run.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send"' -l 'file' -d 'Attach this file\'s text after the message (repeatable).' -rF
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" roster' -l 'roster' -d 'Read the team from a JSON roster file.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" scan' -l 'scan' -d 'Probe HOST:LOW-HIGH in parallel for specialists.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" openai' -l 'openai' -d 'Ask every model an OpenAI-compatible API lists (GET URL/models), e.g. http://127.0.0.1:11434/v1.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" model' -l 'model' -d 'With --openai: only models whose name matches this glob (e.g. \'llama*\').' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" api-key-env' -l 'api-key-env' -d 'With --openai: the environment variable holding the API key (sent as a bearer token, never shown or stored).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" bus' -l 'bus' -d 'The specialists the bridges on a Redis bus publish: redis://[user:password@]HOST:PORT/TEAM, rediss://… for TLS, redis+unix:///path/redis.sock?team=TEAM (teamchat bridge: where to publish).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" team' -l 'team' -d 'A team named in teams.json: its source, members, overrides, judge and budgets.' -rfka '(__teamchat_custom_completion ---completion send -- --team (count (__teamchat_tokens -pc)) (__teamchat_tokens -tC))'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" config' -l 'config' -d 'The named teams file (default: $XDG_CONFIG_HOME/teamchat/teams.json, else ~/.config/teamchat/teams.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" tekton' -l 'tekton' -d 'Use the Tekton preset of 18 specialists (honours TEKTON_AI_PORT_BASE and <NAME>_AI_PORT; the default when no source was used before).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" cache' -l 'cache' -d 'The cache file (default: $TEAMCHAT_CACHE, else $XDG_CACHE_HOME/teamchat/specialists.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" no-cache' -l 'no-cache' -d 'Neither read nor write the cache (so nothing is remembered between runs).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" ttl' -l 'ttl' -d 'How long a discovered roster stays fresh.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" max-reply' -l 'max-reply' -d 'The longest reply accepted.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" ca-file' -l 'ca-file' -d 'Trust this CA certificate (PEM) for https:// specialists, besides the system\'s (default: $SSL_CERT_FILE).' -rF
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" color' -l 'color' -d 'Colour: auto (a terminal, without NO_COLOR or TERM=dumb), always or never.' -rfka 'auto always never'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" q quiet' -s 'q' -l 'quiet' -d 'Nothing on standard error but errors: no warnings, no waiting line.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" v verbose' -s 'v' -l 'verbose' -d 'Show each exchange on standard error as curl -v does: \'>\' what was sent (HTTP request heads, Tekton request lines), \'<\' what came back (response heads, a reply\'s start); credentials redacted. The exchanges of this process: through a running gateway, add --direct to see each specialist\'s.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send"' -l 'to' -d 'Ask only these specialists (repeatable, comma lists allowed).' -rfka '(__teamchat_custom_completion ---completion send -- --to (count (__teamchat_tokens -pc)) (__teamchat_tokens -tC))'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send"' -l 'exclude' -d 'Do not ask these specialists (repeatable, comma lists allowed).' -rfka '(__teamchat_custom_completion ---completion send -- --exclude (count (__teamchat_tokens -pc)) (__teamchat_tokens -tC))'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" timeout' -l 'timeout' -d 'How long each specialist may take to reply, from its own send; a named team may set its own (default: 2s).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" connect-timeout' -l 'connect-timeout' -d 'How long a connection attempt may take.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" deadline' -l 'deadline' -d 'How long the whole round may take; a named team may set its own (default: timeout + connect timeout).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" quorum' -l 'quorum' -d 'Replies needed for success (default: every addressed specialist).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" retries' -l 'retries' -d 'Retry failed connection attempts this many times (never a request that was sent).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" stream' -l 'stream' -d 'Ask specialists to stream their answers and show chunks as they arrive.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" json' -l 'json' -d 'Print NDJSON events (reply, chunk, summary), one per line.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" no-breaker' -l 'no-breaker' -d 'Ask specialists whose circuit breaker is open too.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" interactive' -l 'interactive' -d 'The interactive loop (@ids, /commands) even when standard input is not a terminal.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" async' -l 'async' -d 'With --bus: post the message on the bus\'s stream, print its round id and leave; \'teamchat collect ID\' gathers the answers. A bridge that is down answers when it comes back, within --ttl.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send"' -l 'judge' -d 'When the round ends, this specialist writes one answer from the team\'s (anonymized, shuffled); a comma list names fallbacks, tried when one fails before its first byte.' -rfka '(__teamchat_custom_completion ---completion send -- --judge (count (__teamchat_tokens -pc)) (__teamchat_tokens -tC))'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" council' -l 'council' -d 'First each member ranks the others\' answers (never its own; a Borda count), then the judge (or the top-ranked member) writes the answer with the ranking.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" judge-prompt' -l 'judge-prompt' -d 'The judge\'s prompt template: {{question}}, {{responses}} (required), {{missing}}, {{ranking}}.' -rF
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" judge-timeout' -l 'judge-timeout' -d 'How long the judge, and each council member\'s ranking, may take (default: 60s, or the named team\'s).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" system' -l 'system' -d 'The system prompt of every member this run (OpenAI-compatible members: Tekton\'s services keep their own).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" temperature' -l 'temperature' -d 'The sampling temperature of every member this run (0 to 2).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send"' -s 'o' -l 'option' -d 'A model parameter of every member this run: system=TEXT, temperature=T, max_tokens=N (repeatable).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" dry-run' -l 'dry-run' -d 'Print each member\'s request as it would be sent (Tekton line, OpenAI body, threads included) and send nothing.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" direct' -l 'direct' -d 'Do not use a running \'teamchat serve\': connect to the specialists from this process.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" log' -l 'log' -d 'The round log (default: $TEAMCHAT_LOG, else $XDG_DATA_HOME/teamchat/log.db).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" no-log' -l 'no-log' -d 'Keep no record of the rounds (also: TEAMCHAT_NO_LOG=1).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" c continue' -s 'c' -l 'continue' -d 'Continue the last conversation: each specialist is sent its own earlier turns in it (and no one else\'s).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" conversation' -l 'conversation' -d 'Continue the conversation with this id (as \'teamchat log\' shows it), or start one by that name.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send"' -l 'share' -d 'With -c or --conversation: give everyone this specialist\'s answer of the last round, attributed (repeatable, comma lists allowed).' -rfka '(__teamchat_custom_completion ---completion send -- --share (count (__teamchat_tokens -pc)) (__teamchat_tokens -tC))'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" roundtable' -l 'roundtable' -d 'With -c or --conversation: give each specialist the others\' answers of the last round, attributed.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat send" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" roster' -l 'roster' -d 'Read the team from a JSON roster file.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" scan' -l 'scan' -d 'Probe HOST:LOW-HIGH in parallel for specialists.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" openai' -l 'openai' -d 'Ask every model an OpenAI-compatible API lists (GET URL/models), e.g. http://127.0.0.1:11434/v1.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" model' -l 'model' -d 'With --openai: only models whose name matches this glob (e.g. \'llama*\').' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" api-key-env' -l 'api-key-env' -d 'With --openai: the environment variable holding the API key (sent as a bearer token, never shown or stored).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" bus' -l 'bus' -d 'The specialists the bridges on a Redis bus publish: redis://[user:password@]HOST:PORT/TEAM, rediss://… for TLS, redis+unix:///path/redis.sock?team=TEAM (teamchat bridge: where to publish).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" team' -l 'team' -d 'A team named in teams.json: its source, members, overrides, judge and budgets.' -rfka '(__teamchat_custom_completion ---completion discover -- --team (count (__teamchat_tokens -pc)) (__teamchat_tokens -tC))'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" config' -l 'config' -d 'The named teams file (default: $XDG_CONFIG_HOME/teamchat/teams.json, else ~/.config/teamchat/teams.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" tekton' -l 'tekton' -d 'Use the Tekton preset of 18 specialists (honours TEKTON_AI_PORT_BASE and <NAME>_AI_PORT; the default when no source was used before).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" cache' -l 'cache' -d 'The cache file (default: $TEAMCHAT_CACHE, else $XDG_CACHE_HOME/teamchat/specialists.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" no-cache' -l 'no-cache' -d 'Neither read nor write the cache (so nothing is remembered between runs).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" ttl' -l 'ttl' -d 'How long a discovered roster stays fresh.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" max-reply' -l 'max-reply' -d 'The longest reply accepted.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" ca-file' -l 'ca-file' -d 'Trust this CA certificate (PEM) for https:// specialists, besides the system\'s (default: $SSL_CERT_FILE).' -rF
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" color' -l 'color' -d 'Colour: auto (a terminal, without NO_COLOR or TERM=dumb), always or never.' -rfka 'auto always never'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" q quiet' -s 'q' -l 'quiet' -d 'Nothing on standard error but errors: no warnings, no waiting line.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" v verbose' -s 'v' -l 'verbose' -d 'Show each exchange on standard error as curl -v does: \'>\' what was sent (HTTP request heads, Tekton request lines), \'<\' what came back (response heads, a reply\'s start); credentials redacted. The exchanges of this process: through a running gateway, add --direct to see each specialist\'s.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" timeout' -l 'timeout' -d 'How long each specialist may take to reply, from its own send; a named team may set its own (default: 2s).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" connect-timeout' -l 'connect-timeout' -d 'How long a connection attempt may take.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" deadline' -l 'deadline' -d 'How long the whole round may take; a named team may set its own (default: timeout + connect timeout).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" json' -l 'json' -d 'Print NDJSON: a \'specialist\' object per specialist, then a \'discovery\' summary.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat discover" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" roster' -l 'roster' -d 'Read the team from a JSON roster file.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" scan' -l 'scan' -d 'Probe HOST:LOW-HIGH in parallel for specialists.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" openai' -l 'openai' -d 'Ask every model an OpenAI-compatible API lists (GET URL/models), e.g. http://127.0.0.1:11434/v1.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" model' -l 'model' -d 'With --openai: only models whose name matches this glob (e.g. \'llama*\').' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" api-key-env' -l 'api-key-env' -d 'With --openai: the environment variable holding the API key (sent as a bearer token, never shown or stored).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" bus' -l 'bus' -d 'The specialists the bridges on a Redis bus publish: redis://[user:password@]HOST:PORT/TEAM, rediss://… for TLS, redis+unix:///path/redis.sock?team=TEAM (teamchat bridge: where to publish).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" team' -l 'team' -d 'A team named in teams.json: its source, members, overrides, judge and budgets.' -rfka '(__teamchat_custom_completion ---completion warm -- --team (count (__teamchat_tokens -pc)) (__teamchat_tokens -tC))'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" config' -l 'config' -d 'The named teams file (default: $XDG_CONFIG_HOME/teamchat/teams.json, else ~/.config/teamchat/teams.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" tekton' -l 'tekton' -d 'Use the Tekton preset of 18 specialists (honours TEKTON_AI_PORT_BASE and <NAME>_AI_PORT; the default when no source was used before).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" cache' -l 'cache' -d 'The cache file (default: $TEAMCHAT_CACHE, else $XDG_CACHE_HOME/teamchat/specialists.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" no-cache' -l 'no-cache' -d 'Neither read nor write the cache (so nothing is remembered between runs).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" ttl' -l 'ttl' -d 'How long a discovered roster stays fresh.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" max-reply' -l 'max-reply' -d 'The longest reply accepted.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" ca-file' -l 'ca-file' -d 'Trust this CA certificate (PEM) for https:// specialists, besides the system\'s (default: $SSL_CERT_FILE).' -rF
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" color' -l 'color' -d 'Colour: auto (a terminal, without NO_COLOR or TERM=dumb), always or never.' -rfka 'auto always never'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" q quiet' -s 'q' -l 'quiet' -d 'Nothing on standard error but errors: no warnings, no waiting line.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" v verbose' -s 'v' -l 'verbose' -d 'Show each exchange on standard error as curl -v does: \'>\' what was sent (HTTP request heads, Tekton request lines), \'<\' what came back (response heads, a reply\'s start); credentials redacted. The exchanges of this process: through a running gateway, add --direct to see each specialist\'s.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" timeout' -l 'timeout' -d 'How long each specialist may take to reply, from its own send; a named team may set its own (default: 2s).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" connect-timeout' -l 'connect-timeout' -d 'How long a connection attempt may take.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" deadline' -l 'deadline' -d 'How long the whole round may take; a named team may set its own (default: timeout + connect timeout).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" connections' -l 'connections' -d 'Connections to open to each specialist.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" json' -l 'json' -d 'Print NDJSON: a \'warm\' object per specialist, then a \'summary\'.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" direct' -l 'direct' -d 'Do not use a running \'teamchat serve\': connect to the specialists from this process.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat warm" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" roster' -l 'roster' -d 'Read the team from a JSON roster file.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" scan' -l 'scan' -d 'Probe HOST:LOW-HIGH in parallel for specialists.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" openai' -l 'openai' -d 'Ask every model an OpenAI-compatible API lists (GET URL/models), e.g. http://127.0.0.1:11434/v1.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" model' -l 'model' -d 'With --openai: only models whose name matches this glob (e.g. \'llama*\').' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" api-key-env' -l 'api-key-env' -d 'With --openai: the environment variable holding the API key (sent as a bearer token, never shown or stored).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" bus' -l 'bus' -d 'The specialists the bridges on a Redis bus publish: redis://[user:password@]HOST:PORT/TEAM, rediss://… for TLS, redis+unix:///path/redis.sock?team=TEAM (teamchat bridge: where to publish).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" team' -l 'team' -d 'A team named in teams.json: its source, members, overrides, judge and budgets.' -rfka '(__teamchat_custom_completion ---completion stats -- --team (count (__teamchat_tokens -pc)) (__teamchat_tokens -tC))'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" config' -l 'config' -d 'The named teams file (default: $XDG_CONFIG_HOME/teamchat/teams.json, else ~/.config/teamchat/teams.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" tekton' -l 'tekton' -d 'Use the Tekton preset of 18 specialists (honours TEKTON_AI_PORT_BASE and <NAME>_AI_PORT; the default when no source was used before).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" cache' -l 'cache' -d 'The cache file (default: $TEAMCHAT_CACHE, else $XDG_CACHE_HOME/teamchat/specialists.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" no-cache' -l 'no-cache' -d 'Neither read nor write the cache (so nothing is remembered between runs).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" ttl' -l 'ttl' -d 'How long a discovered roster stays fresh.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" max-reply' -l 'max-reply' -d 'The longest reply accepted.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" ca-file' -l 'ca-file' -d 'Trust this CA certificate (PEM) for https:// specialists, besides the system\'s (default: $SSL_CERT_FILE).' -rF
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" color' -l 'color' -d 'Colour: auto (a terminal, without NO_COLOR or TERM=dumb), always or never.' -rfka 'auto always never'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" q quiet' -s 'q' -l 'quiet' -d 'Nothing on standard error but errors: no warnings, no waiting line.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" v verbose' -s 'v' -l 'verbose' -d 'Show each exchange on standard error as curl -v does: \'>\' what was sent (HTTP request heads, Tekton request lines), \'<\' what came back (response heads, a reply\'s start); credentials redacted. The exchanges of this process: through a running gateway, add --direct to see each specialist\'s.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" json' -l 'json' -d 'Print NDJSON: a \'cache\' object, then a \'specialist_stats\' object per specialist.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" reset' -l 'reset' -d 'Clear every specialist\'s health (counts, latencies, breakers), keeping the roster.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" direct' -l 'direct' -d 'Do not use a running \'teamchat serve\': connect to the specialists from this process.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" log' -l 'log' -d 'The round log (default: $TEAMCHAT_LOG, else $XDG_DATA_HOME/teamchat/log.db).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" no-log' -l 'no-log' -d 'Keep no record of the rounds (also: TEAMCHAT_NO_LOG=1).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat stats" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat log" -eq 1' -fa 'recent' -d 'The most recent rounds, newest first (the default).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat log" -eq 1' -fa 'show' -d 'One round in full: the message and every specialist\'s answer or failure.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat log" -eq 1' -fa 'search' -d 'The rounds whose message or answers contain some words (full-text, newest first).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat log" -eq 1' -fa 'export' -d 'Every round with every answer, oldest first: NDJSON, CSV (one row per answer) or Markdown.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat log" -eq 1' -fa 'prune' -d 'Remove the rounds older than a duration, with their answers.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log recent" log' -l 'log' -d 'The round log (default: $TEAMCHAT_LOG, else $XDG_DATA_HOME/teamchat/log.db).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log recent" json' -l 'json' -d 'Print NDJSON: one object per round (with its answers for show).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log recent" limit' -l 'limit' -d 'How many rounds at most.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log recent" since' -l 'since' -d 'Only rounds this recent (e.g. 30m, 2h).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log recent" conversation' -l 'conversation' -d 'Only this conversation\'s rounds, oldest first.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log recent" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log recent" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log show" log' -l 'log' -d 'The round log (default: $TEAMCHAT_LOG, else $XDG_DATA_HOME/teamchat/log.db).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log show" json' -l 'json' -d 'Print NDJSON: one object per round (with its answers for show).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log show" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log search" log' -l 'log' -d 'The round log (default: $TEAMCHAT_LOG, else $XDG_DATA_HOME/teamchat/log.db).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log search" json' -l 'json' -d 'Print NDJSON: one object per round (with its answers for show).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log search" limit' -l 'limit' -d 'How many rounds at most.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log search" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log search" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log export" log' -l 'log' -d 'The round log (default: $TEAMCHAT_LOG, else $XDG_DATA_HOME/teamchat/log.db).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log export" format' -l 'format' -d 'jsonl (the default), csv or md.' -rfka 'jsonl csv md'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log export" since' -l 'since' -d 'Only rounds this recent (e.g. 7d, 2h).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log export" conversation' -l 'conversation' -d 'Only this conversation.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log export" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log export" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log prune" log' -l 'log' -d 'The round log (default: $TEAMCHAT_LOG, else $XDG_DATA_HOME/teamchat/log.db).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log prune" older-than' -l 'older-than' -d 'Remove rounds older than this (e.g. 30d, 12h).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log prune" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat log prune" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat teams" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat teams" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat teams" -eq 1' -fa 'list' -d 'Every named team, one per line.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat teams" -eq 1' -fa 'show' -d 'One named team in full.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat teams list" config' -l 'config' -d 'The named teams file (default: $XDG_CONFIG_HOME/teamchat/teams.json, else ~/.config/teamchat/teams.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat teams list" json' -l 'json' -d 'Print NDJSON: one object per team.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat teams list" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat teams list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat teams show" config' -l 'config' -d 'The named teams file (default: $XDG_CONFIG_HOME/teamchat/teams.json, else ~/.config/teamchat/teams.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat teams show" json' -l 'json' -d 'Print NDJSON: one object per team.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat teams show" -eq 1' -fka '(__teamchat_custom_completion ---completion teams show -- positional@0 (count (__teamchat_tokens -pc)) (__teamchat_tokens -tC))'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat teams show" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat teams show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" roster' -l 'roster' -d 'Read the team from a JSON roster file.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" scan' -l 'scan' -d 'Probe HOST:LOW-HIGH in parallel for specialists.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" openai' -l 'openai' -d 'Ask every model an OpenAI-compatible API lists (GET URL/models), e.g. http://127.0.0.1:11434/v1.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" model' -l 'model' -d 'With --openai: only models whose name matches this glob (e.g. \'llama*\').' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" api-key-env' -l 'api-key-env' -d 'With --openai: the environment variable holding the API key (sent as a bearer token, never shown or stored).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" bus' -l 'bus' -d 'The specialists the bridges on a Redis bus publish: redis://[user:password@]HOST:PORT/TEAM, rediss://… for TLS, redis+unix:///path/redis.sock?team=TEAM (teamchat bridge: where to publish).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" team' -l 'team' -d 'A team named in teams.json: its source, members, overrides, judge and budgets.' -rfka '(__teamchat_custom_completion ---completion doctor -- --team (count (__teamchat_tokens -pc)) (__teamchat_tokens -tC))'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" config' -l 'config' -d 'The named teams file (default: $XDG_CONFIG_HOME/teamchat/teams.json, else ~/.config/teamchat/teams.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" tekton' -l 'tekton' -d 'Use the Tekton preset of 18 specialists (honours TEKTON_AI_PORT_BASE and <NAME>_AI_PORT; the default when no source was used before).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" cache' -l 'cache' -d 'The cache file (default: $TEAMCHAT_CACHE, else $XDG_CACHE_HOME/teamchat/specialists.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" no-cache' -l 'no-cache' -d 'Neither read nor write the cache (so nothing is remembered between runs).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" ttl' -l 'ttl' -d 'How long a discovered roster stays fresh.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" max-reply' -l 'max-reply' -d 'The longest reply accepted.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" ca-file' -l 'ca-file' -d 'Trust this CA certificate (PEM) for https:// specialists, besides the system\'s (default: $SSL_CERT_FILE).' -rF
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" color' -l 'color' -d 'Colour: auto (a terminal, without NO_COLOR or TERM=dumb), always or never.' -rfka 'auto always never'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" q quiet' -s 'q' -l 'quiet' -d 'Nothing on standard error but errors: no warnings, no waiting line.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" v verbose' -s 'v' -l 'verbose' -d 'Show each exchange on standard error as curl -v does: \'>\' what was sent (HTTP request heads, Tekton request lines), \'<\' what came back (response heads, a reply\'s start); credentials redacted. The exchanges of this process: through a running gateway, add --direct to see each specialist\'s.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" json' -l 'json' -d 'Print one JSON document: {"type":"doctor","ok":…,"checks":[{name, ok, detail, fix}]}.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat doctor" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_positional "teamchat completion" -eq 1' -fka 'bash zsh fish'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat completion" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat completion" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" roster' -l 'roster' -d 'Read the team from a JSON roster file.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" scan' -l 'scan' -d 'Probe HOST:LOW-HIGH in parallel for specialists.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" openai' -l 'openai' -d 'Ask every model an OpenAI-compatible API lists (GET URL/models), e.g. http://127.0.0.1:11434/v1.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" model' -l 'model' -d 'With --openai: only models whose name matches this glob (e.g. \'llama*\').' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" api-key-env' -l 'api-key-env' -d 'With --openai: the environment variable holding the API key (sent as a bearer token, never shown or stored).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" bus' -l 'bus' -d 'The specialists the bridges on a Redis bus publish: redis://[user:password@]HOST:PORT/TEAM, rediss://… for TLS, redis+unix:///path/redis.sock?team=TEAM (teamchat bridge: where to publish).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" team' -l 'team' -d 'A team named in teams.json: its source, members, overrides, judge and budgets.' -rfka '(__teamchat_custom_completion ---completion serve -- --team (count (__teamchat_tokens -pc)) (__teamchat_tokens -tC))'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" config' -l 'config' -d 'The named teams file (default: $XDG_CONFIG_HOME/teamchat/teams.json, else ~/.config/teamchat/teams.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" tekton' -l 'tekton' -d 'Use the Tekton preset of 18 specialists (honours TEKTON_AI_PORT_BASE and <NAME>_AI_PORT; the default when no source was used before).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" cache' -l 'cache' -d 'The cache file (default: $TEAMCHAT_CACHE, else $XDG_CACHE_HOME/teamchat/specialists.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" no-cache' -l 'no-cache' -d 'Neither read nor write the cache (so nothing is remembered between runs).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" ttl' -l 'ttl' -d 'How long a discovered roster stays fresh.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" max-reply' -l 'max-reply' -d 'The longest reply accepted.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" ca-file' -l 'ca-file' -d 'Trust this CA certificate (PEM) for https:// specialists, besides the system\'s (default: $SSL_CERT_FILE).' -rF
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" timeout' -l 'timeout' -d 'How long each specialist may take to reply, from its own send; a named team may set its own (default: 2s).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" connect-timeout' -l 'connect-timeout' -d 'How long a connection attempt may take.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" deadline' -l 'deadline' -d 'How long the whole round may take; a named team may set its own (default: timeout + connect timeout).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" listen' -l 'listen' -d 'Where the HTTP API listens (port 0 picks one).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" control-socket' -l 'control-socket' -d 'The control socket (default: $XDG_RUNTIME_DIR/teamchat/serve.sock, else $XDG_CACHE_HOME/teamchat/control/serve.sock).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" no-control-socket' -l 'no-control-socket' -d 'Do not open a control socket.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" token' -l 'token' -d 'Require \'Authorization: Bearer TOKEN\' on every HTTP request (default: $TEAMCHAT_TOKEN).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" max-connections' -l 'max-connections' -d 'Open client connections at most (at the cap, one that never finished a request goes first, one being answered never).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" max-rounds' -l 'max-rounds' -d 'Rounds running at once at most, over every client (one more gets 429 and Retry-After).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" request-timeout' -l 'request-timeout' -d 'How long a request may take to arrive whole, once it starts.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" idle-timeout' -l 'idle-timeout' -d 'How long a connection, or a WebSocket with no round in flight, may stay idle.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" write-timeout' -l 'write-timeout' -d 'How long a client may leave what it is sent unread before it is dropped.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve"' -l 'allow-host' -d 'Also accept requests whose Host names this (repeatable; \'*\' any).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve"' -l 'allow-origin' -d 'Also accept browser requests from this origin, e.g. http://localhost:3000 (repeatable; \'*\' any).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" persist-interval' -l 'persist-interval' -d 'How often health is written to the cache.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" connections' -l 'connections' -d 'Connections kept to each specialist at most.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" log-level' -l 'log-level' -d 'trace, debug, info, notice, warning, error or critical.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" log' -l 'log' -d 'The round log (default: $TEAMCHAT_LOG, else $XDG_DATA_HOME/teamchat/log.db).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" no-log' -l 'no-log' -d 'Keep no record of the rounds (also: TEAMCHAT_NO_LOG=1).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" roster' -l 'roster' -d 'Read the team from a JSON roster file.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" scan' -l 'scan' -d 'Probe HOST:LOW-HIGH in parallel for specialists.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" openai' -l 'openai' -d 'Ask every model an OpenAI-compatible API lists (GET URL/models), e.g. http://127.0.0.1:11434/v1.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" model' -l 'model' -d 'With --openai: only models whose name matches this glob (e.g. \'llama*\').' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" api-key-env' -l 'api-key-env' -d 'With --openai: the environment variable holding the API key (sent as a bearer token, never shown or stored).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" bus' -l 'bus' -d 'The specialists the bridges on a Redis bus publish: redis://[user:password@]HOST:PORT/TEAM, rediss://… for TLS, redis+unix:///path/redis.sock?team=TEAM (teamchat bridge: where to publish).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" team' -l 'team' -d 'A team named in teams.json: its source, members, overrides, judge and budgets.' -rfka '(__teamchat_custom_completion ---completion bridge -- --team (count (__teamchat_tokens -pc)) (__teamchat_tokens -tC))'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" config' -l 'config' -d 'The named teams file (default: $XDG_CONFIG_HOME/teamchat/teams.json, else ~/.config/teamchat/teams.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" tekton' -l 'tekton' -d 'Use the Tekton preset of 18 specialists (honours TEKTON_AI_PORT_BASE and <NAME>_AI_PORT; the default when no source was used before).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" cache' -l 'cache' -d 'The cache file (default: $TEAMCHAT_CACHE, else $XDG_CACHE_HOME/teamchat/specialists.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" no-cache' -l 'no-cache' -d 'Neither read nor write the cache (so nothing is remembered between runs).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" ttl' -l 'ttl' -d 'How long a discovered roster stays fresh.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" max-reply' -l 'max-reply' -d 'The longest reply accepted.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" ca-file' -l 'ca-file' -d 'Trust this CA certificate (PEM) for https:// specialists, besides the system\'s (default: $SSL_CERT_FILE).' -rF
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" timeout' -l 'timeout' -d 'How long each specialist may take to reply, from its own send; a named team may set its own (default: 2s).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" connect-timeout' -l 'connect-timeout' -d 'How long a connection attempt may take.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" deadline' -l 'deadline' -d 'How long the whole round may take; a named team may set its own (default: timeout + connect timeout).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" max-rounds' -l 'max-rounds' -d 'Rounds answered at once at most; more wait their turn.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" log-level' -l 'log-level' -d 'trace, debug, info, notice, warning, error or critical.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bridge" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat collect" roster' -l 'roster' -d 'Read the team from a JSON roster file.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat collect" scan' -l 'scan' -d 'Probe HOST:LOW-HIGH in parallel for specialists.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat collect" openai' -l 'openai' -d 'Ask every model an OpenAI-compatible API lists (GET URL/models), e.g. http://127.0.0.1:11434/v1.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat collect" model' -l 'model' -d 'With --openai: only models whose name matches this glob (e.g. \'llama*\').' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat collect" api-key-env' -l 'api-key-env' -d 'With --openai: the environment variable holding the API key (sent as a bearer token, never shown or stored).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat collect" bus' -l 'bus' -d 'The specialists the bridges on a Redis bus publish: redis://[user:password@]HOST:PORT/TEAM, rediss://… for TLS, redis+unix:///path/redis.sock?team=TEAM (teamchat bridge: where to publish).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat collect" team' -l 'team' -d 'A team named in teams.json: its source, members, overrides, judge and budgets.' -rfka '(__teamchat_custom_completion ---completion collect -- --team (count (__teamchat_tokens -pc)) (__teamchat_tokens -tC))'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat collect" config' -l 'config' -d 'The named teams file (default: $XDG_CONFIG_HOME/teamchat/teams.json, else ~/.config/teamchat/teams.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat collect" tekton' -l 'tekton' -d 'Use the Tekton preset of 18 specialists (honours TEKTON_AI_PORT_BASE and <NAME>_AI_PORT; the default when no source was used before).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat collect" cache' -l 'cache' -d 'The cache file (default: $TEAMCHAT_CACHE, else $XDG_CACHE_HOME/teamchat/specialists.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat collect" no-cache' -l 'no-cache' -d 'Neither read nor write the cache (so nothing is remembered between runs).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat collect" ttl' -l 'ttl' -d 'How long a discovered roster stays fresh.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat collect" max-reply' -l 'max-reply' -d 'The longest reply accepted.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat collect" ca-file' -l 'ca-file' -d 'Trust this CA certificate (PEM) for https:// specialists, besides the system\'s (default: $SSL_CERT_FILE).' -rF
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat collect" wait' -l 'wait' -d 'Wait this long for the answers still missing.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat collect" json' -l 'json' -d 'Print NDJSON: a reply event per answer, then a summary with who is missing.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat collect" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat collect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" roster' -l 'roster' -d 'Read the team from a JSON roster file.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" scan' -l 'scan' -d 'Probe HOST:LOW-HIGH in parallel for specialists.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" openai' -l 'openai' -d 'Ask every model an OpenAI-compatible API lists (GET URL/models), e.g. http://127.0.0.1:11434/v1.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" model' -l 'model' -d 'With --openai: only models whose name matches this glob (e.g. \'llama*\').' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" api-key-env' -l 'api-key-env' -d 'With --openai: the environment variable holding the API key (sent as a bearer token, never shown or stored).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" bus' -l 'bus' -d 'The specialists the bridges on a Redis bus publish: redis://[user:password@]HOST:PORT/TEAM, rediss://… for TLS, redis+unix:///path/redis.sock?team=TEAM (teamchat bridge: where to publish).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" team' -l 'team' -d 'A team named in teams.json: its source, members, overrides, judge and budgets.' -rfka '(__teamchat_custom_completion ---completion bench -- --team (count (__teamchat_tokens -pc)) (__teamchat_tokens -tC))'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" config' -l 'config' -d 'The named teams file (default: $XDG_CONFIG_HOME/teamchat/teams.json, else ~/.config/teamchat/teams.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" tekton' -l 'tekton' -d 'Use the Tekton preset of 18 specialists (honours TEKTON_AI_PORT_BASE and <NAME>_AI_PORT; the default when no source was used before).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" cache' -l 'cache' -d 'The cache file (default: $TEAMCHAT_CACHE, else $XDG_CACHE_HOME/teamchat/specialists.json).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" no-cache' -l 'no-cache' -d 'Neither read nor write the cache (so nothing is remembered between runs).'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" ttl' -l 'ttl' -d 'How long a discovered roster stays fresh.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" max-reply' -l 'max-reply' -d 'The longest reply accepted.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" ca-file' -l 'ca-file' -d 'Trust this CA certificate (PEM) for https:// specialists, besides the system\'s (default: $SSL_CERT_FILE).' -rF
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" fleet' -l 'fleet' -d 'Benchmark N simulated specialists in this process instead of a team.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" gateway' -l 'gateway' -d 'Benchmark a running \'teamchat serve\' over HTTP (POST /api/team-chat; token from $TEAMCHAT_TOKEN), e.g. http://127.0.0.1:8003.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" latency' -l 'latency' -d 'Think time of the simulated specialists.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" jitter' -l 'jitter' -d 'Random spread (±) of the simulated think time.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" rounds' -l 'rounds' -d 'Measured rounds (default 200, unless --duration).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" duration' -l 'duration' -d 'Run for this long instead of a number of rounds.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" warmup' -l 'warmup' -d 'Rounds run first and left out of the results.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" concurrency' -l 'concurrency' -d 'Rounds in flight at once.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" rate' -l 'rate' -d 'Start this many rounds per second (open loop).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" message' -l 'message' -d 'The message each round sends.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" timeout' -l 'timeout' -d 'How long each specialist may take to reply, from its own send; a named team may set its own (default: 2s).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" connect-timeout' -l 'connect-timeout' -d 'How long a connection attempt may take.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" deadline' -l 'deadline' -d 'How long the whole round may take; a named team may set its own (default: timeout + connect timeout).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" quorum' -l 'quorum' -d 'Report the time to the k-th answer (default: all).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" mode' -l 'mode' -d 'pooled (warm connections), cold (new connections every round) or both.' -rfka 'pooled cold both'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" json' -l 'json' -d 'Print the report as one JSON document.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" csv' -l 'csv' -d 'Print one CSV row per request.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" save' -l 'save' -d 'Keep the raw results in this NDJSON file.' -rF
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" report' -l 'report' -d 'Re-report raw results saved with --save; nothing is run.' -rF
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" baseline' -l 'baseline' -d 'A --json report or --save file to compare against.' -rF
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench"' -l 'fail-if' -d 'Fail when a metric is worse than the baseline by more than a limit, e.g. \'p99>+10%\' (p50 p90 p99 p99.9 max throughput).' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat bench" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat fleet" count' -l 'count' -d 'How many specialists.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat fleet" protocol' -l 'protocol' -d 'tekton (newline-delimited JSON over TCP) or openai (OpenAI-compatible HTTP).' -rfka 'tekton openai'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat fleet" base-port' -l 'base-port' -d 'The first port; the others follow it. 0 picks free ports.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat fleet" host' -l 'host' -d 'The address to listen on.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat fleet" latency' -l 'latency' -d 'Time before each reply.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat fleet" jitter' -l 'jitter' -d 'Random spread (±) around the latency.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat fleet"' -l 'misbehave' -d 'Misbehaving specialists, as N:KIND or ID:KIND (N counts from 1), comma-separated.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat fleet" late-delay' -l 'late-delay' -d 'How late a \'late\' specialist answers its first chat.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat fleet" write-roster' -l 'write-roster' -d 'Also write the roster to this JSON file (for --roster).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat fleet" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat fleet" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat demo" latency' -l 'latency' -d 'Think time of the simulated specialists.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat demo" timeout' -l 'timeout' -d 'Reply timeout of the rounds.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat demo" rounds' -l 'rounds' -d 'Rounds per mode in the cold vs warm comparison.' -rfka ''
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat demo" version' -l 'version' -d 'Show the version.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat demo" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamchat' -n '__teamchat_should_offer_completions_for_flags_or_options "teamchat help" version' -l 'version' -d 'Show the version.'
