import re,glob,statistics as st,sys
rows={}
for f in sorted(glob.glob('/tmp/i18-lazytimer/runs/ht-*.txt')):
    m=re.search(r'ht-(\w+)-([AB])-(\d)\.txt',f); kind,side,n=m.groups()
    lines=open(f).read().splitlines()[1:]
    for i in range(0,len(lines),2):
        cpu,sw=lines[i],lines[i+1]
        pair=cpu[:22].strip()
        hs=float(re.search(r'(\d+) hs',cpu).group(1)); proc=float(re.search(r'process ([\d.]+)',cpu).group(1))
        d=dict((k,float(v)) for k,v in re.findall(r'(\S+)=([\d.]+)',cpu.split('|')[1]))
        s=dict((k,float(v)) for k,v in re.findall(r'(\S+)=([\d.]+)',sw.split('|')[1]))
        rows.setdefault((kind,pair,side),[]).append(dict(hs=hs,proc=proc,nojit=proc-d.get('C#',d.get('C# CompilerThre',0)),
            client=d.get('java',0),server=d.get('ForkJoinPool-#-',0),wd=d.get('tlskit-watchdog',0),
            wdsw=s.get('tlskit-watchdog',0),allsw=sum(s.values()),clsw=s.get('java',0)))
print("kind pairing side n | hs/slice-run | process ms | client(java) ms | server(FJP) ms | watchdog ms | watchdog cs/hs | all threads cs/hs")
for k in sorted(rows):
    r=rows[k]; med=lambda x: st.median([e[x] for e in r])
    print(f"{k[0]:7} {k[1]:22} {k[2]} {len(r)} | {med('hs'):6.0f} | {med('proc'):.3f} | {med('client'):.3f} | {med('server'):.3f} | {med('wd'):.3f} | {med('wdsw'):.2f} | {med('allsw'):.2f}")
