# bash completion for threadsim (installed as
# PREFIX/share/bash-completion/completions/threadsim).
# Everything comes from the binary itself: the subcommands from
# `threadsim help --commands`, a command's options from its help text
# (`threadsim help --options CMD`), scenario names from `threadsim list`,
# run ids from `threadsim runs` (of the database given with --db, if any).

_threadsim_db_args() {
    local i
    for ((i = 2; i < ${#COMP_WORDS[@]} - 1; i++)); do
        if [[ ${COMP_WORDS[i]} == --db ]]; then
            printf '%s\n' --db "${COMP_WORDS[i + 1]}"
            return
        fi
    done
}

_threadsim() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local ts=${COMP_WORDS[0]}
    COMPREPLY=()
    if ((COMP_CWORD == 1)); then
        COMPREPLY=($(compgen -W "$("$ts" help --commands 2>/dev/null) --help --version" -- "$cur"))
        return
    fi
    local cmd=${COMP_WORDS[1]}
    case $prev in
        --db|--junit|--status-json|-o|--output|--out|--html|--baseline)
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$("$ts" help --options "$cmd" 2>/dev/null)" -- "$cur"))
        return
    fi
    local words=
    case $cmd in
        help)
            words=$("$ts" help --commands 2>/dev/null) ;;
        run|check|explore|step)
            words=$("$ts" list 2>/dev/null | awk '{ print $1 }')
            [[ $cmd == check ]] && words+=" $(printf '%s\n' $words | sed -n 's,/.*,,p' | sort -u)"
            COMPREPLY=($(compgen -f -X '!*.py' -- "$cur"; compgen -d -- "$cur")) ;;
        show|replay|export|diff)
            local -a db
            mapfile -t db < <(_threadsim_db_args)
            words="last $("$ts" runs "${db[@]}" --limit 200 2>/dev/null | awk 'NR > 1 && $1 ~ /^[0-9]+$/ { print $1 }')"
            [[ $cmd == diff ]] && COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
    COMPREPLY+=($(compgen -W "$words" -- "$cur"))
}
complete -o filenames -F _threadsim threadsim
