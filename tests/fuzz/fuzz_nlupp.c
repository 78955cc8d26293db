/*
 * Fuzz target for the NLU++ reader (see fuzz_formats.h for what is
 * checked).
 */
#include "fuzz_formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_format(PL_FMT_NLUPP,
                "/nonexistent-parlance-fuzz/banking/fold0.json",
                data, size);
    return 0;
}
