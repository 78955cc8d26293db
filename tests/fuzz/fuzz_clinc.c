/*
 * Fuzz target for the CLINC150 reader (see fuzz_formats.h for what is
 * checked).
 */
#include "fuzz_formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_format(PL_FMT_CLINC,
                "/nonexistent-parlance-fuzz/data_full.json",
                data, size);
    return 0;
}
