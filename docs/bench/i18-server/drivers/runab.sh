#!/bin/bash
# ABAlternation (docs/bench/i18-lean/drivers/ABAlternation.java): $1 A lib, $2 B lib, $3 out file, rest: kind warm n pairings...
J=$(/work/wt-i18-server/scripts/find-jdk)/bin
a=$1; b=$2; out=$3; shift 3
{ echo "# $(date -u +%H:%M:%S) start, load $(uptime | sed 's/.*load average: //'); A=$a B=$b"; $J/java -cp /tmp/i18-server/drive ABAlternation $a $b "$@"; echo "# $(date -u +%H:%M:%S) end, load $(uptime | sed 's/.*load average: //')"; } > $out 2>&1
