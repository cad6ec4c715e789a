# Output that is markup: the teaching page (export --explore, explore --html)
# embeds every outcome's output in a <script>; none of it may end that
# script or open a comment there ("</script>", "<!--<script>"), and each
# must read back as printed (it once showed "a<//b>c" for "a</b>c").
import threading


def show(s):
    print(s)


for s in ("a</b>c", "<!--<script>", "</script><script>alert(1)</script>"):
    threading.Thread(target=show, args=(s,)).start()
