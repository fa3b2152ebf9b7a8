# bash completion for vcbench: sub-commands, their options, and environment
# and workload names - all asked of vcbench itself (its --help and `vcbench
# list`), so the completion never lists what the binary does not take.
_vcbench()
{
    local cur prev words cword
    _init_completion 2>/dev/null || {
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    }
    local vcb=${words[0]}
    if [ "$cword" -eq 1 ]; then
        local cmds
        cmds=$("$vcb" --help 2>/dev/null | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } /^$/ && on { on = 0 }')
        COMPREPLY=($(compgen -W "$cmds --help --version" -- "$cur"))
        return
    fi
    local cmd=${words[1]}
    # Names from `vcbench list`: "  name   summary" under each heading.
    _vcbench_names() {
        "$vcb" list 2>/dev/null | awk -v h="$1:" '$0 == h { on = 1; next } /^[a-z]/ { on = 0 } on && /^  [a-z]/ { print $1 }'
    }
    # A comma list: complete its last item.
    _vcbench_list() {
        local pre=""
        [[ $cur == *,* ]] && pre=${cur%,*},
        COMPREPLY=($(compgen -P "$pre" -W "$1" -- "${cur##*,}"))
        compopt -o nospace 2>/dev/null
    }
    case $prev in
    --envs) _vcbench_list "$(_vcbench_names environments)"; return ;;
    --workloads) _vcbench_list "$(_vcbench_names workloads)"; return ;;
    --victims) _vcbench_list "cpu mem disk startup"; return ;;
    --neighbour) _vcbench_list "spin llc bw alloc io fork"; return ;;
    --profile) COMPREPLY=($(compgen -W "quick full ci" -- "$cur")); return ;;
    --accel) COMPREPLY=($(compgen -W "auto kvm tcg" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "text json junit" -- "$cur")); return ;;
    --out | --state-dir | --kernel-dir | --plot) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --disk-file | --wl | --export-json | --rules | --output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    if [[ $cur == -* ]]; then
        local opts
        opts=$("$vcb" "$cmd" --help 2>/dev/null | grep -o -- '^  --[a-z0-9-]*' | tr -d ' ')
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    case $cmd in
    check | summary | plot | report | compare | history) COMPREPLY=($(compgen -d -- "$cur")) ;;
    esac
}
complete -F _vcbench vcbench
