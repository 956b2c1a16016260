#!/bin/bash
# interleaved JVMs: A = main's tlskit-core + tlskit-native jars, B = this branch's; each JVM runs N (native) and J (raw JDK) slices N J J N
cd /work/wt-chan
J=$(scripts/find-jdk)
base=$(cat /tmp/i18-chan/cp.txt):/tmp/i18-chan/h
out=$1
echo "# $(date -u +%FT%TZ) start, load: $(uptime | sed 's/.*load average: //')" >> $out
for v in A B B A B A A B; do
  cp="/tmp/i18-chan/$v/tlskit-core-0.1.0-SNAPSHOT.jar:/tmp/i18-chan/$v/tlskit-native-0.1.0-SNAPSHOT.jar:$base"
  echo "## JVM $v $(date -u +%T) load $(uptime | sed 's/.*load average: //')" >> $out
  $J/bin/java -cp $cp Ab ab 256,1024,4096,16384,65536 500 2 NJJN 2>/dev/null | grep "n=" >> $out
done
echo "# $(date -u +%FT%TZ) end, load: $(uptime | sed 's/.*load average: //')" >> $out
