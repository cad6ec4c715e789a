# corpus: dining philosophers with forks as Locks, deadlock avoided by always picking up the lower-numbered fork first
import threading
import time

NAMES = ["Aristotle", "Kant", "Spinoza", "Marx", "Russell"]
MEALS = 3
forks = [threading.Lock() for _ in NAMES]
meals_eaten = {name: 0 for name in NAMES}
log = []
log_lock = threading.Lock()


def note(message):
    with log_lock:
        log.append(message)


def philosopher(i):
    name = NAMES[i]
    left, right = i, (i + 1) % len(forks)
    first, second = min(left, right), max(left, right)
    think, eat = 0.01 * (i + 1), 0.04 + 0.01 * i
    for _ in range(MEALS):
        time.sleep(think)
        with forks[first]:
            with forks[second]:
                meals_eaten[name] += 1
                note(f"{name} eats meal {meals_eaten[name]} with forks {first} and {second}")
                time.sleep(eat)


threads = [threading.Thread(target=philosopher, args=(i,), name=NAMES[i]) for i in range(len(NAMES))]
for t in threads:
    t.start()
for t in threads:
    t.join()

print("\n".join(log))
print("meals:", meals_eaten)
print("everyone ate:", all(n == MEALS for n in meals_eaten.values()))
