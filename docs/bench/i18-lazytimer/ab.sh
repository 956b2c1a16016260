#!/bin/bash
# A/B: A = 446ecd9 (before), B = this branch; HandshakeThreads KIND SLICE ROUNDS WARMUP, order A B B A per kind.
set -u
java="$(/work/wt-lazytimer/scripts/find-jdk)/bin/java"
cpof() {
  local here=$1 cp
  cp="$(ls "$here"/tlskit-cli/target/tlskit-cli-*.jar | grep -v -- '-\(tests\|sources\|javadoc\).jar' | head -1)"
  cp="$cp:$here/tlskit-bench/target/classes:$(ls "$here"/tlskit-bench/target/lib/*.jar | tr '\n' ':')"
  cp="$cp$(ls "$here"/tlskit-cli/target/lib/*.jar | tr '\n' ':')"
  echo "$cp"
}
A=$(cpof /tmp/i18-lazytimer/old); B=$(cpof /work/wt-lazytimer)
out=/tmp/i18-lazytimer/runs
for kind in "$@"; do
  n=0
  for side in A B B A; do
    n=$((n+1))
    cp=$A; [ $side = B ] && cp=$B
    echo "== $kind $side run $n $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
    perf stat -e context-switches,task-clock -x, -o $out/perf-$kind-$side-$n.txt \
      "$java" -cp "$cp" dev.tlskit.bench.HandshakeThreads "$kind" ${SLICE:-1.5} ${ROUNDS:-6} ${WARMUP:-20} | tee $out/ht-$kind-$side-$n.txt
    grep -v '^#' $out/perf-$kind-$side-$n.txt | grep -v '^$'
  done
done
