#!/usr/bin/env bash
# Runs a Windows test binary under wine, for `cargo test --target x86_64-pc-windows-gnu`:
#   CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=tests/windows/wine-runner.sh \
#     cargo test --target x86_64-pc-windows-gnu --lib io::platform
# Puts the test-only bcryptprimitives.dll stand-in (see bcryptprimitives.c) beside the binary
# first: wine 8 lacks ProcessPrng, which Rust's std needs. The DLL lands in the build's own
# deps folder only, never beside a release .exe. Used by tests/windows/smoke.sh.
set -euo pipefail
exe=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
dll=$(dirname "$exe")/bcryptprimitives.dll
if [ ! -f "$dll" ] || [ "$here/bcryptprimitives.c" -nt "$dll" ]; then
  x86_64-w64-mingw32-gcc -shared -O2 -Wall -Wextra -Werror -o "$dll" \
    "$here/bcryptprimitives.c" -ladvapi32
fi
export WINEDEBUG=${WINEDEBUG:--all} WINEDLLOVERRIDES=${WINEDLLOVERRIDES:-mscoree,mshtml=}
exec wine "$exe" "$@"
