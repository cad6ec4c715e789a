# corpus: a read-sleep-write race on a shared balance: deposits are lost without a lock, and kept with one
import threading
import time

balance = 0


def deposit_unsafe(amount, times):
    global balance
    for _ in range(times):
        current = balance          # read
        time.sleep(0.01)           # e.g. talking to the bank's API
        balance = current + amount  # write back a stale value


def run(target, n_threads=5, times=4):
    global balance
    balance = 0
    threads = [threading.Thread(target=target, args=(10, times)) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return n_threads * times * 10


expected = run(deposit_unsafe)
print(f"without a lock: balance {balance} (expected {expected}), lost {(expected - balance) // 10} deposits")

lock = threading.Lock()


def deposit_safe(amount, times):
    global balance
    for _ in range(times):
        with lock:
            current = balance
            time.sleep(0.01)
            balance = current + amount


expected = run(deposit_safe)
print(f"with a lock:    balance {balance} (expected {expected})")
