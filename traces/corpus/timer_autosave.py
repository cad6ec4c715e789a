# corpus: threading.Timer with cancel(): a debounced autosave restarted on every edit, plus a reminder cancelled before it fires
import threading
import time

t0 = time.monotonic()
saves = []


class Editor:
    def __init__(self, delay):
        self.delay = delay
        self.text = ""
        self._timer = None
        self._lock = threading.Lock()

    def type(self, chars):
        with self._lock:
            self.text += chars
            if self._timer is not None:
                self._timer.cancel()  # restart the countdown
            self._timer = threading.Timer(self.delay, self.save)
            self._timer.start()

    def save(self):
        with self._lock:
            saves.append(self.text)
            print(f"[{time.monotonic() - t0:.1f}s] autosaved {self.text!r}")


editor = Editor(delay=0.5)
for chunk, pause in [("Hel", 0.2), ("lo", 0.3), (", wor", 0.6), ("ld", 0.1), ("!", 0.8)]:
    editor.type(chunk)
    time.sleep(pause)

reminder = threading.Timer(5.0, print, args=("this reminder never fires",))
reminder.start()
time.sleep(0.1)
print("reminder alive:", reminder.is_alive())
reminder.cancel()
reminder.join()
print("reminder alive after cancel:", reminder.is_alive(), "| finished:", reminder.finished.is_set())
print("saves:", saves)
print(f"done at {time.monotonic() - t0:.1f}s")
