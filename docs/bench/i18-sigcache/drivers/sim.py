import random
def run(N, S, ways, policy, rounds=6):
    sets = S // ways
    table = [[None]*ways for _ in range(sets)]
    stamp = [[0]*ways for _ in range(sets)]
    keys = [random.getrandbits(32) for _ in range(N)]
    t = 0; hits = 0; total = 0
    for r in range(rounds):
        for k in keys:
            t += 1
            s = k % sets
            row = table[s]
            if k in row:
                if r >= 3: hits += 1
                stamp[s][row.index(k)] = t
            else:
                if None in row: i = row.index(None)
                elif policy == 'lru': i = min(range(ways), key=lambda j: stamp[s][j])
                else: i = random.randrange(ways)
                row[i] = k; stamp[s][i] = t
            if r >= 3: total += 1
    return hits / total
for N in (100, 300, 500, 750, 900, 1000):
    print(N, 'direct %.2f' % run(N,1024,1,'lru'), '2way-lru %.2f' % run(N,1024,2,'lru'), '4way-lru %.2f' % run(N,1024,4,'lru'), '4way-rand %.2f' % run(N,1024,4,'rand'), '8way-lru %.2f' % run(N,1024,8,'lru'))
