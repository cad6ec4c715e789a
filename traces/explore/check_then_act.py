# A check-then-act race: each thread checks the balance outside the lock
# and withdraws inside it, so both can pass the check and overdraw. The
# explorer's explanation names the variable (read by one thread while the
# other was switched out, written by that one after), not only the lock
# (tests/test_explore.c).
import threading

balance = 100
lock = threading.Lock()


def withdraw(n):
    global balance
    if balance >= n:
        with lock:
            balance -= n


threads = [threading.Thread(target=withdraw, args=(80,)) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert balance >= 0, balance
print(balance)
