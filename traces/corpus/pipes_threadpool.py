# corpus: pipes between threads: os.pipe with a blocking reader, multiprocessing Pipe and connection.wait, select on a pipe, and multiprocessing.pool.ThreadPool
import os
import select
import threading
import time
from multiprocessing.connection import Pipe, wait
from multiprocessing.pool import ThreadPool

# a reader blocks on an empty pipe until a writer thread fills it, then sees EOF
r, w = os.pipe()

def writer():
    for word in (b"alpha ", b"beta ", b"gamma"):
        time.sleep(0.1)
        os.write(w, word)
    os.close(w)

t = threading.Thread(target=writer)
t.start()
chunks = []
while chunk := os.read(r, 100):
    chunks.append(chunk)
t.join()
os.close(r)
print("pipe:", b"".join(chunks).decode(), "in", len(chunks), "reads")

# a write larger than a pipe holds returns once a reader has drained it all
r, w = os.pipe()
sizes = []

def drain():
    while chunk := os.read(r, 50000):
        sizes.append(len(chunk))

t = threading.Thread(target=drain)
t.start()
print("big write:", os.write(w, b"x" * 300000), select.select([], [w], [], 0)[1] == [w])
os.close(w)
t.join()
os.close(r)
print("drained:", sum(sizes))

# file objects on a pipe: a text reader iterates lines as a writer thread flushes them
r, w = os.pipe()

def log_lines():
    with os.fdopen(w, "w") as f:
        for i in range(3):
            time.sleep(0.1)
            print(f"log line {i}", file=f, flush=True)

threading.Thread(target=log_lines).start()
with os.fdopen(r) as f:
    print("lines:", [line.rstrip() for line in f])

# select with a timeout: nothing yet, then the writer's byte
r, w = os.pipe()
threading.Timer(0.3, os.write, args=(w, b"!")).start()
print("select 0.1:", select.select([r], [], [], 0.1)[0] == [])
print("select 1.0:", select.select([r], [], [], 1.0)[0] == [r], os.read(r, 1))
os.close(r)
os.close(w)

# a non-blocking end raises BlockingIOError as in CPython
r, w = os.pipe()
os.set_blocking(r, False)
try:
    os.read(r, 1)
except BlockingIOError as e:
    print("non-blocking:", type(e).__name__, os.get_blocking(r), os.get_blocking(w))
os.close(r)
os.close(w)

# multiprocessing's Pipe between threads, waited on with connection.wait
a_recv, a_send = Pipe(duplex=False)
b_recv, b_send = Pipe(duplex=False)

def sender(conn, delay, obj):
    time.sleep(delay)
    conn.send(obj)

threading.Thread(target=sender, args=(a_send, 0.4, {"from": "a"})).start()
threading.Thread(target=sender, args=(b_send, 0.2, ["from", "b"])).start()
print("wait 0.05:", wait([a_recv, b_recv], timeout=0.05))
got = []
while len(got) < 2:
    for conn in wait([a_recv, b_recv]):
        if conn not in got:
            print("ready:", "a" if conn is a_recv else "b", conn.recv())
            got.append(conn)
print("poll:", a_recv.poll(), a_recv.poll(0.1))

# a ThreadPool keeps its workers in step through such pipes
def square(n):
    time.sleep(0.05 * (4 - n))
    return n * n

with ThreadPool(3) as pool:
    print("map:", pool.map(square, range(5)))
    print("imap_unordered:", sorted(pool.imap_unordered(square, range(5))))
    res = pool.apply_async(square, (3,))
    print("apply_async:", res.get(timeout=1))
print("done")
