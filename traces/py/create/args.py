# threadsim: scenario create/args (tutorial page 1b)
# threadsim: python 2
import threading

def f(id):
    print 'thread function %s' %(id)
    return

if __name__ == '__main__':
    for i in range(3):
        t = threading.Thread(target=f, args=(i,))
        t.start()
