#!/bin/bash
# one pairing per JVM, order given; AB toggles the hold flag within each JVM
cd /tmp/i18-resumed
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
CP=drive:$1/classes:$(ls $1/lib/*.jar | tr '\n' ':')
shift
kind=$1; shift
for p in "$@"; do
  echo "# $(date -u +%H:%M:%S) load $(uptime | sed 's/.*load average: //')"
  $J/java -cp $CP AB dev.tlskit.internal.net.TransportSocket EXPERIMENT_HOLD $kind $p 1500 8 20 2>&1
done
