# threadsim: reset corpus: files made, a folder changed, descriptors left open
import os
import shutil
import tempfile
import threading

d = tempfile.mkdtemp()
out = []
kept = []

def w(i):
    f = open(os.path.join(d, 'f%d' % i), 'w')
    f.write('x' * i)
    if i % 2:
        kept.append(f)          # left open: the run's end closes it
    else:
        f.close()
    out.append(i)

ts = [threading.Thread(target=w, args=(i,)) for i in range(3)]
for t in ts:
    t.start()
for t in ts:
    t.join()
os.chdir(d)
print(sorted(os.listdir('.')), out)
os.chdir('/')
shutil.rmtree(d)
