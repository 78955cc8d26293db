/*
 * Fuzz target for the CSV/TSV writer and the turn table the CSV reader
 * reads back: whatever the CSV reader makes of an input (plain rows or a
 * turn table) must come back the same through the CSV and the TSV
 * writer (fuzz_writers.h), and the input is also read as a table by
 * itself (fuzz_formats.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "fuzz_formats.h"
#include "fuzz_writers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *name = "/nonexistent-parlance-fuzz/test.csv";

    fuzz_format(PL_FMT_CSV, name, data, size);
    fuzz_write_back(PL_FMT_CSV, PL_FMT_CSV, name, data, size);
    fuzz_write_back(PL_FMT_CSV, PL_FMT_TSV, name, data, size);
    return 0;
}
