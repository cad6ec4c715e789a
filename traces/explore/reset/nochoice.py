# threadsim: reset corpus: a run that ends before any thread could run beside another
import sys
import threading
print("only", threading.current_thread().name)
sys.exit(2)
