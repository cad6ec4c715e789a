# threadsim: scenario rlock/class (tutorial page 9d)
# threadsim: python 2
import threading

class X:
    def __init__(self):
        self.a = 1
        self.b = 2
        self.lock = threading.RLock()

    def changeA(self):
        with self.lock:
            self.a = self.a + 1

    def changeB(self):
        with self.lock:
            self.b = self.b + self.a

    def changeAandB(self):
        # you can use changeA and changeB thread-safe!
        with self.lock:
            self.changeA() # a usual lock would block here
            self.changeB()

x = X()
x.changeA()
x.changeB()
x.changeAandB()
