#!/bin/bash
# i18-close's CloseAB (docs/bench/i18-close/drivers/CloseAB.java, unchanged) with this folder's CloseSide (the native
# engine's server). $1 A lib, $2 B lib, $3 out file, rest: KIND WARM N [SEED]. Compile first:
#   javac -cp "B-lib/*" -d /tmp/i18-nclose/side CloseSide.java; javac -d /tmp/i18-nclose/drive ../../i18-close/drivers/CloseAB.java
J=$(/work/wt-i18-nclose/scripts/find-jdk)/bin
a=$1; b=$2; out=$3; shift 3
{ echo "# $(date -u +%H:%M:%S) start, load $(uptime | sed 's/.*load average: //'); A=$a B=$b; $*"; $J/java -cp /tmp/i18-nclose/drive CloseAB $a $b /tmp/i18-nclose/side "$@"; echo "# $(date -u +%H:%M:%S) end, load $(uptime | sed 's/.*load average: //')"; } > $out 2>&1
