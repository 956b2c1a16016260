import sys, re, statistics as st
cur=None; data={}
for line in open(sys.argv[1]):
    m=re.match(r'## JVM (\w)', line)
    if m: cur=m.group(1); data.setdefault(cur, []).append({}); continue
    m=re.match(r'(\d+) (\w)\s+n=\d+ rate median ([\d.]+) MB/s .* cpu/MB median ([\d.]+) ms', line)
    if m and cur:
        data[cur][-1][(int(m.group(1)), m.group(2))]=(float(m.group(3)), float(m.group(4)))
sizes=sorted({k[0] for v in data.values() for d in v for k in d})
print("per JVM, native ÷ raw JDK in the same JVM (rate ratio / CPU-per-MB ratio); median over JVMs of each build")
print("| size | A (main): rate ratios | A median | B (branch): rate ratios | B median | A cpu ratios | A median | B cpu ratios | B median |")
print("|---|---|---:|---|---:|---|---:|---|---:|")
for s in sizes:
    row=[str(s)]
    cols={}
    for v in 'AB':
        rr=[d[(s,'N')][0]/d[(s,'J')][0] for d in data.get(v,[]) if (s,'N') in d and (s,'J') in d]
        cr=[d[(s,'N')][1]/d[(s,'J')][1] for d in data.get(v,[]) if (s,'N') in d and (s,'J') in d]
        cols[v]=(rr,cr)
    for v in 'AB':
        rr=cols[v][0]; row += [", ".join("%.2f"%x for x in rr), "%.2f"%st.median(rr) if rr else "-"]
    for v in 'AB':
        cr=cols[v][1]; row += [", ".join("%.2f"%x for x in cr), "%.3f"%st.median(cr) if cr else "-"]
    print("| "+" | ".join(row)+" |")
# absolute native cpu/MB medians
print()
print("| size | native CPU ms/MB, A median | B median | raw JDK CPU ms/MB, A median | B median |")
print("|---|---:|---:|---:|---:|")
for s in sizes:
    r=[str(s)]
    for st_ in 'NJ':
        for v in 'AB':
            xs=[d[(s,st_)][1] for d in data.get(v,[]) if (s,st_) in d]
            r.append("%.3f"%st.median(xs) if xs else "-")
    print("| "+" | ".join(r)+" |")
