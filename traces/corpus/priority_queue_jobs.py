# corpus: queue.PriorityQueue with (priority, sequence, job) tuples: a print-job spooler served by one worker thread
import itertools
import queue
import threading
import time

jobs = queue.PriorityQueue()
sequence = itertools.count()  # tie-breaker: equal priorities keep submission order


def submit(priority, document, pages):
    jobs.put((priority, next(sequence), {"doc": document, "pages": pages}))


def printer():
    while True:
        priority, seq, job = jobs.get()
        if job is None:
            jobs.task_done()
            break
        time.sleep(job["pages"] * 0.01)
        print(f"printed p{priority} #{seq:02d} {job['doc']:<14} {job['pages']:>3} pages")
        jobs.task_done()


# a burst of jobs arrives before the printer is switched on
submit(3, "newsletter.pdf", 12)
submit(1, "invoice-17.pdf", 2)
submit(2, "slides.pptx", 30)
submit(1, "invoice-18.pdf", 3)
submit(5, "photo.png", 1)
submit(2, "contract.docx", 8)

worker = threading.Thread(target=printer, name="printer")
worker.start()
time.sleep(0.1)
# urgent job while the printer is busy: it jumps the queue
submit(0, "boarding.pdf", 1)
jobs.put((99, next(sequence), None))  # lowest priority: stop after everything else
jobs.join()
worker.join()
print("queue empty:", jobs.empty())

try:
    q = queue.PriorityQueue()
    q.put((1, {"a": 1}))
    q.put((1, {"b": 2}))
except TypeError as exc:
    print("without a tie-breaker:", exc)
