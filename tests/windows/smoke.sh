#!/usr/bin/env bash
# Smoke test of the Windows build: runs the release outturn.exe under wine through a month's
# commands and compares every output with the Linux binary's on the same steps (issue 28). The Linux
# side is the debug build `cargo test` has just made (the same code; it saves CI a release build).
#
# Each step runs twice, with the same arguments and relative paths: the Linux binary in one
# folder, the .exe under wine in another. Standard output, standard error and the exit status
# must be the same, byte for byte: both print LF line ends and the paths are the same relative
# ones, so nothing is normalised. So must the report CSV. The committee pack must be the same
# but for the one thing that must differ: the zip library records the system that made the file
# (3 Unix, 0 Windows) in each entry's "version made by". A backup carries the real time of each
# audit event, so two backups are never byte-identical: what each holds is compared instead.
# Then what only Windows does is checked on the Windows side alone: the audit's who is the login,
# no \\?\ path prefix, reserved device names, a file held open as Excel holds it (by
# hold_open.c, built with mingw-w64), and left-over partial files removed (docs/windows.md).
#
# Needs wine (wine64) and mingw-w64 (apt-get install mingw-w64 wine wine64). Under CI (CI=true)
# a missing tool fails the test; elsewhere the test says loudly that it skipped, and passes.
# Builds both binaries first (nothing to do when they are up to date). Set
# OUTTURN_SMOKE_KEEP=1 to keep the folders and outputs of both sides for a look afterwards.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}
case $target_dir in /*) ;; *) target_dir=$root/$target_dir ;; esac
linux=$target_dir/debug/outturn
exe=$target_dir/x86_64-pc-windows-gnu/release/outturn.exe

unavailable() {
  if [ "${CI:-}" = true ]; then
    echo "windows smoke test: FAILED: $1" >&2
    exit 1
  fi
  echo "windows smoke test: SKIPPED: $1 (under CI=true this fails)" >&2
  exit 0
}
for tool in wine wineboot wineserver x86_64-w64-mingw32-gcc; do
  command -v "$tool" >/dev/null 2>&1 \
    || unavailable "$tool not found: apt-get install mingw-w64 wine wine64"
done
if command -v rustup >/dev/null 2>&1 \
  && ! rustup target list --installed 2>/dev/null | grep -x x86_64-pc-windows-gnu >/dev/null; then
  unavailable "the Rust target x86_64-pc-windows-gnu is not installed: rustup target add x86_64-pc-windows-gnu"
fi

(cd "$root" && cargo build --quiet && cargo build --release --quiet --target x86_64-pc-windows-gnu)

work=$(mktemp -d "${TMPDIR:-/tmp}/outturn-windows-smoke.XXXXXX")
export WINEPREFIX=$work/wineprefix
cleanup() {
  wineserver -k >/dev/null 2>&1 || true
  if [ -n "${OUTTURN_SMOKE_KEEP:-}" ]; then
    echo "windows smoke test: kept $work (OUTTURN_SMOKE_KEEP)"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
# No wine messages on the outputs compared; no window, no prompt to install Mono or Gecko.
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
# The same day, and nothing from the environment, for both.
export OUTTURN_TODAY=2026-12-05 NO_COLOR=1
unset OUTTURN_DB OUTTURN_USER

mkdir -p "$work/bin" "$work/linux" "$work/windows" "$work/out"
cp "$exe" "$work/bin/outturn.exe"
# The test-only stand-in for the bcryptprimitives.dll that wine 8 lacks (see the C file): beside
# the .exe in this temporary folder only, never in the build output. Real Windows has its own.
x86_64-w64-mingw32-gcc -shared -O2 -Wall -Wextra -Werror -o "$work/bin/bcryptprimitives.dll" \
  "$root/tests/windows/bcryptprimitives.c" -ladvapi32

start=$SECONDS
echo "windows smoke test: creating a wine prefix (the first time on a machine can take a minute)"
wineboot -i >/dev/null 2>&1
wineserver -w
echo "windows smoke test: wine prefix ready in $((SECONDS - start)) s"

failures=0
fail() {
  echo "  FAIL: $1" >&2
  failures=$((failures + 1))
}

# run SIDE NAME ARGS...: runs outturn on one side, in its folder, keeping out/NAME.SIDE.{out,err,rc}.
run() {
  local side=$1 name=$2
  shift 2
  local o=$work/out/$name.$side rc=0
  if [ "$side" = linux ]; then
    (cd "$work/linux" && "$linux" "$@") >"$o.out" 2>"$o.err" || rc=$?
  else
    (cd "$work/windows" && wine "$work/bin/outturn.exe" "$@") >"$o.out" 2>"$o.err" || rc=$?
  fi
  echo "$rc" >"$o.rc"
}

# step NAME ARGS...: runs both and compares standard output, standard error and exit status.
step() {
  local name=$1
  shift
  echo "windows smoke test: $name: outturn $*"
  run linux "$name" "$@"
  run windows "$name" "$@"
  local o=$work/out/$name
  for part in rc out err; do
    if ! cmp -s "$o.linux.$part" "$o.windows.$part"; then
      fail "$name: the $part differs (linux, then windows):"
      diff "$o.linux.$part" "$o.windows.$part" >&2 || true
    fi
  done
  if [ "$(cat "$o.linux.rc")" != 0 ] && [ "$name" != bad-amount ]; then
    fail "$name: exit status $(cat "$o.linux.rc") on Linux: $(cat "$o.linux.err")"
  fi
}

# same_file FILE [FILTER]: the file each side wrote is byte for byte the same (after FILTER).
same_file() {
  local filter=${2:-cat}
  if [ ! -s "$work/linux/$1" ] || [ ! -s "$work/windows/$1" ]; then
    fail "$1 is missing or empty on one side"
  elif ! cmp <($filter <"$work/linux/$1") <($filter <"$work/windows/$1") >&2; then
    fail "$1 differs between Linux and Windows"
  fi
}

# The zip central directory's "version made by" (PK 01 02, the zip version, the system) with the
# system set to 0 (MS-DOS/Windows): the one byte where a zip written on Linux must differ.
zip_made_by_dos() {
  perl -0777 -pe 's/PK\x01\x02(.)\x03/PK\x01\x02${1}\x00/gs'
}

steps_start=$SECONDS
step init init --demo --db demo.db
step summary summary --db demo.db
step report report --fy 2017-18 --period 12 --csv report.csv --db demo.db
same_file report.csv

# A ledger extract as Excel on Windows saves it: Windows-1252 (é, £, – as one byte each), CRLF.
for side in linux windows; do
  printf 'Date,Phase,Supplier,Description,Reference,Amount\r\n%s\r\n%s\r\n' \
    $'26/08/2017,ICT,Caf\xe9 Digital Ltd,Refund \xa312.50 \x96 lunch,INV-W1,\xa312.50' \
    $'27/08/2017,PH2,Microsoft Ltd,Licences,INV-W2,"\xa31,000.00"' >"$work/$side/ledger.csv"
done
step import import actuals ledger.csv --db demo.db
step imported actual list --format csv --db demo.db
grep -q 'Café Digital Ltd,Refund £12.50 – lunch,INV-W1,12.50' "$work/out/imported.windows.out" \
  || fail "the Windows-1252 row was not imported as written"

step pack pack --fy 2017-18 --period 12 --xlsx pack.xlsx --db demo.db
same_file pack.xlsx zip_made_by_dos
step backup backup backup.db --db demo.db
step backup-check check --db backup.db
step backup-summary summary --db backup.db
step summary-at-backup summary --db demo.db

# Restore over an existing database, changed since the backup: the change must go.
step change actual add --date 2018-03-01 --phase PH2 --amount 7.77 --db demo.db
step restore restore backup.db --force --db demo.db
step summary-after-restore summary --db demo.db
for side in linux windows; do
  cmp -s "$work/out/summary-at-backup.$side.out" "$work/out/summary-after-restore.$side.out" \
    || fail "$side: the summary after the restore is not the one at the backup"
done
step check check --db demo.db

# A bad amount: exit status 2, one line on standard error, nothing on standard output.
step bad-amount actual add --date 2018-03-01 --phase PH2 --amount 12.345 --db demo.db
for side in linux windows; do
  o=$work/out/bad-amount.$side
  [ "$(cat "$o.rc")" = 2 ] || fail "$side: bad amount: exit status $(cat "$o.rc"), not 2"
  [ "$(wc -l <"$o.err")" = 1 ] || fail "$side: bad amount: not one line on standard error"
  [ ! -s "$o.out" ] || fail "$side: bad amount: something on standard output"
done

# What only Windows does (issue 28, items 3 to 7), checked on the Windows side alone.
echo "windows smoke test: Windows' own behaviour"
wout() { cat "$work/out/$1.windows.$2"; }
# refused_on_windows NAME TEXT ARGS...: exit status 2 and one line on standard error holding TEXT.
refused_on_windows() {
  local name=$1 text=$2
  shift 2
  run windows "$name" "$@"
  [ "$(wout "$name" rc)" = 2 ] || fail "$name: exit status $(wout "$name" rc), not 2: $(wout "$name" err)"
  [ "$(wout "$name" err | wc -l)" = 1 ] || fail "$name: not one line on standard error"
  wout "$name" err | grep -qF -- "$text" || fail "$name: '$text' not in: $(wout "$name" err)"
}

# Item 3: the audit's who is the Windows login (GetUserNameW), OUTTURN_USER beside it.
OUTTURN_USER=officer-a run windows as-officer \
  actual add --date 2018-03-02 --phase PH2 --amount 1.00 --db demo.db
run windows audit audit --format csv --db demo.db
who=$(sed -n 2p "$work/out/audit.windows.out" | cut -d, -f3)
case $who in
  "" | unknown*) fail "the audit's who on Windows is '$who', not the login" ;;
  *" (as officer-a)") echo "  who: $who" ;;
  *) fail "the audit's who on Windows is '$who', without OUTTURN_USER beside the login" ;;
esac

# Item 4: --help names the Windows default folder; a resolved path has no \\?\ prefix.
run windows help --help
wout help out | grep -qF '%APPDATA%\Outturn\outturn\data\outturn.db' \
  || fail "--help does not name the %APPDATA% default: $(wout help out | grep -F -- --db)"
refused_on_windows resolved-path 'is the -journal file of the database' \
  report --fy 2017-18 --period 12 --csv backup.db-journal --db demo.db
if wout resolved-path err | grep -qF '\\?\'; then
  fail 'a path is shown with the \\?\ prefix: '"$(wout resolved-path err)"
fi
wout resolved-path err | grep -qF ':\' || fail "no Windows path in: $(wout resolved-path err)"

# Item 5: reserved device names, in any case and with an extension, are devices: nothing written.
for name in NUL nul.csv COM1 con.txt LPT9.csv; do
  refused_on_windows "reserved-$name" 'is a system device, not a regular file' \
    report --fy 2017-18 --period 12 --csv "$name" --db demo.db
done
refused_on_windows db-nul 'NUL is a Windows device name, not a database file' summary --db NUL
# A file another program holds open, as Excel does (sharing reading only).
x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -Werror -municode -o "$work/bin/hold_open.exe" \
  "$root/tests/windows/hold_open.c"
cp "$work/windows/report.csv" "$work/windows/held.csv"
(cd "$work/windows" && wine "$work/bin/hold_open.exe" held.csv held.ready held.stop) &
holder=$!
for _ in $(seq 200); do [ -e "$work/windows/held.ready" ] && break; sleep 0.1; done
if [ -e "$work/windows/held.ready" ]; then
  refused_on_windows held-open 'held.csv: the file is open in another program (Excel?): close it and try again' \
    report --fy 2017-18 --period 12 --csv held.csv --db demo.db
  cmp -s "$work/windows/report.csv" "$work/windows/held.csv" || fail "held.csv was changed"
else
  fail "the file holder did not start"
fi
touch "$work/windows/held.stop"
wait "$holder" || fail "the file holder failed"

# Item 7: a backup's left-over partial file, its process gone, is removed by the next backup.
left=$work/windows/.backup2.db.partial-4194300
printf x >"$left"
printf x >"$left-journal"
run windows backup2 backup backup2.db --db demo.db
[ "$(wout backup2 rc)" = 0 ] || fail "backup2: $(wout backup2 err)"
[ ! -e "$left" ] && [ ! -e "$left-journal" ] || fail "the left-over partial file was not removed"

echo "windows smoke test: the steps took $((SECONDS - steps_start)) s, $((SECONDS - start)) s with the wine prefix"
if [ "$failures" -gt 0 ]; then
  echo "windows smoke test: FAILED ($failures)" >&2
  exit 1
fi
echo "windows smoke test: passed: the Windows build matches Linux on every step"
