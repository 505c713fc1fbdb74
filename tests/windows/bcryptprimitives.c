/*
 * TEST-ONLY STAND-IN, NOT SHIPPED: a bcryptprimitives.dll for running outturn.exe under wine 8.
 *
 * Rust's standard library on Windows gets its random bytes (HashMap seeds, temporary file names)
 * from ProcessPrng in bcryptprimitives.dll. Every Windows that Rust supports ships that DLL, but
 * wine 8 (Debian bookworm's) has no ProcessPrng, so the .exe does not even start there.
 * tests/windows/smoke.sh builds this file with mingw-w64 and puts the DLL beside the .exe in a
 * temporary folder only: the loader finds it there first. It answers ProcessPrng with
 * RtlGenRandom (exported by advapi32 as SystemFunction036), the older Windows call for the same
 * thing. Never ship it: real Windows has its own DLL.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

/* RtlGenRandom: advapi32's SystemFunction036. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* ProcessPrng fills `len` bytes at `data`; it always returns TRUE on Windows. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
