/*
 * Fuzz target for the DiscordChatExporter JSON reader:
 * see fuzz_export.h and fuzz_formats.h for what is checked.
 */
#include "fuzz_export.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_export(PL_FMT_DISCORD, "/nonexistent-parlance-fuzz/channel.json",
                data, size);
    return 0;
}
