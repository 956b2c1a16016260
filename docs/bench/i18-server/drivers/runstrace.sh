#!/bin/bash
# System calls per connection of one ladder variant: $1 lib dir, $2 variant, $3 warm-up, $4 connections, $5 out file.
# strace -f -c attaches to the whole JVM (every thread) after the warm-up and detaches after the measured connections.
J=$(/work/wt-i18-server/scripts/find-jdk)/bin
CP=/tmp/i18-server/drive:$(ls $1/*.jar | tr '\n' ':')
log=/tmp/i18-server/strace-$2.log; : > $log
$J/java -Dpause=1 -cp $CP ServerLadder $3 $4 $2 > $log 2>&1 &
pid=$!
until grep -q WARM-DONE $log; do sleep 0.2; done
strace -f -c -p $pid -o $5.strace 2>/dev/null &
st=$!
until grep -q MEASURED $log; do sleep 0.2; done
kill -INT $st; wait $st
wait $pid
{ echo "# variant $2, lib $1, $4 connections traced after $3 of warm-up ($(date -u +%H:%M:%S), load $(uptime | sed 's/.*load average: //'))"; grep -v WARM-DONE $log | grep -v MEASURED; cat $5.strace; } > $5
rm -f $5.strace
