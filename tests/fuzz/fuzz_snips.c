/*
 * Fuzz target for the SNIPS reader (see fuzz_formats.h for what is
 * checked).
 */
#include "fuzz_formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_format(PL_FMT_SNIPS,
                "/nonexistent-parlance-fuzz/x/train_PlayMusic_full.json",
                data, size);
    return 0;
}
