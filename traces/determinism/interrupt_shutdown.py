# A KeyboardInterrupt in threading._shutdown (main waiting for a thread at
# exit): "Exception ignored in: <module 'threading' ...>" above its
# traceback, exit 0, as python3.11's (the .out).
import _thread, threading, time
def w(): time.sleep(0.1); _thread.interrupt_main(); time.sleep(0.1)
threading.Thread(target=w).start()
