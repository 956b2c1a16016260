#!/bin/bash
# prof.sh ORDER(N|J) OUT: perf profile of the client JVM downloading 64 MiB over FTPS again and again (FtpsAb, gets only)
out=$(realpath -m "$2"); cd /work/wt-i18-ftpsdata; set -- "$1" "$out"
cp=$(cat /tmp/i18-ftpsdata/cp)
J=$(scripts/find-jdk)
export FTP_BENCH_PASSWORD=tlskit-Ftp-bench-7
$J/bin/java -XX:+PreserveFramePointer -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -cp $cp FtpsAb 50000 \
  /tmp/i18-ftpsdata/v/cert.pem tlskitbench FTP_BENCH_PASSWORD big.bin 64 ${ROUNDS:-40} $1 ${OP:-get} > $2.log 2>&1 &
pid=$!
sleep 6
perf record -F 2999 -g -p $pid -o /tmp/i18-ftpsdata/$(basename $2).data -- sleep 8 2>/dev/null >/dev/null
wait $pid
perf report -i /tmp/i18-ftpsdata/$(basename $2).data --no-children --sort dso --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -15 > $2.dso.txt
perf report -i /tmp/i18-ftpsdata/$(basename $2).data --no-children --sort sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -60 > $2.sym.txt
perf report -i /tmp/i18-ftpsdata/$(basename $2).data --no-children --sort comm --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -15 > $2.comm.txt
