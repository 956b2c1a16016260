#!/bin/bash
# ServerLadder against a given lib dir; $1 lib dir, $2 out file, rest: args (WARM N VARIANTS)
J=$(/work/wt-i18-server/scripts/find-jdk)/bin
CP=/tmp/i18-server/drive:$(ls $1/*.jar | tr '\n' ':')
lib=$1; out=$2; shift 2
{ echo "# $(date -u +%H:%M:%S) start, load $(uptime | sed 's/.*load average: //'); lib $lib"; $J/java $JOPTS -cp $CP ServerLadder "$@"; echo "# $(date -u +%H:%M:%S) end, load $(uptime | sed 's/.*load average: //')"; } > $out 2>&1
