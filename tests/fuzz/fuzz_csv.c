/*
 * Fuzz target for the CSV and TSV reader (see fuzz_formats.h for what is
 * checked): each input is read as both.
 */
#include "fuzz_formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_format(PL_FMT_CSV, "/nonexistent-parlance-fuzz/test.csv", data,
                size);
    fuzz_format(PL_FMT_TSV, "/nonexistent-parlance-fuzz/val.tsv", data,
                size);
    return 0;
}
