# bash completion for venvscope                         -*- shell-script -*-
#
# The commands and each command's flags are read from the binary's own
# --help at completion time, so they are always the ones it accepts. Env
# paths come from `venvscope list --paths`, record names from `venvscope
# deleted --names`. Needs no bash-completion helpers.

# The commands: the "commands:" block of `venvscope --help`.
_venvscope_commands()
{
	"$1" --help 2>/dev/null | awk '
		/^commands:/ { on = 1; next }
		on && /^$/ { exit }
		on && /^  [a-z]/ { print $1 }'
}

# Each option of `venvscope [CMD] --help` and of the "options every command
# accepts" block, one a line: "--flag" or "--flag ARG" when it takes a value.
# An option line is indented and starts with "-"; its names end at the first
# run of two spaces (the description).
_venvscope_options()
{
	local bin=$1 cmd=$2
	{
		if [[ -n $cmd ]]; then
			"$bin" "$cmd" --help
			"$bin" --help | awk '/^options every command accepts:/ { on = 1; next }
				on && /^$/ { exit } on { print }'
		else
			"$bin" --help
		fi
	} 2>/dev/null | awk '
		/^ +-/ {
			sub(/^ +/, ""); sub(/  .*/, ""); gsub(/\[=[^]]*\]/, "")
			n = split($0, w, /[ ,|]+/)
			for (i = 1; i <= n; i++)
				if (w[i] ~ /^--[a-z0-9][a-z0-9-]*$/)
					print w[i] ((i < n && w[i + 1] ~ /^[A-Z]/) ? " ARG" : "")
		}' | sort -u
}

# The sort keys and built-in themes (tests/e2e/tests_install.py checks them
# against the binary's own lists), plus the theme files in $VENVSCOPE_THEMES.
_venvscope_sorts="size name age used python path"
_venvscope_themes="default high-contrast light mono"

# Env paths under the folder of the word being typed (else the current
# folder and the central places), shown the way the word was typed.
_venvscope_envs()
{
	local bin=$1 cur=$2 typed="" abs=$PWD root word
	local -a roots=()
	if [[ $cur == */* ]]; then
		typed=${cur%/*}/
		root=$typed
		[[ $root == "~/"* ]] && root=$HOME/${root#"~/"}
		abs=$(cd "$root" 2>/dev/null && pwd) || return
		[[ $abs == / ]] && abs=""
		roots=("$root")
	fi
	while IFS= read -r word; do
		[[ $word == "$abs/"* ]] && word=$typed${word#"$abs/"}
		[[ $word == "$cur"* ]] || continue
		if [[ $word == "~/"* ]]; then
			printf -v word '~/%q' "${word#"~/"}"
		else
			printf -v word '%q' "$word"
		fi
		COMPREPLY+=("$word")
	done < <("$bin" list --paths --depth 3 "${roots[@]}" 2>/dev/null)
}

_venvscope()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local bin=${COMP_WORDS[0]} cmd="" line word
	local -a opts=() valued=()
	COMPREPLY=()
	[[ $bin == "~/"* ]] && bin=$HOME/${bin#"~/"}

	if ((COMP_CWORD > 1)) && _venvscope_commands "$bin" | grep -qx -- "${COMP_WORDS[1]}"; then
		cmd=${COMP_WORDS[1]}
	fi
	while IFS= read -r line; do
		opts+=("${line%% *}")
		[[ $line == *" ARG" ]] && valued+=("${line%% *}")
	done < <(_venvscope_options "$bin" "$cmd")

	case $prev in
	--sort)
		mapfile -t COMPREPLY < <(compgen -W "$_venvscope_sorts" -- "$cur")
		return
		;;
	--theme)
		local files=""
		[[ -d $VENVSCOPE_THEMES ]] && files=$(cd "$VENVSCOPE_THEMES" && ls)
		mapfile -t COMPREPLY < <(compgen -W "$_venvscope_themes $files" -- "$cur")
		[[ $cur == */* ]] && { compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur"); }
		return
		;;
	--python | --output | -o | --config)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
		;;
	--find-links)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return
		;;
	esac
	for word in "${valued[@]}"; do
		[[ $prev == "$word" ]] && return # a value: a number, a glob, a text
	done

	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "${opts[*]}" -- "$cur")
		return
	fi
	if ((COMP_CWORD == 1)); then
		mapfile -t COMPREPLY < <(compgen -W "$(_venvscope_commands "$bin")" -- "$cur")
		[[ $cur == */* ]] && { compopt -o filenames 2>/dev/null; COMPREPLY+=($(compgen -d -- "$cur")); }
		return
	fi
	case $cmd in
	show | freeze | delete | clear | upgrade | rebuild | shell | gitignore)
		_venvscope_envs "$bin" "$cur"
		if ((${#COMPREPLY[@]} == 0)); then
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		fi
		;;
	recreate)
		while IFS= read -r word; do
			[[ $word == "$cur"* ]] && printf -v word '%q' "$word" && COMPREPLY+=("$word")
		done < <("$bin" deleted --names 2>/dev/null)
		;;
	*)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		;;
	esac
}

complete -F _venvscope venvscope
