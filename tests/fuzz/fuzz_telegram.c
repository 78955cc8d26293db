/*
 * Fuzz target for the Telegram JSON export reader (see fuzz_chat.h and
 * fuzz_formats.h for what is checked).
 */
#include "fuzz_chat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_chat(PL_FMT_TELEGRAM, "/nonexistent-parlance-fuzz/result.json", data,
              size);
    return 0;
}
