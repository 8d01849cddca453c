#!/usr/bin/env python3
"""Bytes a phone downloads for one page of a built site: the HTML, plus for
each <img> the file a browser picks (the first <source> whose type it reads,
else the <img>; the smallest srcset candidate at least as wide as the slot
in device pixels, else the largest), as a reader who scrolls to the end.

    python3 bench/phone_bytes.py PUBLIC_DIR /news/x/ [--width 390] [--dpr 3]

The slot is `sizes` evaluated for a phone: its first media condition that
holds, else the last length (`100vw` = the viewport, `40rem` = 640 px).
Stylesheet and scripts are the same before and after and left out.
"""

import argparse
import os
import re
import sys
from html.parser import HTMLParser
from urllib.parse import unquote


class Pictures(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images = []  # (sources [(type, srcset, sizes)], img attrs)
        self.sources = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "picture":
            self.sources = []
        elif tag == "source" and self.sources is not None:
            self.sources.append((a.get("type", ""), a.get("srcset", ""), a.get("sizes", "")))
        elif tag == "img":
            self.images.append((self.sources or [], a))

    def handle_endtag(self, tag):
        if tag == "picture":
            self.sources = None


def length(text, viewport):
    text = text.strip()
    if text.endswith("vw"):
        return float(text[:-2]) * viewport / 100
    if text.endswith("rem"):
        return float(text[:-3]) * 16
    if text.endswith("px"):
        return float(text[:-2])
    return viewport


def slot(sizes, viewport):
    for part in [p.strip() for p in sizes.split(",") if p.strip()]:
        m = re.match(r"\(min-width:\s*([\d.]+)rem\)\s*(.+)", part)
        if m:
            if viewport >= float(m.group(1)) * 16:
                return length(m.group(2), viewport)
            continue
        return length(part, viewport)
    return viewport


def pick(srcset, need):
    cands = []
    for c in srcset.split(","):
        url, _, d = c.strip().rpartition(" ")
        cands.append((int(d.rstrip("w")), url))
    cands.sort()
    for w, url in cands:
        if w >= need:
            return url
    return cands[-1][1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("public")
    ap.add_argument("page")
    ap.add_argument("--width", type=float, default=390)
    ap.add_argument("--dpr", type=float, default=3)
    ap.add_argument("--types", default="image/avif,image/webp")
    args = ap.parse_args()
    readable = set(args.types.split(","))
    html_path = os.path.join(args.public, args.page.strip("/"), "index.html")
    html = open(html_path, "rb").read()
    parser = Pictures()
    parser.feed(html.decode("utf-8"))
    total = len(html)
    photos = 0
    for sources, img in parser.images:
        url = None
        for typ, srcset, sizes in sources:
            if typ in readable and srcset:
                url = pick(srcset, slot(sizes, args.width) * args.dpr)
                break
        if url is None:
            if img.get("srcset"):
                url = pick(img["srcset"], slot(img.get("sizes", "100vw"), args.width) * args.dpr)
            else:
                url = img.get("src", "")
        path = os.path.join(args.public, unquote(url).lstrip("/"))
        if os.path.isfile(path):
            photos += os.path.getsize(path)
    total += photos
    print(f"{total} {len(html)} {photos} {len(parser.images)}")


if __name__ == "__main__":
    sys.exit(main())
