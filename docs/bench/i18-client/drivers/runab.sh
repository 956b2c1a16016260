#!/bin/bash
# ABAlternation (docs/bench/i18-lean/drivers): $1 A lib, $2 B lib, $3 out file, rest: full|resumed WARM N PAIRING...
J=$(/work/wt-i18-client/scripts/find-jdk)/bin
mkdir -p /tmp/i18-client/abdrive && $J/javac -d /tmp/i18-client/abdrive $(dirname $0)/../../i18-lean/drivers/ABAlternation.java || exit 1
a=$1; b=$2; out=$3; shift 3
{ echo "# $(date -u +%H:%M:%S) start, load $(uptime | sed 's/.*load average: //'); A=$a B=$b"; $J/java -cp /tmp/i18-client/abdrive ABAlternation $a $b "$@"; echo "# $(date -u +%H:%M:%S) end, load $(uptime | sed 's/.*load average: //')"; } > $out 2>&1
