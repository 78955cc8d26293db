/*
 * Fuzz target for the Rasa NLU YAML reader (see fuzz_formats.h for what
 * is checked).
 */
#include "fuzz_formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_format(PL_FMT_RASA_YAML, "/nonexistent-parlance-fuzz/nlu.yml",
                data, size);
    return 0;
}
