# corpus: threading.Barrier with an action run once per round: three workers advance a simulation in lock-step
import threading
import time

N_WORKERS = 3
ROUNDS = 3
positions = {}
history = []


def end_of_round():
    # runs in exactly one thread (the last to arrive) while the others wait
    snapshot = " ".join(f"{name}={positions[name]:>2}" for name in sorted(positions))
    history.append(snapshot)
    print(f"-- round {len(history)} complete: {snapshot} (action ran in {threading.current_thread().name})")


barrier = threading.Barrier(N_WORKERS, action=end_of_round)


def particle(speed):
    name = threading.current_thread().name
    positions[name] = 0
    for step in range(ROUNDS):
        time.sleep(0.05 * speed)  # computing the next position
        positions[name] += speed
        index = barrier.wait()
        if index == 0:
            print(f"   {name} arrived first in round {step + 1}")


threads = [threading.Thread(target=particle, args=(speed,), name=f"p{speed}") for speed in (3, 1, 2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("final:", history[-1])
print("barrier broken?", barrier.broken, "| parties:", barrier.parties, "| waiting:", barrier.n_waiting)
