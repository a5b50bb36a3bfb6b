#!/usr/bin/env bash
# `gradtape pendulum`, started the way the README says (the launcher, which takes the vector path
# when the JDK has jdk.incubator.vector), against the PyTorch peer of ../shared/peers on the same
# number of episodes and threads, in turn round by round so that the noise of a shared machine
# hits both alike. Prints each run's wall seconds, then per thread count the medians and the ratio
# gradtape / PyTorch (below 0.5 means gradtape takes less than half the peer's time).
#
#   bash docs/benchmarks/compare-pendulum.sh                 # from the project's root
#   ROUNDS=3 EPISODES=3008 THREADS="1 2" OUT=dir bash docs/benchmarks/compare-pendulum.sh
#
# Needs a JDK and Debian's python3-torch with libopenblas0-openmp (see ../shared/peers/README.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
. docs/benchmarks/lib.sh
rounds=${ROUNDS:-3}
episodes=${EPISODES:-3008}
threads=${THREADS:-1 2}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
peers=${PEERS:-../shared/peers}
blas=/usr/lib/x86_64-linux-gnu/openblas-openmp
# name the OpenBLAS kernels for this CPU (see lib.sh), as compare-peers.sh does
export OPENBLAS_CORETYPE=${CORETYPE-$(openblas_coretype)}
./mvnw -q -B -pl examples -am package -DskipTests
gradtape=examples/target/gradtape/bin/gradtape
raw="$out/raw.txt"
: > "$raw"
machine_header "gradtape pendulum against PyTorch" | tee -a "$raw"
for r in $(seq 1 "$rounds"); do
  for t in $threads; do
    s=$(wall "$gradtape" pendulum -q --force --threads "$t" --episodes "$episodes" --out "$out/gradtape-t$t")
    echo "PENDULUM round=$r who=gradtape threads=$t episodes=$episodes seconds=$s" | tee -a "$raw"
    s=$(wall env LD_LIBRARY_PATH=$blas OMP_NUM_THREADS="$t" /usr/bin/python3 "$peers/torch_pendulum_reinforce.py" \
      --episodes "$episodes" --threads "$t")
    echo "PENDULUM round=$r who=torch threads=$t episodes=$episodes seconds=$s" | tee -a "$raw"
  done
done
echo "# median wall seconds and gradtape / torch" | tee -a "$raw"
for t in $threads; do
  g=$(grep "who=gradtape threads=$t " "$raw" | sed 's/.*seconds=//' | median)
  p=$(grep "who=torch threads=$t " "$raw" | sed 's/.*seconds=//' | median)
  awk -v t="$t" -v g="$g" -v p="$p" \
    'BEGIN { printf "threads %s: gradtape %.2f s, torch %.2f s, gradtape/torch %.2f\n", t, g, p, g / p }' | tee -a "$raw"
done
echo "raw log: $raw" >&2
