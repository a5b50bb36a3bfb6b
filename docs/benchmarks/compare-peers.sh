#!/usr/bin/env bash
# gradtape's bench beside the peers of ../shared/peers, interleaved round by round so that the
# noise of a shared machine hits every program alike. A trimmed version of the peers' run-all.sh
# (no TensorFlow Java or DJL, shorter repetitions) with the same RESULT tagging, summarised by
# the peers' own summarize.py. Takes about 6 minutes with ROUNDS=3.
#
#   bash docs/benchmarks/compare-peers.sh            # from the project's root
#   ROUNDS=1 bash docs/benchmarks/compare-peers.sh   # a quick look
#
# Needs: a JDK 17, Debian's python3-torch and libopenblas0-openmp (see ../shared/peers/README.md).
# Output: the raw log and the summary in $PEERS_OUT (default: a new temporary folder).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PEERS=${PEERS:-$ROOT/../shared/peers}
ROUNDS=${ROUNDS:-3}; PY=/usr/bin/python3; JAVA=java
OUTDIR=${PEERS_OUT:-$(mktemp -d)}; mkdir -p "$OUTDIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ); RAW=$OUTDIR/raw-$STAMP.txt; : > "$RAW"
BLAS_OMP=/usr/lib/x86_64-linux-gnu/openblas-openmp
# OpenBLAS 0.3.21 does not recognise this kind of VM's CPU and falls back to its Prescott (SSE3)
# kernels, 3-4x slower; name the kernels for this CPU, AVX-512 or AVX2 (see lib.sh; CORETYPE= to
# see the fallback).
. "$ROOT/docs/benchmarks/lib.sh"
export OPENBLAS_CORETYPE=${CORETYPE-$(openblas_coretype)}

# the peers' folder is read-only: build the hand-written Java peer in a copy
WORK=$OUTDIR/peers; rm -rf "$WORK"; cp -r "$PEERS" "$WORK"
(cd "$ROOT" && ./mvnw -q -B -f "$WORK/java-baseline/pom.xml" package -DskipTests) || { echo "building the Java peer failed"; exit 1; }
(cd "$ROOT" && ./mvnw -q -B -pl examples -am package -DskipTests) || { echo "building gradtape failed"; exit 1; }
JAR=$ROOT/examples/target/gradtape.jar

log() { echo "# $*" | tee -a "$RAW"; }
run() {
  local cfg=$1 round=$2; shift 2
  local out rc
  out=$("$@" 2>&1); rc=$?
  echo "$out" | grep '^RESULT' | sed "s/^RESULT /RESULT round=$round cfg=$cfg /" | tee -a "$RAW"
  if [ $rc -ne 0 ] || ! echo "$out" | grep -q '^RESULT'; then
    echo "FAILED round=$round cfg=$cfg rc=$rc" | tee -a "$RAW"; echo "$out" | tail -15 | sed 's/^/  | /' | tee -a "$RAW"
  fi
}
cd "$WORK"
log "date $STAMP host $(hostname) cpus $(nproc) $(lscpu | sed -n 's/^Model name: *//p') load $(cut -d' ' -f1-3 /proc/loadavg)"
log "OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE"
log "gradtape commit $(git -C "$ROOT" rev-parse --short HEAD)"
BASE_CP=java-baseline/target/classes
GT="$JAVA -jar $JAR bench"
GTV="$JAVA --add-modules jdk.incubator.vector -jar $JAR bench"
for r in $(seq 1 "$ROUNDS"); do
  log "---- round $r / $ROUNDS load $(cut -d' ' -f1-3 /proc/loadavg)"
  run base-A $r $JAVA -cp $BASE_CP peers.BaselineSeed 10000 10 0
  run gradtape-A-t1 $r $GT --workload A --threads 1 --reps 10
  run gradtape-A-t1-eager $r $GT --workload A --threads 1 --reps 10 --engine eager
  run torch-A-t1 $r env LD_LIBRARY_PATH=$BLAS_OMP OMP_NUM_THREADS=1 $PY torch_seed.py --threads 1 --reps 3
  run base-B $r $JAVA -cp $BASE_CP peers.BaselineMlp 30 2 5
  run java-mm $r $JAVA -cp $BASE_CP peers.MatmulBench 256 1.0
  run java-vec-mm $r $JAVA --add-modules jdk.incubator.vector -cp $BASE_CP peers.VectorMatmul 256 1.0
  for t in 1 2; do
    run gradtape-B-vector-t$t $r $GTV --workload B --threads $t --reps 3 --steps 100
    run gradtape-B-plain-t$t $r $GT --workload B --threads $t --reps 2 --steps 30 --warmup 5
    run torch-B64-t$t $r env LD_LIBRARY_PATH=$BLAS_OMP OMP_NUM_THREADS=$t $PY torch_mlp.py --threads $t --reps 3 --steps 100 --dtype float64
    run gradtape-mm-vector-t$t $r $GTV --workload MM --threads $t
    run gradtape-mm-plain-t$t $r $GT --workload MM --threads $t
    run mm-openblas-t$t $r env LD_LIBRARY_PATH=$BLAS_OMP OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t $PY blas_mm.py --threads $t --label openblas-openmp
  done
done
log "raw results: $RAW"
$PY "$PEERS/summarize.py" "$RAW" | tee "$OUTDIR/summary-$STAMP.md"
