/*
 * fuzz_options.c: sanitizer defaults built into every fuzz target, so a
 * plain run (no UBSAN_OPTIONS) stops on the first UBSan report, as libFuzzer
 * needs to save the input, except for the known findings suppressed in
 * tests/fuzz/ubsan.supp. UBSAN_OPTIONS in the environment still wins.
 */
const char *__ubsan_default_options(void);

/* UBSan reads its defaults here before UBSAN_OPTIONS. */
const char *
__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1:"
	       "suppressions=" ISMS_UBSAN_SUPP;
}
