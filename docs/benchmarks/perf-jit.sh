#!/usr/bin/env bash
# Where a Java command's time goes, per compiled method, with Linux perf: HotSpot writes a map of
# its JIT-compiled code at exit (-XX:+DumpPerfMapAtExit, JDK 17+), so perf can name the methods.
# Unlike JFR's sampler it also sees the stubs between them ("vtable chunks" is the cost of
# megamorphic virtual and interface calls) and the JIT compiler's own threads.
#
#   bash docs/benchmarks/perf-jit.sh OUT.data java -cp ... Main args...
#   THREAD=java bash docs/benchmarks/perf-jit.sh ...    # only the main thread (perf's comm name)
#
# Needs perf (Debian's linux-perf) and permission to sample (perf_event_paranoid <= 1, or root).
set -euo pipefail
out=$1; shift
java=$1; shift
perf record -F "${FREQ:-2000}" -o "$out" "$java" -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit "$@"
echo "# samples per thread" >&2
perf report -i "$out" --sort comm --stdio -n 2>/dev/null | grep -v '^#' | grep -v '^$' | head -8
echo "# samples per method, thread ${THREAD:-java}" >&2
perf report -i "$out" --comm "${THREAD:-java}" --sort symbol --stdio -n 2>/dev/null | grep -v '^#' \
  | grep -v '^$' | head -"${TOP:-40}" | awk '{n = $2; $1 = ""; $2 = ""; $3 = ""; print n, substr($0, 1, 160)}'
