/*
 * Fuzz target for the MultiWOZ 2.x reader (see fuzz_formats.h for what is
 * checked).
 */
#include "fuzz_formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_format(PL_FMT_MULTIWOZ,
                "/nonexistent-parlance-fuzz/data/val.json",
                data, size);
    return 0;
}
