# corpus: generator pipeline (yield from, a generator's return value) feeding worker threads through a Queue
import queue
import threading

CSV = """\
# region,product,units
north,widget,12
south,gadget,7

north,gadget,3
east,widget,9
# trailing comment
south,widget,4
east,gizmo,11
west,gizmo,6"""


def read_lines(text):
    yield from text.splitlines()


def records(lines):
    for line in lines:
        if not line or line.startswith("#"):
            continue
        region, product, units = line.split(",")
        yield region, product, int(units)


def batches(items, size):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def numbered(gen):
    """Re-yield everything from gen and return how many items there were."""
    count = 0
    for item in gen:
        count += 1
        yield count, item
    return count


def produce():
    total = yield from numbered(batches(records(read_lines(CSV)), 3))
    print(f"producer: queued {total} batches")


tasks = queue.Queue()
totals = {}
totals_lock = threading.Lock()


def worker():
    while True:
        task = tasks.get()
        if task is None:
            tasks.task_done()
            break
        number, batch = task
        units = sum(u for _, _, u in batch)
        with totals_lock:
            totals[number] = units
        print(f"{threading.current_thread().name}: batch {number} -> {units} units")
        tasks.task_done()


workers = [threading.Thread(target=worker, name=f"worker-{i}") for i in range(1, 3)]
for w in workers:
    w.start()

for task in produce():
    tasks.put(task)
for _ in workers:
    tasks.put(None)
tasks.join()
for w in workers:
    w.join()

print("per batch:", dict(sorted(totals.items())))
print("grand total:", sum(totals.values()))
