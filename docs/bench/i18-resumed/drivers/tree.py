import json, subprocess, sys, collections
f, n = sys.argv[1], int(sys.argv[2])
out = subprocess.run(['/usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr', 'print', '--json', '--stack-depth', '200', '--events', 'jdk.ExecutionSample', f], capture_output=True, text=True).stdout
events = json.loads(out)['recording']['events']
c = collections.Counter()
def nm(fr):
    m = fr['method']; return m['type']['name'].split('/')[-1] + '.' + m['name'] + ':' + str(fr.get('lineNumber'))
for e in events:
    v = e['values']
    th = v.get('sampledThread') or {}
    if th.get('javaName') != 'main': continue
    frames = [nm(x) for x in v['stackTrace']['frames']][::-1]  # bottom first
    try:
        i = next(k for k, x in enumerate(frames) if x.startswith(('Phases.main', 'Ladder.main')))
    except StopIteration:
        continue
    path = frames[i:i+int(sys.argv[3])]
    # cut the path at startHandshake (same code for both)
    cut = []
    for x in path[1:]:
        cut.append(x)
        if 'startHandshake' in x or 'SSLSocketImpl.close' in x: break
    c[' > '.join(cut)] += 1
for k, w in c.most_common(int(sys.argv[4])):
    print('%8.2f us/conn  %s' % (w * 1000.0 / n, k))
