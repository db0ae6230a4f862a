#!/bin/bash

__teamchat_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__teamchat_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__teamchat_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__teamchat_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_teamchat() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __teamchat_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    send|discover|warm|stats|log|teams|doctor|completion|serve|bridge|collect|bench|fleet|demo|help)
        # Offer subcommand argument completions
        "_teamchat_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'send discover warm stats log teams doctor completion serve bridge collect bench fleet demo help' -- "${cur}"))
        ;;
    esac
}

_teamchat_send() {
    repeating_flags=()
    non_repeating_flags=(--tekton --no-cache -q --quiet -v --verbose --stream --json --no-breaker --interactive --async --council --dry-run --direct --no-log -c --continue --roundtable --version -h --help)
    repeating_options=(--file --to --exclude --judge -o --option --share)
    non_repeating_options=(--roster --scan --openai --model --api-key-env --bus --team --config --cache --ttl --max-reply --ca-file --color --timeout --connect-timeout --deadline --quorum --retries --judge-prompt --judge-timeout --system --temperature --log --conversation)
    __teamchat_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--file')
        __teamchat_add_completions -f
        return
        ;;
    '--roster')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--scan')
        return
        ;;
    '--openai')
        return
        ;;
    '--model')
        return
        ;;
    '--api-key-env')
        return
        ;;
    '--bus')
        return
        ;;
    '--team')
        __teamchat_add_completions -W "$(__teamchat_custom_complete ---completion send -- --team "${COMP_CWORD}" "$(__teamchat_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--cache')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--ttl')
        return
        ;;
    '--max-reply')
        return
        ;;
    '--ca-file')
        __teamchat_add_completions -f
        return
        ;;
    '--color')
        __teamchat_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    '--to')
        __teamchat_add_completions -W "$(__teamchat_custom_complete ---completion send -- --to "${COMP_CWORD}" "$(__teamchat_cursor_index_in_current_word)")"
        return
        ;;
    '--exclude')
        __teamchat_add_completions -W "$(__teamchat_custom_complete ---completion send -- --exclude "${COMP_CWORD}" "$(__teamchat_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--deadline')
        return
        ;;
    '--quorum')
        return
        ;;
    '--retries')
        return
        ;;
    '--judge')
        __teamchat_add_completions -W "$(__teamchat_custom_complete ---completion send -- --judge "${COMP_CWORD}" "$(__teamchat_cursor_index_in_current_word)")"
        return
        ;;
    '--judge-prompt')
        __teamchat_add_completions -f
        return
        ;;
    '--judge-timeout')
        return
        ;;
    '--system')
        return
        ;;
    '--temperature')
        return
        ;;
    '-o'|'--option')
        return
        ;;
    '--log')
        return
        ;;
    '--conversation')
        return
        ;;
    '--share')
        __teamchat_add_completions -W "$(__teamchat_custom_complete ---completion send -- --share "${COMP_CWORD}" "$(__teamchat_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_teamchat_discover() {
    repeating_flags=()
    non_repeating_flags=(--tekton --no-cache -q --quiet -v --verbose --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--roster --scan --openai --model --api-key-env --bus --team --config --cache --ttl --max-reply --ca-file --color --timeout --connect-timeout --deadline)
    __teamchat_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--roster')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--scan')
        return
        ;;
    '--openai')
        return
        ;;
    '--model')
        return
        ;;
    '--api-key-env')
        return
        ;;
    '--bus')
        return
        ;;
    '--team')
        __teamchat_add_completions -W "$(__teamchat_custom_complete ---completion discover -- --team "${COMP_CWORD}" "$(__teamchat_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--cache')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--ttl')
        return
        ;;
    '--max-reply')
        return
        ;;
    '--ca-file')
        __teamchat_add_completions -f
        return
        ;;
    '--color')
        __teamchat_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--deadline')
        return
        ;;
    esac
}

_teamchat_warm() {
    repeating_flags=()
    non_repeating_flags=(--tekton --no-cache -q --quiet -v --verbose --json --direct --version -h --help)
    repeating_options=()
    non_repeating_options=(--roster --scan --openai --model --api-key-env --bus --team --config --cache --ttl --max-reply --ca-file --color --timeout --connect-timeout --deadline --connections)
    __teamchat_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--roster')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--scan')
        return
        ;;
    '--openai')
        return
        ;;
    '--model')
        return
        ;;
    '--api-key-env')
        return
        ;;
    '--bus')
        return
        ;;
    '--team')
        __teamchat_add_completions -W "$(__teamchat_custom_complete ---completion warm -- --team "${COMP_CWORD}" "$(__teamchat_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--cache')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--ttl')
        return
        ;;
    '--max-reply')
        return
        ;;
    '--ca-file')
        __teamchat_add_completions -f
        return
        ;;
    '--color')
        __teamchat_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--deadline')
        return
        ;;
    '--connections')
        return
        ;;
    esac
}

_teamchat_stats() {
    repeating_flags=()
    non_repeating_flags=(--tekton --no-cache -q --quiet -v --verbose --json --reset --direct --no-log --version -h --help)
    repeating_options=()
    non_repeating_options=(--roster --scan --openai --model --api-key-env --bus --team --config --cache --ttl --max-reply --ca-file --color --log)
    __teamchat_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--roster')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--scan')
        return
        ;;
    '--openai')
        return
        ;;
    '--model')
        return
        ;;
    '--api-key-env')
        return
        ;;
    '--bus')
        return
        ;;
    '--team')
        __teamchat_add_completions -W "$(__teamchat_custom_complete ---completion stats -- --team "${COMP_CWORD}" "$(__teamchat_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--cache')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--ttl')
        return
        ;;
    '--max-reply')
        return
        ;;
    '--ca-file')
        __teamchat_add_completions -f
        return
        ;;
    '--color')
        __teamchat_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    '--log')
        return
        ;;
    esac
}

_teamchat_log() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __teamchat_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    recent|show|search|export|prune)
        # Offer subcommand argument completions
        "_teamchat_log_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'recent show search export prune' -- "${cur}"))
        ;;
    esac
}

_teamchat_log_recent() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--log --limit --since --conversation)
    __teamchat_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--log')
        return
        ;;
    '--limit')
        return
        ;;
    '--since')
        return
        ;;
    '--conversation')
        return
        ;;
    esac
}

_teamchat_log_show() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--log)
    __teamchat_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--log')
        return
        ;;
    esac
}

_teamchat_log_search() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--log --limit)
    __teamchat_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--log')
        return
        ;;
    '--limit')
        return
        ;;
    esac
}

_teamchat_log_export() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--log --format --since --conversation)
    __teamchat_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--log')
        return
        ;;
    '--format')
        __teamchat_add_completions -W 'jsonl'$'\n''csv'$'\n''md'
        return
        ;;
    '--since')
        return
        ;;
    '--conversation')
        return
        ;;
    esac
}

_teamchat_log_prune() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--log --older-than)
    __teamchat_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--log')
        return
        ;;
    '--older-than')
        return
        ;;
    esac
}

_teamchat_teams() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __teamchat_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|show)
        # Offer subcommand argument completions
        "_teamchat_teams_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list show' -- "${cur}"))
        ;;
    esac
}

_teamchat_teams_list() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config)
    __teamchat_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    esac
}

_teamchat_teams_show() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config)
    __teamchat_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __teamchat_add_completions -W "$(__teamchat_custom_complete ---completion teams show -- positional@0 "${COMP_CWORD}" "$(__teamchat_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_teamchat_doctor() {
    repeating_flags=()
    non_repeating_flags=(--tekton --no-cache -q --quiet -v --verbose --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--roster --scan --openai --model --api-key-env --bus --team --config --cache --ttl --max-reply --ca-file --color)
    __teamchat_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--roster')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--scan')
        return
        ;;
    '--openai')
        return
        ;;
    '--model')
        return
        ;;
    '--api-key-env')
        return
        ;;
    '--bus')
        return
        ;;
    '--team')
        __teamchat_add_completions -W "$(__teamchat_custom_complete ---completion doctor -- --team "${COMP_CWORD}" "$(__teamchat_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--cache')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--ttl')
        return
        ;;
    '--max-reply')
        return
        ;;
    '--ca-file')
        __teamchat_add_completions -f
        return
        ;;
    '--color')
        __teamchat_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    esac
}

_teamchat_completion() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __teamchat_offer_flags_options 1

    # Offer positional completions
    case "${positional_number}" in
    1)
        __teamchat_add_completions -W 'bash'$'\n''zsh'$'\n''fish'
        return
        ;;
    esac
}

_teamchat_serve() {
    repeating_flags=()
    non_repeating_flags=(--tekton --no-cache --no-control-socket --no-log --version -h --help)
    repeating_options=(--allow-host --allow-origin)
    non_repeating_options=(--roster --scan --openai --model --api-key-env --bus --team --config --cache --ttl --max-reply --ca-file --timeout --connect-timeout --deadline --listen --control-socket --token --max-connections --max-rounds --request-timeout --idle-timeout --write-timeout --persist-interval --connections --log-level --log)
    __teamchat_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--roster')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--scan')
        return
        ;;
    '--openai')
        return
        ;;
    '--model')
        return
        ;;
    '--api-key-env')
        return
        ;;
    '--bus')
        return
        ;;
    '--team')
        __teamchat_add_completions -W "$(__teamchat_custom_complete ---completion serve -- --team "${COMP_CWORD}" "$(__teamchat_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--cache')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--ttl')
        return
        ;;
    '--max-reply')
        return
        ;;
    '--ca-file')
        __teamchat_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--deadline')
        return
        ;;
    '--listen')
        return
        ;;
    '--control-socket')
        return
        ;;
    '--token')
        return
        ;;
    '--max-connections')
        return
        ;;
    '--max-rounds')
        return
        ;;
    '--request-timeout')
        return
        ;;
    '--idle-timeout')
        return
        ;;
    '--write-timeout')
        return
        ;;
    '--allow-host')
        return
        ;;
    '--allow-origin')
        return
        ;;
    '--persist-interval')
        return
        ;;
    '--connections')
        return
        ;;
    '--log-level')
        return
        ;;
    '--log')
        return
        ;;
    esac
}

_teamchat_bridge() {
    repeating_flags=()
    non_repeating_flags=(--tekton --no-cache --version -h --help)
    repeating_options=()
    non_repeating_options=(--roster --scan --openai --model --api-key-env --bus --team --config --cache --ttl --max-reply --ca-file --timeout --connect-timeout --deadline --max-rounds --log-level)
    __teamchat_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--roster')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--scan')
        return
        ;;
    '--openai')
        return
        ;;
    '--model')
        return
        ;;
    '--api-key-env')
        return
        ;;
    '--bus')
        return
        ;;
    '--team')
        __teamchat_add_completions -W "$(__teamchat_custom_complete ---completion bridge -- --team "${COMP_CWORD}" "$(__teamchat_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--cache')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--ttl')
        return
        ;;
    '--max-reply')
        return
        ;;
    '--ca-file')
        __teamchat_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--deadline')
        return
        ;;
    '--max-rounds')
        return
        ;;
    '--log-level')
        return
        ;;
    esac
}

_teamchat_collect() {
    repeating_flags=()
    non_repeating_flags=(--tekton --no-cache --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--roster --scan --openai --model --api-key-env --bus --team --config --cache --ttl --max-reply --ca-file --wait)
    __teamchat_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--roster')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--scan')
        return
        ;;
    '--openai')
        return
        ;;
    '--model')
        return
        ;;
    '--api-key-env')
        return
        ;;
    '--bus')
        return
        ;;
    '--team')
        __teamchat_add_completions -W "$(__teamchat_custom_complete ---completion collect -- --team "${COMP_CWORD}" "$(__teamchat_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--cache')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--ttl')
        return
        ;;
    '--max-reply')
        return
        ;;
    '--ca-file')
        __teamchat_add_completions -f
        return
        ;;
    '--wait')
        return
        ;;
    esac
}

_teamchat_bench() {
    repeating_flags=()
    non_repeating_flags=(--tekton --no-cache --json --csv --version -h --help)
    repeating_options=(--fail-if)
    non_repeating_options=(--roster --scan --openai --model --api-key-env --bus --team --config --cache --ttl --max-reply --ca-file --fleet --gateway --latency --jitter --rounds --duration --warmup --concurrency --rate --message --timeout --connect-timeout --deadline --quorum --mode --save --report --baseline)
    __teamchat_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--roster')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--scan')
        return
        ;;
    '--openai')
        return
        ;;
    '--model')
        return
        ;;
    '--api-key-env')
        return
        ;;
    '--bus')
        return
        ;;
    '--team')
        __teamchat_add_completions -W "$(__teamchat_custom_complete ---completion bench -- --team "${COMP_CWORD}" "$(__teamchat_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--cache')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--ttl')
        return
        ;;
    '--max-reply')
        return
        ;;
    '--ca-file')
        __teamchat_add_completions -f
        return
        ;;
    '--fleet')
        return
        ;;
    '--gateway')
        return
        ;;
    '--latency')
        return
        ;;
    '--jitter')
        return
        ;;
    '--rounds')
        return
        ;;
    '--duration')
        return
        ;;
    '--warmup')
        return
        ;;
    '--concurrency')
        return
        ;;
    '--rate')
        return
        ;;
    '--message')
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--deadline')
        return
        ;;
    '--quorum')
        return
        ;;
    '--mode')
        __teamchat_add_completions -W 'pooled'$'\n''cold'$'\n''both'
        return
        ;;
    '--save')
        __teamchat_add_completions -f
        return
        ;;
    '--report')
        __teamchat_add_completions -f
        return
        ;;
    '--baseline')
        __teamchat_add_completions -f
        return
        ;;
    '--fail-if')
        return
        ;;
    esac
}

_teamchat_fleet() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--misbehave)
    non_repeating_options=(--count --protocol --base-port --host --latency --jitter --late-delay --write-roster)
    __teamchat_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--count')
        return
        ;;
    '--protocol')
        __teamchat_add_completions -W 'tekton'$'\n''openai'
        return
        ;;
    '--base-port')
        return
        ;;
    '--host')
        return
        ;;
    '--latency')
        return
        ;;
    '--jitter')
        return
        ;;
    '--misbehave')
        return
        ;;
    '--late-delay')
        return
        ;;
    '--write-roster')
        __teamchat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    esac
}

_teamchat_demo() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--latency --timeout --rounds)
    __teamchat_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--latency')
        return
        ;;
    '--timeout')
        return
        ;;
    '--rounds')
        return
        ;;
    esac
}

_teamchat_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __teamchat_offer_flags_options -1
}

complete -o filenames -F _teamchat teamchat
