#!/usr/bin/env python3
"""A seed corpus from other text: the Japanese message catalogs installed on
this machine (/usr/share/locale/ja/LC_MESSAGES/*.mo, from GTK, glib, GnuPG,
wget, …). Their translations are short Japanese sentences full of loanwords
and English terms, unlike the dev corpus's prose and React docs, so speed and
memory figures can be checked on text the dev corpus did not shape. Grow it
with the corpus's own generator:

  scripts/ja-catalog-corpus.py > /tmp/other.jsonl
  python3 ../shared/corpus/synth.py /tmp/other.jsonl 100000 > /tmp/other-100k.jsonl
"""
import glob, gettext, json, sys, datetime

entries = []
for path in sorted(glob.glob("/usr/share/locale/ja/LC_MESSAGES/*.mo")):
    try:
        with open(path, "rb") as f:
            catalog = gettext.GNUTranslations(f)._catalog
    except Exception:
        continue
    texts = [v for k, v in catalog.items() if k and isinstance(v, str) and len(v) > 8]
    name = path.rsplit("/", 1)[1][:-3]
    # Entries of 12 messages, each message a paragraph.
    for i in range(0, len(texts), 12):
        chunk = texts[i:i + 12]
        if len(chunk) < 4:
            continue
        entries.append({"id": f"{name}-{i // 12}", "source": f"{name}#{i // 12}",
                        "title": chunk[0][:40].replace("\n", " "), "tags": [name],
                        "date": (datetime.date(2010, 1, 1) + datetime.timedelta(days=len(entries) % 5000)).isoformat(),
                        "body": "\n\n".join(t.strip() for t in chunk)})
for e in entries:
    sys.stdout.write(json.dumps(e, ensure_ascii=False) + "\n")
print(f"{len(entries)} entries from the installed Japanese catalogs", file=sys.stderr)
