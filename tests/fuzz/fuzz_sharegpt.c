/*
 * Fuzz target for the ShareGPT reader, JSON documents and JSON Lines (see
 * fuzz_formats.h for what is checked).
 */
#include "fuzz_formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_format(PL_FMT_SHAREGPT,
                "/nonexistent-parlance-fuzz/conversations.json",
                data, size);
    return 0;
}
