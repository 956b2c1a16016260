#!/bin/bash
# count.sh BUILD(A|B) CLIENT(t|j) SERVER(t|j) KIND COUNT TOOL(perf|strace) -> prints per-handshake counts
set -u
cd /tmp/i18-resumed
B=$1; C=$2; S=$3; K=$4; N=$5; T=$6
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
CP=drive:$B/classes:$(ls $B/lib/*.jar | tr '\n' ':')
go=/tmp/i18-resumed/go.$$; rm -f $go
out=/tmp/i18-resumed/drive.$$.out
$J -cp $CP Drive $C $S $K ${WARM:-15} $N $go > $out 2>&1 &
jp=$!
until grep -q READY $out; do sleep 0.2; done
pid=$(awk '/READY/{print $2}' $out)
if [ $T = perf ]; then
  perf stat -x, -e raw_syscalls:sys_enter,context-switches,task-clock -p $pid -o $out.perf &
  tp=$!
elif [ $T = jfr ]; then
  /usr/lib/jvm/temurin-25-jdk-amd64/bin/jcmd $pid JFR.start settings=/tmp/i18-resumed/alloc.jfc filename=/tmp/i18-resumed/$B-$C$S-$K.jfr name=x >/dev/null
  tp=
else
  strace -f -c -o $out.strace $(for t in $(ls /proc/$pid/task); do echo -p $t; done) 2>/dev/null &
  tp=$!
fi
sleep 1.5; touch $go
until grep -q DONE $out; do sleep 0.2; done
if [ -n "$tp" ]; then kill -INT $tp; wait $tp 2>/dev/null; else /usr/lib/jvm/temurin-25-jdk-amd64/bin/jcmd $pid JFR.stop name=x >/dev/null; fi
wait $jp
echo "$B $C->$S $K N=$N $(grep DONE $out)"
if [ $T = jfr ]; then :
elif [ $T = perf ]; then
  awk -F, -v n=$N '/sys_enter|context-switches|task-clock/{printf "  %s %.2f per hs\n", $3, $1/n}' $out.perf
else
  cat $out.strace
fi
rm -f $go $out $out.perf $out.strace
