# os.close, os.read and os.write are threadsim's own (pipes between threads
# on the virtual clock, threadsim's descriptors left alone): their errors'
# tracebacks are still python3's, with no frame of threadsim's in them
# (os_errors.out: python3.11's output, but for the path, which python3
# makes absolute).
import os
import threading


def worker():
    try:
        os.read(999, 1)
    except OSError as e:
        print("read:", e)


t = threading.Thread(target=worker)
t.start()
t.join()
os.close(999)
