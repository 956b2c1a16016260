import json, sys
for f in sys.argv[1:]:
    d = json.load(open(f))
    print(f"## {f}: rounds {d['rounds']}, control {d.get('control')}, load {d['load_avg']['start']} -> {d['load_avg']['end']}")
    rows = [(f"{r['message_bytes']} B", r, "") for r in d['throughput']['by_size']] + [("full hs", d['handshakes'], ""), ("resumed hs", d['handshakes'], "resumed_")]
    for name, r, p in rows:
        out = []
        for k, lab in (("ratio", "T/J"), ("native_ratio", "N/J"), ("control_ratio", "C/J")):
            if p + k + "_median" not in r: continue
            lo, hi = r[p + k + "_median_ci95"]
            rs = r[p + k + "_rounds"]
            out.append(f"{lab} {r[p+k]:.2f} med {r[p+k+'_median']:.2f} [{lo:.2f}-{hi:.2f}] {sum(x<1 for x in rs)}/{len(rs)}<1")
        print(f"  {name:10} " + " | ".join(out))
