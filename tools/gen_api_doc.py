#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate docs/api.md from the public headers' comments.

Every function declared with OQ_API in include/omniq/*.h is listed under its
header, with the comment that precedes it (or the nearest comment block above
a group of declarations). `--check` exits 1 if docs/api.md is out of date or a
public function has no comment, so a test keeps the reference complete.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
HEADERS = ROOT / "include" / "omniq"
OUT = ROOT / "docs" / "api.md"
ORDER = ["core", "engine", "model", "contact", "escalation", "profile", "stats", "erlang",
         "config", "snapshot", "sim", "calendar", "forecast", "export"]

DECL = re.compile(r"OQ_API\s+([^;{]*?\b(oq_\w+)\s*\([^;]*?\))\s*;", re.S)


def header_title(text):
    m = re.match(r"\s*/\*\s*omniq\s*[—-]\s*(.*?)(?:\n|\*/)", text)
    return m.group(1).strip().rstrip(".") if m else ""


def comment_before(text, pos):
    """The /* ... */ block ending closest above pos, if only blank lines,
    other declarations or #defines separate them."""
    head = text[:pos]
    end = head.rfind("*/")
    if end < 0:
        return ""
    start = head.rfind("/*", 0, end)
    between = head[end + 2:]
    # Allow declarations of the same group (and #defines) between comment and function.
    if re.search(r"\n\s*\n\s*\n", between) or "typedef struct" in between:
        return ""
    body = head[start + 2:end]
    lines = [re.sub(r"^\s*\*\s?", "", l).rstrip() for l in body.splitlines()]
    return " ".join(l.strip() for l in lines if l.strip() and not l.strip().startswith("----")).strip()


def collect():
    docs = []
    missing = []
    names = sorted(HEADERS.glob("*.h"), key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else 99, p.stem))
    for path in names:
        text = path.read_text(encoding="utf-8")
        entries = []
        for m in DECL.finditer(text):
            sig = " ".join(m.group(1).split())
            name = m.group(2)
            doc = comment_before(text, m.start())
            if not doc:
                missing.append(f"{path.name}: {name}")
            entries.append((name, sig, doc))
        if entries:
            docs.append((path.name, header_title(text), entries))
    return docs, missing


def render(docs):
    out = ["# API reference", "",
           "Generated from the header comments by `tools/gen_api_doc.py` (a test keeps it up to date:",
           "`tools/gen_api_doc.py --check`). Conventions for every function: it returns an `oq_status`",
           "(0 = `OQ_OK`, negative = error) unless shown otherwise; on error the engine's",
           "`oq_engine_last_error()` names the field or id at fault and nothing changed; engines are not",
           "thread-safe, different engines are independent; times are `int64_t` milliseconds",
           "(`now_ms`) or `double` seconds (`*_s`).", ""]
    total = sum(len(e) for _, _, e in docs)
    out.append(f"{total} public functions in {len(docs)} headers.")
    out.append("")
    for name, title, entries in docs:
        out.append(f"## `omniq/{name}` — {title}" if title else f"## `omniq/{name}`")
        out.append("")
        for fn, sig, doc in entries:
            out.append(f"### `{fn}`")
            out.append("")
            out.append("```c")
            out.append(sig + ";")
            out.append("```")
            out.append("")
            if doc:
                out.append(doc)
                out.append("")
    return "\n".join(out)


def main():
    docs, missing = collect()
    text = render(docs)
    if "--check" in sys.argv:
        ok = True
        if missing:
            print("public functions without a header comment:\n  " + "\n  ".join(missing))
            ok = False
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print("docs/api.md is out of date: run tools/gen_api_doc.py")
            ok = False
        if ok:
            print(f"docs/api.md covers all {sum(len(e) for _, _, e in docs)} public functions")
        return 0 if ok else 1
    OUT.write_text(text, encoding="utf-8")
    if missing:
        print("warning: no comment for:\n  " + "\n  ".join(missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
