#!/bin/sh
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Answers a real compile with every site option the agent SDK knows
# (switchyard-agent --list-options), one at a time, and compares each kind's
# number of options with the compiler's own. The SDK keeps a copy of the
# compiler's option names (hooks/*Hook.cpp legalAnswers()); this catches the
# two drifting apart in either direction.
#
#   answer-every-option.sh AGENT PLUGIN SOURCE WORKDIR
set -u
agent=$1 plugin=$2 source=$3 dir=$4
status=0

# Runs clang on SOURCE under the agent with the one rule "$1"; extra agent
# options follow. The remarks go to $dir/err, the decisions to $dir/log.
compile() {
  rule=$1
  shift
  printf '%s\n' "$rule" > "$dir/rules"
  "$agent" --socket "$dir/a.s" --policy "script:$dir/rules" --log "$dir/log" \
    --quiet "$@" -- clang -O2 -fpass-plugin="$plugin" -Rpass-missed=switchyard \
    -c "$source" -o "$dir/out.o" 2> "$dir/err"
}

"$agent" --list-options > "$dir/options" || exit 1
while read -r kind option params; do
  answer=$option
  for param in $params; do
    case $param in
    count) answer="$answer 2" ;;
    # Width 1 x interleave 1 is legal even where reordering is not.
    width | interleave) answer="$answer 1" ;;
    *)
      echo "$kind $option: no sample value for parameter '$param'"
      status=1
      continue 2
      ;;
    esac
  done
  if ! compile "$kind => $answer"; then
    echo "$kind => $answer: the compile failed:"
    cat "$dir/err"
    status=1
  elif grep -m 2 -E "illegal|answer refused" "$dir/err"; then
    echo "$kind => $answer: the compiler refused it"
    status=1
  elif ! grep -F "\"kind\":\"$kind\"" "$dir/log" |
      grep -q -F "\"answer\":\"$answer\"}"; then
    echo "$kind => $answer: never answered; was $kind asked at all?"
    status=1
  else
    echo "ok: $kind => $answer"
  fi
done < "$dir/options"

# The other direction: an option the compiler has and the SDK lacks. The
# compiler's refusal of an out-of-range answer says how many it has.
for kind in $(cut -d' ' -f1 "$dir/options" | uniq); do
  sdk=$(grep -c "^$kind " "$dir/options")
  compile "$kind => no-such-option" --unchecked-options
  compiler=$(sed -n "s/.*agent's $kind answer refused: option 4294967295 is not one of the \([0-9]*\) legal options.*/\1/p" "$dir/err" | sort -u)
  if [ "$compiler" != "$sdk" ]; then
    echo "$kind: the SDK knows $sdk options, the compiler offers '$compiler'"
    status=1
  else
    echo "ok: $kind has $sdk options"
  fi
done
exit $status
