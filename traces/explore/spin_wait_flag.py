# A thread spins on a flag that the main thread sets: python3 always prints
# "ok" (when the spinner's switch interval runs out while main waits for
# the GIL, CPython's forced switching hands it to main). The explorer's
# schedules let the spinner take it back at every interval: a run limit
# ("FAILS: limit") with no preemption, which no bound excluded.
import threading

done = False


def spinner():
    while not done:
        pass


t = threading.Thread(target=spinner)
t.start()
done = True
t.join()
print("ok")
