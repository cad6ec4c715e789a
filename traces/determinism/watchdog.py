# A lone thread computing, in a program not compiled with ticks (it names
# `dis`, so threadsim compiles it as written: its lines count through the
# tracer). Its run must be the same bytes however often the wall-clock
# watchdog fires (tests/test_explore.c, test_watchdog_changes_no_schedule):
# the objects' addresses after the loop, and with --max-steps the step the
# loop stops at.
import dis


class Node:
    pass


def spin(n):
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


print(spin(300000))
print(Node(), Node())
n = 0
while True:
    n += 1
    if n % 100000 == 0:
        print(n, object())
