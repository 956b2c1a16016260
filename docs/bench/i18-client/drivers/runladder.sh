#!/bin/bash
# ClientLadder against a lib dir: $1 lib dir, $2 out file, rest: full|resumed WARM N VARIANTS
J=$(/work/wt-i18-client/scripts/find-jdk)/bin
CP=/tmp/i18-client/drive-$(basename $1):$(ls $1/*.jar | tr '\n' ':')
mkdir -p /tmp/i18-client/drive-$(basename $1)
$J/javac -d /tmp/i18-client/drive-$(basename $1) -cp $CP $(dirname $0)/ClientLadder.java $(dirname $0)/dev/tlskit/LadderAccess.java || exit 1
out=$2; shift 2
{ echo "# $(date -u +%H:%M:%S) start, load $(uptime | sed 's/.*load average: //'); lib $1"; $J/java -cp $CP ClientLadder "$@"; echo "# $(date -u +%H:%M:%S) end, load $(uptime | sed 's/.*load average: //')"; } > $out 2>&1
