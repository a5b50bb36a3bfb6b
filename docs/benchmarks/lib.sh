# Shell helpers shared by the compare-*.sh scripts; source it from the project's root.

# Wall seconds of one run of a command (its output discarded); a failed run is reported and
# returns non-zero.
wall() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || { echo "FAILED: $*" >&2; return 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

# The median of the numbers on standard input, one per line (the lower middle for an even count).
median() {
  sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}

# The OpenBLAS kernels to name for this CPU: OpenBLAS 0.3.21 does not recognise these VMs' AMD
# EPYC and falls back to its SSE3 kernels, 3-4x slower. SkylakeX where the CPU has AVX-512
# (those kernels would stop with an illegal instruction elsewhere), Haswell (AVX2) otherwise.
openblas_coretype() {
  if grep -qw avx512f /proc/cpuinfo; then echo SkylakeX; else echo Haswell; fi
}

# A raw log's header: what ran, when, on which machine and JVM. Arguments: a description.
machine_header() {
  echo "# $*, head $(git rev-parse --short HEAD), $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  java -version 2>&1 | head -1
  grep -m1 'model name' /proc/cpuinfo || true
  if grep -qw avx512f /proc/cpuinfo; then echo 'vector extensions: AVX-512'; else echo 'vector extensions: AVX2, no AVX-512'; fi
}
