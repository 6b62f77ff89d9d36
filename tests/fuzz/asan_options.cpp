// Built into every fuzz target: AddressSanitizer's defaults, tuned for throughput
// (ASAN_OPTIONS still overrides them). Neither setting changes what is detected:
// - malloc_context_size=5: an allocation records 5 frames instead of 30; the inputs
//   allocate thousands of times each, and storing deep stacks cost 10 % of the time.
//   A report shows 5 frames of where the memory came from; replay a finding with
//   ASAN_OPTIONS=malloc_context_size=30 for the whole stack.
// - quarantine_size_mb=64 (256 by default): freed memory still waits behind 64 MB
//   of later frees, hundreds of inputs, before it is reused (a use after free is
//   still caught); the smaller pool keeps the process at ~100 MB instead of ~400 MB
//   and touches fewer fresh pages.

extern "C" const char* __asan_default_options() { return "malloc_context_size=5:quarantine_size_mb=64"; }
