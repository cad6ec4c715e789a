# threadsim: scenario timer/hello (tutorial page 6a)
# threadsim: python 2
import threading

def hello():
    print "hello, Timer"

if __name__ == '__main__':
    t = threading.Timer(3.0, hello)
    t.start()
