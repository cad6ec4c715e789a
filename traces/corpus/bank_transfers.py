# corpus: bank-account transfer simulation: tellers move money between locked accounts; the total is conserved
import random
import threading
import time


class InsufficientFunds(Exception):
    pass


class Account:
    def __init__(self, owner, balance):
        self.owner = owner
        self.balance = balance
        self.lock = threading.RLock()
        self.history = []

    def withdraw(self, amount):
        with self.lock:
            if amount > self.balance:
                raise InsufficientFunds(f"{self.owner} has {self.balance}, needs {amount}")
            self.balance -= amount
            self.history.append(-amount)

    def deposit(self, amount):
        with self.lock:
            self.balance += amount
            self.history.append(amount)


class Bank:
    def __init__(self, accounts):
        self.accounts = {a.owner: a for a in accounts}
        self.stats_lock = threading.Lock()
        self.done = 0
        self.failed = 0

    def transfer(self, src, dst, amount):
        a, b = self.accounts[src], self.accounts[dst]
        first, second = sorted((a, b), key=lambda acc: acc.owner)
        with first.lock, second.lock:
            try:
                a.withdraw(amount)
            except InsufficientFunds:
                with self.stats_lock:
                    self.failed += 1
                return False
            b.deposit(amount)
        with self.stats_lock:
            self.done += 1
        return True

    def total(self):
        return sum(a.balance for a in self.accounts.values())


bank = Bank([Account(name, 3000) for name in ("alice", "bob", "carol", "dave")])
START_TOTAL = bank.total()


def teller(seed, n):
    rng = random.Random(seed)  # each teller has its own reproducible stream
    names = sorted(bank.accounts)
    for _ in range(n):
        src, dst = rng.sample(names, 2)
        bank.transfer(src, dst, rng.randint(1, 100))
        time.sleep(0.001)


def auditor(stop):
    checks = 0
    while not stop.is_set():
        # lock every account (in order) to see a consistent snapshot
        accounts = sorted(bank.accounts.values(), key=lambda acc: acc.owner)
        for acc in accounts:
            acc.lock.acquire()
        try:
            assert bank.total() == START_TOTAL, "money created or destroyed!"
            checks += 1
        finally:
            for acc in reversed(accounts):
                acc.lock.release()
        time.sleep(0.01)
    print("auditor: every check balanced:", checks > 0)


stop = threading.Event()
audit = threading.Thread(target=auditor, args=(stop,))
audit.start()
tellers = [threading.Thread(target=teller, args=(seed, 50)) for seed in range(4)]
for t in tellers:
    t.start()
for t in tellers:
    t.join()
stop.set()
audit.join()
print("big transfer accepted?", bank.transfer("bob", "alice", 1_000_000))

print(f"transfers: {bank.done} done, {bank.failed} refused")
for owner, acc in sorted(bank.accounts.items()):
    print(f"{owner:<6} {acc.balance:>6}  ({len(acc.history)} movements)")
print("total:", bank.total(), "==", START_TOTAL, bank.total() == START_TOTAL)
