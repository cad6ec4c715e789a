# threadsim: scenario subclass/sleep (tutorial page 5b)
# threadsim: python 2
import threading
import time

class MyThread(threading.Thread):
    def run(self):
        time.sleep(5)
        return

if __name__ == '__main__':
    for i in range(3):
        t = MyThread()
        t.start()
        print 't.is_alive()=', t.is_alive()
        t.join()
        print 't.is_alive()=', t.is_alive()
