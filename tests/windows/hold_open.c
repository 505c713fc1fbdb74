/*
 * TEST-ONLY: holds a file open the way Excel holds a workbook or CSV it has open, for
 * tests/windows/smoke.sh under wine. Opens FILE for reading and writing, sharing reading only
 * (others may read it, not write, replace or delete it), writes READY beside it once the file
 * is held, and keeps it until STOP appears (or 60 seconds pass).
 *
 * Usage: hold_open.exe FILE READY STOP
 * Build: x86_64-w64-mingw32-gcc -O2 -municode -o hold_open.exe hold_open.c
 */
#include <windows.h>

int wmain(int argc, wchar_t **argv)
{
    if (argc != 4)
        return 2;
    HANDLE held = CreateFileW(argv[1], GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL,
                              OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (held == INVALID_HANDLE_VALUE)
        return 1;
    HANDLE ready = CreateFileW(argv[2], GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                               FILE_ATTRIBUTE_NORMAL, NULL);
    if (ready == INVALID_HANDLE_VALUE)
        return 1;
    CloseHandle(ready);
    for (int i = 0; i < 600; i++) {
        if (GetFileAttributesW(argv[3]) != INVALID_FILE_ATTRIBUTES)
            break;
        Sleep(100);
    }
    CloseHandle(held);
    return 0;
}
