/*
 * Fuzz target for the ParlAI text reader (see fuzz_formats.h for what is
 * checked), and for the ParlAI text writer: what the reader makes of an
 * input must come back the same through the writer (fuzz_writers.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "fuzz_formats.h"
#include "fuzz_writers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *name = "/nonexistent-parlance-fuzz/train.txt";

    fuzz_format(PL_FMT_PARLAI_TEXT, name, data, size);
    fuzz_write_back(PL_FMT_PARLAI_TEXT, PL_FMT_PARLAI_TEXT, name, data,
                    size);
    return 0;
}
