# threadsim: options --max-steps 1000000
# threadsim: exit 124
# expect: spinning
import threading
print("spinning")
done = False
def spin():
    while not done:
        pass
threading.Thread(target=spin).start()
spin()
