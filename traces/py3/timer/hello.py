# threadsim: scenario timer/hello (tutorial page 6a, Python 3)
import threading

def hello():
    print("hello, Timer")

if __name__ == '__main__':
    t = threading.Timer(3.0, hello)
    t.start()
