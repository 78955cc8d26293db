/*
 * Fuzz target for the IRC log reader (see fuzz_chat.h and
 * fuzz_formats.h for what is checked).
 */
#include "fuzz_chat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_chat(PL_FMT_IRC, "/nonexistent-parlance-fuzz/help.log", data,
              size);
    return 0;
}
