# corpus: the walrus operator := in a worker loop (while (line := q.get()) is not None), in if-conditions and comprehensions
import queue
import re
import threading

ACCESS_LOG = """\
10.0.0.1 GET /index.html 200 5120
10.0.0.7 GET /missing.png 404 0
10.0.0.1 POST /api/login 200 87
10.0.0.9 GET /favicon.ico 404 0
10.0.0.7 GET /about 200 20480
10.0.0.3 DELETE /api/session 500 13
10.0.0.9 GET /index.html 304 0"""

LINE = re.compile(r"(?P<ip>\S+) (?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}) (?P<size>\d+)")

lines = queue.Queue()
problems = []
problems_lock = threading.Lock()


def scanner():
    while (line := lines.get()) is not None:
        if (m := LINE.match(line)) and (status := int(m["status"])) >= 400:
            with problems_lock:
                problems.append((status, m["path"], m["ip"]))
        lines.task_done()
    lines.task_done()  # for the sentinel


t = threading.Thread(target=scanner, name="scanner")
t.start()

for entry in ACCESS_LOG.splitlines():
    lines.put(entry)
lines.put(None)
lines.join()
t.join()

print(f"{len(problems)} problem requests:")
for status, path, ip in sorted(problems):
    print(f"  {status} {path} from {ip}")

big = [(m["path"], size) for entry in ACCESS_LOG.splitlines()
       if (m := LINE.match(entry)) and (size := int(m["size"])) > 1000]
print("large responses:", big)

chunks = iter(ACCESS_LOG.splitlines())
n = 0
while batch := [line for _, line in zip(range(3), chunks)]:
    n += 1
    print(f"batch {n}: {len(batch)} lines")
