# Seconds from a save to the edited page, and to the new search index,
# served by `roadbook serve` over HTTP (5 body edits of one skill).
# Usage: findable.py HANDBOOK_ROOT ROADBOOK_BINARY
import subprocess, time, urllib.request, sys, os, re, statistics
root, binary = sys.argv[1], sys.argv[2]
port = 4317
p = subprocess.Popen([binary, "serve", "--root", root, "--port", str(port)], stderr=subprocess.PIPE, text=True)
base = None
t0 = time.time()
for line in p.stderr:
    m = re.search(r"serving (http://\S+)", line)
    if m:
        base = m.group(1); break
print("serving after %.1f s" % (time.time() - t0), flush=True)
def get(path):
    try:
        with urllib.request.urlopen(base + path, timeout=30) as r:
            return r.read()
    except Exception as e:
        return b""
# wait for index
while not get("pagefind/pagefind-entry.json"):
    time.sleep(0.2)
skill = os.path.join(root, "content/skills")
f = sorted(os.listdir(skill))[7]
path = os.path.join(skill, f)
orig = open(path).read()
times_page, times_index = [], []
slug = f[:-3]
for i in range(5):
    word = "zqxword%d" % i
    before = get("pagefind/pagefind-entry.json")
    start = time.time()
    open(path, "w").write(orig + "\n\nA new word: %s.\n" % word)
    page_at = None
    while True:
        if page_at is None and word.encode() in get("skills/%s/" % slug):
            page_at = time.time() - start
        e = get("pagefind/pagefind-entry.json")
        if e and e != before:
            break
        time.sleep(0.05)
    idx = time.time() - start
    times_page.append(page_at or idx); times_index.append(idx)
    print("edit %d: page %.2f s, new index %.2f s" % (i, page_at or -1, idx), flush=True)
    time.sleep(1.5)
open(path, "w").write(orig)
print("median: page %.2f s, new index served %.2f s" % (statistics.median(times_page), statistics.median(times_index)))
p.terminate(); p.wait()
