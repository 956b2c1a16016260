import json, subprocess, sys, collections
f, n = sys.argv[1], int(sys.argv[2])
mode = sys.argv[3] if len(sys.argv) > 3 else 'alloc'
top = int(sys.argv[4]) if len(sys.argv) > 4 else 25
ev = 'jdk.ObjectAllocationSample' if mode == 'alloc' else 'jdk.ExecutionSample'
out = subprocess.run(['/usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr', 'print', '--json', '--stack-depth', '128', '--events', ev, f], capture_output=True, text=True).stdout
events = json.loads(out)['recording']['events']
by = collections.defaultdict(collections.Counter)
tot = collections.Counter()
seen = set()
def fname(fr):
    m = fr['method']; cls = m['type']['name'].replace('/', '.')
    return '%s.%s:%s' % (cls.split('.')[-1], m['name'], fr.get('lineNumber')), cls
for e in events:
    v = e['values']
    th = v.get('eventThread') or v.get('sampledThread') or {}
    name = th.get('javaName') or th.get('osName') or '?'
    side = 'client' if name == 'main' else ('server' if (th.get('virtual') or 'ForkJoin' in (name or '')) else 'other')
    if mode == 'alloc':
        tid = th.get('javaThreadId')
        if not th.get('virtual') and tid not in seen:  # the first sample of a thread weighs everything since it started
            seen.add(tid)
            continue
        w = v.get('weight', 0)
    else:
        w = 1
    frames = v['stackTrace']['frames'] if v.get('stackTrace') else []
    site = None; jsse = False
    for fr in frames:
        s, cls = fname(fr)
        if cls.startswith('sun.security.ssl'):
            jsse = True
        if cls.startswith('dev.tlskit') and not cls.startswith('dev.tlskit.bench'):
            site = ('JSSE<-' if jsse else '') + s
            break
    if site is None:
        site = 'JDK-only(' + (fname(frames[0])[0] if frames else '?') + ')' if not jsse else 'JSSE (no TlsKit frame)'
    by[side][site] += w
    tot[side] += w
unit = 1 if mode == 'alloc' else 1
for side in ('client', 'server', 'other'):
    print('== %s total %.0f per hs' % (side, tot[side] / n))
    for site, w in by[side].most_common(top):
        print('  %10.1f  %s' % (w / n, site))
