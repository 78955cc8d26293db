/*
 * Fuzz target for the Telegram JSON export reader:
 * see fuzz_export.h and fuzz_formats.h for what is checked.
 */
#include "fuzz_export.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_export(PL_FMT_TELEGRAM, "/nonexistent-parlance-fuzz/result.json",
                data, size);
    return 0;
}
