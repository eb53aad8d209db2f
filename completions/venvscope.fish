# fish completion for venvscope: the same sources as completions/venvscope.bash.
# Commands and each command's flags come from the binary's own --help, env
# paths from `venvscope list --paths`, record names from `venvscope deleted
# --names`; sort keys and built-in themes are listed here (the e2e suite
# checks them against the binary's).

function __venvscope_commands -a bin
    $bin --help 2>/dev/null | awk '
        /^commands:/ { on = 1; next }
        on && /^$/ { exit }
        on && /^  [a-z]/ { print $1 }'
end

# "--flag" or "--flag ARG" lines: option lines are indented and start with
# "-"; their names end at two spaces.
function __venvscope_options -a bin cmd
    begin
        if test -n "$cmd"
            $bin $cmd --help
            $bin --help | awk '/^options every command accepts:/ { on = 1; next }
                on && /^$/ { exit } on { print }'
        else
            $bin --help
        end
    end 2>/dev/null | awk '
        /^ +-/ {
            sub(/^ +/, ""); sub(/  .*/, ""); gsub(/\[=[^]]*\]/, "")
            n = split($0, w, /[ ,|]+/)
            for (i = 1; i <= n; i++)
                if (w[i] ~ /^--[a-z0-9][a-z0-9-]*$/)
                    print w[i] ((i < n && w[i + 1] ~ /^[A-Z]/) ? " ARG" : "")
        }' | sort -u
end

function __venvscope_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l bin $words[1]
    set -l prev $words[-1]
    set -l cmd
    set -l cmds (__venvscope_commands $bin)
    if test (count $words) -ge 2; and contains -- $words[2] $cmds
        set cmd $words[2]
    end
    set -l opts (__venvscope_options $bin "$cmd")
    switch $prev
        case --sort
            printf '%s\n' size name age used python path
            return
        case --theme
            printf '%s\n' default high-contrast light mono
            test -d "$VENVSCOPE_THEMES"; and ls $VENVSCOPE_THEMES
            string match -q '*/*' -- $cur; and __fish_complete_path $cur
            return
        case --python --output -o --config
            __fish_complete_path $cur
            return
        case --find-links
            __fish_complete_directories $cur
            return
    end
    for o in $opts
        if string match -q -- "$prev ARG" $o
            return # a value: a number, a glob, a text
        end
    end
    if string match -q -- '-*' $cur
        string replace -r ' ARG$' '' -- $opts
        return
    end
    if test (count $words) -eq 1
        printf '%s\n' $cmds
        string match -q '*/*' -- $cur; and __fish_complete_directories $cur
        return
    end
    switch "$cmd"
        case show freeze delete clear upgrade rebuild shell gitignore
            # Under the folder being typed, else here and the central
            # places; shown the way the word was typed.
            set -l root
            set -l typed
            set -l abs $PWD
            if string match -q '*/*' -- $cur
                set typed (string replace -r '[^/]*$' '' -- $cur)
                set root (string replace -r '^~/' "$HOME/" -- $typed)
                set abs (realpath -s -- $root 2>/dev/null); or return
                test "$abs" = /; and set abs ''
            end
            set -l found
            for p in ($bin list --paths --depth 3 $root 2>/dev/null)
                if string match -q -- "$abs/*" $p
                    set p "$typed"(string sub -s (math (string length -- "$abs") + 2) -- $p)
                end
                set -a found $p
            end
            if test (count $found) -gt 0
                printf '%s\n' $found
            else
                __fish_complete_directories $cur
            end
        case recreate
            $bin deleted --names 2>/dev/null
        case '*'
            __fish_complete_directories $cur
    end
end

complete -c venvscope -f -a '(__venvscope_complete)'
