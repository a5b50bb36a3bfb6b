#!/usr/bin/env bash
# Compares this checkout's engine with an earlier commit's, built side by side in a git worktree
# and run in the same session, interleaved round by round:
#   - workload A (the article's REINFORCE step) compiled / replayed and on the eager tape:
#     updates per second of every repetition, the best settled one and the median of reps 2-N;
#   - `gradtape pendulum` wall time, old and new in turn, on the plain and the vector path.
# Usage: bash docs/benchmarks/compare-engine.sh [BASE_COMMIT]   (default bc55e0a)
#   ROUNDS=3 REPS=12 PENDULUM_EPISODES=1008 OUT=dir
set -euo pipefail
cd "$(dirname "$0")/../.."
. docs/benchmarks/lib.sh
base=${1:-bc55e0a}
rounds=${ROUNDS:-3}
reps=${REPS:-12}
episodes=${PENDULUM_EPISODES:-1008}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
wt=$(mktemp -d)
trap 'git worktree remove --force "$wt" >/dev/null 2>&1 || true' EXIT
git worktree add -q --detach "$wt" "$base"
echo "building $base in $wt and $(git rev-parse --short HEAD) here" >&2
(cd "$wt" && ./mvnw -q -B -pl examples -am package -DskipTests)
./mvnw -q -B -pl examples -am package -DskipTests
old="$wt/examples/target/gradtape.jar"
new="examples/target/gradtape.jar"
raw="$out/raw.txt"
: > "$raw"
machine_header "base $base" | tee -a "$raw"
for r in $(seq 1 "$rounds"); do
  for side in old new; do
    jar=$old; [ "$side" = new ] && jar=$new
    for engine in replay eager; do # "replay" is the old name of "compiled", accepted by both
      java -jar "$jar" bench --workload A --threads 1 --reps "$reps" --engine "$engine" \
        | grep '^RESULT' | sed "s/^/round=$r side=$side /; s/engine=replay/engine=compiled/" | tee -a "$raw"
    done
  done
done
for r in $(seq 1 "$rounds"); do
  for path in plain vector; do
    flag=; [ "$path" = vector ] && flag="--add-modules jdk.incubator.vector"
    for side in old new; do
      jar=$old; [ "$side" = new ] && jar=$new
      # shellcheck disable=SC2086
      s=$(wall java $flag -jar "$jar" pendulum -q --force --episodes "$episodes" --out "$out/pendulum-$side-$path")
      echo "PENDULUM round=$r side=$side path=$path episodes=$episodes seconds=$s" | tee -a "$raw"
    done
  done
done
echo "# pendulum: median wall seconds per side and path, and old/new" | tee -a "$raw"
for path in plain vector; do
  o=$(grep "^PENDULUM.* side=old path=$path " "$raw" | sed 's/.*seconds=//' | median)
  n=$(grep "^PENDULUM.* side=new path=$path " "$raw" | sed 's/.*seconds=//' | median)
  awk -v p="$path" -v o="$o" -v n="$n" 'BEGIN { printf "pendulum %s: old %.2f s, new %.2f s, old/new %.2fx\n", p, o, n, o / n }' | tee -a "$raw"
done
echo "# summary: updates/s of workload A per side and engine, over all rounds" | tee -a "$raw"
for side in old new; do
  for engine in compiled eager; do
    lines=$(grep "side=$side " "$raw" | grep "engine=$engine" || true)
    [ -z "$lines" ] && continue
    best=$(echo "$lines" | sed -n 's/.* ups=\([0-9.]*\).*/\1/p' | sort -n | tail -1)
    median=$(echo "$lines" | grep -v ' rep=1 ' | sed -n 's/.* ups=\([0-9.]*\).*/\1/p' | sort -n \
      | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
    cold=$(echo "$lines" | grep ' rep=1 ' | sed -n 's/.* ups=\([0-9.]*\).*/\1/p' | sort -n \
      | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
    echo "$side $engine: best rep $best, median of reps 2-$reps $median, median first rep (cold) $cold" \
      | tee -a "$raw"
  done
done
echo "raw log: $raw" >&2
