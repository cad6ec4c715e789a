# corpus: logging from threads: getLogger(__name__), two handlers with their own levels and formatters, a custom Formatter, threadName
import logging
import sys
import threading
import time


class ElapsedFormatter(logging.Formatter):
    """Prefix each record with the seconds since logging started, to 0.1 s."""

    def format(self, record):
        record.elapsed = f"{record.relativeCreated / 1000:4.1f}s"
        record.levelinitial = record.levelname[0]
        return super().format(record)


logger = logging.getLogger(__name__)
logger.setLevel(logging.DEBUG)

console = logging.StreamHandler(sys.stdout)
console.setLevel(logging.INFO)
console.setFormatter(ElapsedFormatter("%(elapsed)s %(levelinitial)s [%(threadName)-10s] %(message)s"))
logger.addHandler(console)

errors = logging.StreamHandler(sys.stderr)
errors.setLevel(logging.WARNING)
errors.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(threadName)s:%(message)s"))
logger.addHandler(errors)

db_logger = logging.getLogger(__name__ + ".db")  # propagates to the handlers above


def download(name, seconds, fail=False):
    logger.debug("this is below the console level and never shown")
    logger.info("starting %s (%.1fs)", name, seconds)
    time.sleep(seconds)
    if fail:
        logger.warning("%s: checksum mismatch, retrying", name)
        time.sleep(0.3)
    db_logger.info("saved %s", name)
    logger.info("finished %s", name)


threads = [
    threading.Thread(target=download, args=("a.zip", 0.5), name="fetch-a"),
    threading.Thread(target=download, args=("b.zip", 0.3, True), name="fetch-b"),
    threading.Thread(target=download, args=("c.zip", 1.0), name="fetch-c"),
]
logger.info("spawning %d downloads", len(threads))
for t in threads:
    t.start()
for t in threads:
    t.join()

try:
    1 / 0
except ZeroDivisionError:
    logger.error("division failed: %s", "1 / 0", exc_info=False)
logger.info("all done")
logging.shutdown()
