# corpus: itertools (count, islice, cycle, groupby, chain, accumulate, product, zip_longest, batching) splitting work across threads
import itertools
import threading
from operator import itemgetter

EVENTS = [
    ("cart", 3), ("cart", 1), ("login", 1), ("login", 1), ("login", 1),
    ("search", 4), ("cart", 2), ("search", 2), ("search", 1), ("logout", 1),
]

N_WORKERS = 3
assignments = {name: [] for name in ("w0", "w1", "w2")}
ids = itertools.count(1000)

# deal the events round-robin to the workers, each with a fresh id
for worker, event in zip(itertools.cycle(assignments), EVENTS):
    assignments[worker].append((next(ids), *event))

totals = {}
totals_lock = threading.Lock()


def work(name, jobs):
    # groupby needs sorted input
    jobs = sorted(jobs, key=itemgetter(1))
    summary = {kind: sum(n for _, _, n in group)
               for kind, group in itertools.groupby(jobs, key=itemgetter(1))}
    with totals_lock:
        totals[name] = summary


threads = [threading.Thread(target=work, args=item) for item in assignments.items()]
for t in threads:
    t.start()
for t in threads:
    t.join()

for name in sorted(totals):
    print(name, [job_id for job_id, *_ in assignments[name]], totals[name])

all_counts = [n for _, n in EVENTS]
print("running total:", list(itertools.accumulate(all_counts)))
print("first four ids:", list(itertools.islice(itertools.chain.from_iterable(
    [job[0] for job in jobs] for jobs in assignments.values()), 4)))
print("pairs:", ["".join(p) for p in itertools.product("ab", "xy")])
print("zipped:", list(itertools.zip_longest("abc", [1, 2], fillvalue="-")))


def batched(iterable, n):
    it = iter(iterable)
    while batch := tuple(itertools.islice(it, n)):
        yield batch


print("batches:", list(batched(range(7), 3)))
print("pairwise:", list(itertools.pairwise([1, 4, 9, 16])))
print("combinations:", len(list(itertools.combinations(range(5), 2))))
