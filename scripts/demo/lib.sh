# Shared by the demo scripts: run the real CLI, check what it decides, count, summarize.
# Everything happens under .rollgate-demo/<name>/ in the repository, with fixed instants,
# so the output is the same on every run.
set -u
DEMO_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$DEMO_HERE/../.." && pwd)
TOTAL=0
PASSED=0
FAILED=0

rg() { node "$REPO/bin/rollgate.js" "$@"; }

# demo_init NAME: a clean scratch folder
demo_init() {
  DEMO=$1
  cd "$REPO" || exit 70
  SCRATCH=.rollgate-demo/$DEMO
  rm -rf "$SCRATCH"
  mkdir -p "$SCRATCH"
  echo "[demo:$DEMO] scratch folder: $SCRATCH"
}

# world ROOT SURFACE FIXTURE: a root with one surface copied from a fixture, and the demo traffic router
world() {
  mkdir -p "$1/.tau/$2" "$1/scripts/demo"
  cp "$REPO/fixtures/$3"/* "$1/.tau/$2/"
  cp "$REPO/scripts/demo/set-weight.sh" "$1/scripts/demo/"
}

# cycle ROOT SURFACE ISO [codes] [health]: the runtime writes one cycle
cycle() { node "$DEMO_HERE/tau-cycle.mjs" "$1/.tau/$2" "$3" "${4:-}" "${5:-}"; }

check() {
  TOTAL=$((TOTAL + 1))
  if [ "$1" = ok ]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); fi
}

# expect_check SPEC ROOT ISO DECISION EXIT: one `rollgate evaluate`, checked
expect_check() {
  local out code decision line
  out=$(rg evaluate "$1" --root "$2" --now "$3" --format json)
  code=$?
  decision=$(printf '%s' "$out" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const r=JSON.parse(s);console.log(`${r.decision} ${r.phase.name} (${r.phase.traffic}%): ${r.reasons[0]??""}`)}catch{console.log("no record")}})')
  line="[demo:$DEMO] $3 exit $code $decision"
  if [ "$code" = "$5" ] && [ "${decision%% *}" = "$4" ]; then
    check ok
    echo "$line"
  else
    check fail
    echo "$line   <-- FAILED: expected $4 (exit $5)"
  fi
}

# run_steps SPEC ROOT SURFACE CODES DAY "HH:MM decision exit"...: at each instant, a cycle and a check
run_steps() {
  local spec=$1 root=$2 surface=$3 codes=$4 day=$5 step
  shift 5
  for step in "$@"; do
    set -- $step
    cycle "$root" "$surface" "${day}T$1:00Z" "$codes"
    expect_check "$spec" "$root" "${day}T$1:00Z" "$2" "$3"
  done
}

# expect_cmd LABEL EXPECTED-EXIT PATTERN -- command...: a command's exit code and output
expect_cmd() {
  local label=$1 want=$2 pattern=$3 out code
  shift 4
  out=$("$@" 2>&1)
  code=$?
  if [ "$code" = "$want" ] && printf '%s' "$out" | grep -Eq -- "$pattern"; then
    check ok
    echo "[demo:$DEMO] $label: ok"
  else
    check fail
    echo "[demo:$DEMO] $label: FAILED (exit $code, want $want and /$pattern/)"
    printf '%s\n' "$out" | sed 's/^/    /'
  fi
}

summary() {
  echo "[demo:$DEMO] summary: total=$TOTAL passed=$PASSED failed=$FAILED"
  [ "$FAILED" -eq 0 ]
}
