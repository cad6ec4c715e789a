# Two threads append to a file, then the program prints it. No reset undoes
# a file written: without --sandbox each explored schedule finds what the
# ones before it appended ("ab", "abab", ...), and explore says so on
# stderr; with --sandbox every schedule starts in an empty scratch folder
# and prints only its own two letters (tests/test_explore.c).
import threading


def append(c):
    with open('log.txt', 'a') as f:
        f.write(c)


ts = [threading.Thread(target=append, args=(c,)) for c in 'ab']
for t in ts:
    t.start()
for t in ts:
    t.join()
with open('log.txt') as f:
    print(f.read())
