// Nothing to import: this target only supplies each fuzz target's entry point (see entry.c).
