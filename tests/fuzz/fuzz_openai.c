/*
 * Fuzz target for the OpenAI chat JSONL reader (see fuzz_formats.h for what is
 * checked).
 */
#include "fuzz_formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_format(PL_FMT_OPENAI,
                "/nonexistent-parlance-fuzz/chat.jsonl",
                data, size);
    return 0;
}
