# corpus: subclassing threading.Thread (overriding __init__ and run, returning a result through an attribute)
import threading
import time


class PortScanner(threading.Thread):
    def __init__(self, host, ports, delay):
        super().__init__(name=f"scan-{host}")
        self.host = host
        self.ports = ports
        self.delay = delay
        self.open_ports = []

    def run(self):
        print(f"{self.name}: scanning {len(self.ports)} ports")
        for port in self.ports:
            time.sleep(self.delay)  # waiting for the connection attempt
            if port % 2 == 0 or port == 443:
                self.open_ports.append(port)
        print(f"{self.name}: done")


class Countdown(threading.Thread):
    def __init__(self, n):
        super().__init__(daemon=True)
        self.n = n

    def run(self):
        while self.n > 0:
            self.n -= 1
            time.sleep(0.05)


scanners = [
    PortScanner("10.0.0.1", [22, 80, 443], 0.1),
    PortScanner("10.0.0.2", [21, 25, 8080, 8443], 0.07),
]
for s in scanners:
    s.start()

c = Countdown(3)
print(c.name, "daemon" if c.daemon else "not daemon", "alive" if c.is_alive() else "not started")
c.start()

for s in scanners:
    s.join()
    print(f"{s.host}: open {s.open_ports}")
c.join()
print(c.name, "finished with n =", c.n, "alive:", c.is_alive())
print("isinstance:", isinstance(scanners[0], threading.Thread))
try:
    scanners[0].start()
except RuntimeError as exc:
    print("RuntimeError:", exc)
