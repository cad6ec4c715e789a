# The thread's append runs in the same step as main's: main appends, then
# blocks in join with only the thread left to run, so no decision comes
# between them. dpor must still reverse them: ['a', 'm'] and ['m', 'a']
# (tests/test_explore.c; an earlier dpor found only the first).
import threading
log = []
def a():
    log.append('a')
t = threading.Thread(target=a)
t.start()
log.append('m')
t.join()
print(log)
