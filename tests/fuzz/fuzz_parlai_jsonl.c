/*
 * Fuzz target for the ParlAI Conversations JSONL reader (see
 * fuzz_formats.h for what is checked).
 */
#include "fuzz_formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_format(PL_FMT_PARLAI_JSONL,
                "/nonexistent-parlance-fuzz/episodes.jsonl",
                data, size);
    return 0;
}
