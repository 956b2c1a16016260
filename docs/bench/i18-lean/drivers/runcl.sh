#!/bin/bash
J=$(/work/wt-i18-lean/scripts/find-jdk)/bin
CP=/tmp/i18-lean/drive:/work/wt-i18-lean/tlskit-bench/target/classes:$(ls $1/*.jar | tr '\n' ':')
out=$2; shift 2
{ echo "# $(date -u +%H:%M:%S) start, load $(uptime | sed 's/.*load average: //'); lib $CP" | cut -c1-200; $J/java -cp $CP ClientLadder "$@"; echo "# $(date -u +%H:%M:%S) end, load $(uptime | sed 's/.*load average: //')"; } > $out 2>&1
