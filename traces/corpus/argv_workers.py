# corpus: sys.argv: the worker count and the job names come from the command line
# threadsim: args 2 resize-images send-emails rebuild-index
import sys
import threading
import time

print("arguments:", sys.argv[1:])
if len(sys.argv) < 3:
    print(f"usage: {sys.argv[0]} N_WORKERS JOB...", file=sys.stderr)
    sys.exit(2)

n_workers = int(sys.argv[1])
jobs = sys.argv[2:]
lock = threading.Lock()
done = []


def run_jobs(my_jobs):
    for job in my_jobs:
        time.sleep(0.01 * len(job))
        with lock:
            done.append(job)


# deal the jobs out: worker i gets jobs i, i+n, i+2n, ...
threads = [threading.Thread(target=run_jobs, args=(jobs[i::n_workers],)) for i in range(n_workers)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"{len(done)} jobs on {n_workers} workers, finished in this order:")
for i, job in enumerate(done, 1):
    print(f"  {i}. {job}")
