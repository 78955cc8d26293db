/*
 * Fuzz target for the fastText reader (see fuzz_formats.h for what is
 * checked), and for the fastText writer: text and labels read from an
 * input must come back the same through it (fuzz_writers.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "fuzz_formats.h"
#include "fuzz_writers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *name = "/nonexistent-parlance-fuzz/train.txt";

    fuzz_format(PL_FMT_FASTTEXT, name, data, size);
    fuzz_write_back(PL_FMT_FASTTEXT, PL_FMT_FASTTEXT, name, data, size);
    return 0;
}
