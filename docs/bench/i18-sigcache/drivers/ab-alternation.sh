#!/bin/bash
# A/B of HandshakeAlternation (full handshakes): "before" puts the original ChainValidator classes (compiled from
# f8120f3 into /tmp/i18-sigcache/before) first on the class path, "after" this branch's tlskit-core classes.
# cp.txt: the class path scripts/bench builds. Runs 1 and 2 used 2500 2500 and the packaged tlskit-core jar for
# "after" (no classes directory first); run 2 then ran, the same way, for provider in jdk native:
#   java -cp "$pre$cp" dev.tlskit.cli.Main bench --quick --provider $provider --seconds 3
W=/work/wt-i18-sigcache
CONNECTIONS=${1:-2000}
cp=$(cat /tmp/i18-sigcache/cp.txt); J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
for r in after before before after; do
  pre="$W/tlskit-core/target/classes:"; [ $r = before ] && pre="/tmp/i18-sigcache/before:$pre"
  echo "=== alternation $r $(date -u +%H:%M:%S) load $(uptime | sed 's/.*load average: //')"
  $J -cp "$pre$cp" dev.tlskit.bench.HandshakeAlternation full "$CONNECTIONS" "$CONNECTIONS"
done
echo "=== end $(date -u +%H:%M:%S) load $(uptime | sed 's/.*load average: //')"
