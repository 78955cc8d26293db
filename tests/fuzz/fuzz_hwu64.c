/*
 * Fuzz target for the HWU64 table reader (see fuzz_formats.h for what is
 * checked).
 */
#include "fuzz_formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_format(PL_FMT_HWU64,
                "/nonexistent-parlance-fuzz/trainset/alarm_query.csv",
                data, size);
    return 0;
}
