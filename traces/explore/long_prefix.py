# Schedules whose choice lists pass 128 KiB (80,000 decisions): glibc's
# malloc gave each such list a mapping of its own, and a runner's reset
# left the snapshot's list unmapped: the next run faulted as it freed it.
import threading


def work(name):
    for i in range(20000):
        pass
    print(name)


threads = [threading.Thread(target=work, args=(n,)) for n in "AB"]
for t in threads:
    t.start()
print("main")
for t in threads:
    t.join()
