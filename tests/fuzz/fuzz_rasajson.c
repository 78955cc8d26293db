/*
 * Fuzz target for the Rasa NLU JSON reader (see fuzz_formats.h for what is
 * checked).
 */
#include "fuzz_formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_format(PL_FMT_RASA_JSON,
                "/nonexistent-parlance-fuzz/rasa_json/nlu.json",
                data, size);
    return 0;
}
