#!/bin/bash
# prof.sh STACK SIZE OUT
cd /work/wt-chan
cp=$(cat /tmp/i18-chan/cp.txt):/tmp/i18-chan/h
J=$(scripts/find-jdk)
$J/bin/java -XX:+PreserveFramePointer -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -cp $cp Ab only $2 1000 22 $1 > $3.log 2>&1 &
pid=$!
sleep 9
perf record -F 999 -g -p $pid -o $3.data -- sleep 8 2>/dev/null >/dev/null
wait $pid
perf report -i $3.data --no-children --sort dso --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -15 > $3.dso.txt
perf report -i $3.data --no-children --sort sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -60 > $3.sym.txt
