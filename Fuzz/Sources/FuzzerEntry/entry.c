// The entry point of every fuzz target.
//
// SwiftPM (tools version 5.5 and later) compiles an executable target with its entry point renamed
// to `<Module>_main` and links it with `--defsym main=<Module>_main` (`-alias` on Darwin), so that
// tests can link the executable's module. A fuzz target has no entry point of its own (its file
// only defines `LLVMFuzzerTestOneInput`), and libFuzzer's `main` cannot be reached through that
// alias: the link fails with "undefined symbol '<Module>_main'". Defining `<Module>_main` here as
// libFuzzer's own driver fixes that; libFuzzer's `main` is then simply not linked.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int runLibFuzzer(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}

#define FUZZ_TARGET_ENTRY(module) \
    int module##_main(int argc, char **argv) { return runLibFuzzer(argc, argv); }

FUZZ_TARGET_ENTRY(FuzzJSON)
FUZZ_TARGET_ENTRY(FuzzCassette)
FUZZ_TARGET_ENTRY(FuzzScenario)
FUZZ_TARGET_ENTRY(FuzzSSE)
FUZZ_TARGET_ENTRY(FuzzResolution)
