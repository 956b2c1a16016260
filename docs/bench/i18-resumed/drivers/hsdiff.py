import json, subprocess, sys, collections
f, n, depth = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
out = subprocess.run(['/usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr', 'print', '--json', '--stack-depth', '200', '--events', 'jdk.ExecutionSample', f], capture_output=True, text=True).stdout
events = json.loads(out)['recording']['events']
c = {True: collections.Counter(), False: collections.Counter()}
leaf = {True: collections.Counter(), False: collections.Counter()}
def nm(fr):
    m = fr['method']; return m['type']['name'].split('/')[-1] + '.' + m['name']
for e in events:
    v = e['values']
    if (v.get('sampledThread') or {}).get('javaName') != 'main': continue
    frames = [nm(x) for x in v['stackTrace']['frames']][::-1]
    if not any(x.startswith(('Phases.main', 'Ladder.main')) for x in frames): continue
    tk = any(x.startswith('TlsClient') for x in frames)
    try:
        i = max(k for k, x in enumerate(frames) if x == 'SSLSocketImpl.startHandshake')
    except ValueError:
        continue
    c[tk][' > '.join(frames[i+1:i+1+depth])] += 1
    leaf[tk][frames[-1]] += 1
def show(cc, title):
    keys = set(cc[True]) | set(cc[False])
    rows = sorted(keys, key=lambda k: -(cc[True][k] - cc[False][k]))
    print('==', title, 'TlsKit total %.1f JDK total %.1f us/conn' % (sum(cc[True].values())*1000/n, sum(cc[False].values())*1000/n))
    for k in rows[:int(sys.argv[4])] + rows[-int(sys.argv[4]):]:
        print('%7.2f %7.2f %+7.2f  %s' % (cc[True][k]*1000/n, cc[False][k]*1000/n, (cc[True][k]-cc[False][k])*1000/n, k))
show(c, 'paths below startHandshake')
show(leaf, 'leaf frames')
