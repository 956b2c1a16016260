#!/bin/bash
# CloseAB: $1 A lib, $2 B lib, $3 out file, rest: KIND WARM N [SEED]. Drivers compiled into /tmp/i18-close/{drive,side}:
#   javac -cp "B-lib/*" -d /tmp/i18-close/side CloseSide.java; javac -d /tmp/i18-close/drive CloseAB.java
J=$(/work/wt-i18-close/scripts/find-jdk)/bin
a=$1; b=$2; out=$3; shift 3
{ echo "# $(date -u +%H:%M:%S) start, load $(uptime | sed 's/.*load average: //'); A=$a B=$b; $*"; $J/java -cp /tmp/i18-close/drive CloseAB $a $b /tmp/i18-close/side "$@"; echo "# $(date -u +%H:%M:%S) end, load $(uptime | sed 's/.*load average: //')"; } > $out 2>&1
