#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate docs/api.md from the public headers' comments.

Every public item of include/omniq/*.h is listed under its header, in the
header's own order: functions (declared with OQ_API), types (typedef struct,
typedef of a scalar or a callback) with a table of their fields, and constants
(#define OQ_*) grouped as the header groups them.

A comment documents an item only when it is attached to it: a /* ... */ block
ending on the line right above the item (or above a run of declarations of
the same group with no blank line between them), or a comment that starts on
the item's own line after it. A comment separated by a blank line, or one that
belongs to a neighbouring #define, documents nothing, so a function can never
show a neighbour's comment.

`--check` exits 1 if docs/api.md is out of date, or a public function or type
has no attached comment, so a test keeps the reference complete.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
HEADERS = ROOT / "include" / "omniq"
OUT = ROOT / "docs" / "api.md"
ORDER = ["core", "engine", "model", "contact", "escalation", "profile", "stats", "erlang",
         "config", "journal", "snapshot", "sim", "scenario", "calendar", "forecast", "schedule", "schedule_cbc",
         "export"]

DECL = re.compile(r"OQ_API\s+([^;{]*?\b(oq_\w+)\s*\([^;]*?\))\s*;", re.S)
STRUCT = re.compile(r"typedef\s+struct\s+(\w+)\s*\{((?:[^{}]|/\*.*?\*/)*?)\}\s*(\w+)\s*;", re.S)
TYPEDEF = re.compile(r"typedef\s+(?!struct\b)([^;{]*?\b(oq_\w+)\b[^;{]*);")
DEFINE = re.compile(r"^#define\s+(OQ_\w+)(?![\w(])[ \t]*(.*)$", re.M)
# Macros of the header machinery, not constants a caller uses.
NOT_CONSTANTS = re.compile(r"^(OQ_API|OQ_\w+_H|OQ_\w*DEPRECATED\w*)$")


def clean_comment(body):
    lines = [re.sub(r"^\s*\*\s?", "", l).rstrip() for l in body.splitlines()]
    return " ".join(l.strip() for l in lines if l.strip() and not l.strip().startswith("----")).strip()


def line_of(text, pos):
    return text.count("\n", 0, pos)


class Header:
    """The text of one header, with what each line holds."""

    def __init__(self, text):
        self.text = text
        self.lines = text.split("\n")
        self.starts = [0]
        for l in self.lines:
            self.starts.append(self.starts[-1] + len(l) + 1)
        # Lines inside a /* */ comment that starts at the beginning of its line
        # (a block comment), mapped to that comment's first line.
        self.block_of = {}
        for m in re.finditer(r"/\*.*?\*/", text, re.S):
            first, last = line_of(text, m.start()), line_of(text, m.end())
            if self.lines[first][:m.start() - self.starts[first]].strip() == "":
                for k in range(first, last + 1):
                    self.block_of[k] = (first, m.group(0)[2:-2])

    def attached_above(self, line, group_re=None):
        """The block comment ending on the line above `line`, skipping up over
        a run of lines that match group_re (declarations of the same group)."""
        k = line - 1
        while k >= 0 and group_re is not None and k not in self.block_of and \
                self.lines[k].strip() and group_re.search(self.lines[k]):
            k -= 1
        if k < 0 or k not in self.block_of or not self.lines[k].rstrip().endswith("*/"):
            return ""
        return clean_comment(self.block_of[k][1])

    def trailing(self, end_pos):
        """A comment starting after the item on its last line, with the
        indented lines that continue it."""
        rest = self.text[end_pos:]
        m = re.match(r"[ \t]*/\*(.*?)\*/", rest, re.S)
        return clean_comment(m.group(1)) if m else ""


FUNC_GROUP = re.compile(r"^\s*(OQ_API\b|#define\b|[^/#].*[),;]\s*(/\*.*)?$)")


def functions(h):
    items = []
    for m in DECL.finditer(h.text):
        sig = " ".join(m.group(1).split())
        first = line_of(h.text, m.start())
        doc = h.trailing(m.end()) or h.attached_above(first, FUNC_GROUP)
        items.append((m.start(), "function", m.group(2), sig, doc, None))
    return items


FIELD = re.compile(r"^\s*([A-Za-z_][\w \t\*]*?[\s\*])(\w+)\s*(\[[^\]]*\])?\s*;")


def struct_fields(h, body_start, body):
    """(name, type, doc) per field; a block comment above a run of fields
    documents each field of the run that has no comment of its own."""
    fields = []
    # Split on the semicolons outside comments: blank the comments out first
    # (same length, newlines kept) so positions still match the header.
    bare = re.sub(r"/\*.*?\*/", lambda c: re.sub(r"[^\n]", " ", c.group(0)), body, flags=re.S)
    for m in re.finditer(r"[^;{}]*;", bare):
        pos = body_start + m.start()
        decl = body[m.start():m.end()]
        decl_nc = re.sub(r"/\*.*?\*/", " ", decl, flags=re.S).strip()
        if not decl_nc:
            continue
        fm = FIELD.match(decl_nc + ";") if "(" not in decl_nc else None
        if fm:
            ftype = " ".join((fm.group(1)).split()) + (fm.group(3) or "")
            fname = fm.group(2)
        else:  # a function pointer or another shape: show it whole
            pm = re.search(r"\(\s*\*\s*(\w+)\s*\)", decl_nc)
            fname = pm.group(1) if pm else decl_nc
            ftype = " ".join(decl_nc.split())
        end = body_start + m.end()
        first = line_of(h.text, pos + len(decl) - len(decl.lstrip()) +
                        len(re.match(r"\s*(/\*.*?\*/\s*)*", decl.lstrip(), re.S).group(0)))
        doc = h.trailing(end) or h.attached_above(first, re.compile(r"^\s*[A-Za-z_][\w \t\*\[\]]*;"))
        fields.append((fname, ftype, doc))
    return fields


def types(h):
    items = []
    for m in STRUCT.finditer(h.text):
        first = line_of(h.text, m.start())
        doc = h.attached_above(first)
        fields = struct_fields(h, m.start(2), m.group(2))
        items.append((m.start(), "struct", m.group(3), f"typedef struct {m.group(1)} {{ ... }} "
                      f"{m.group(3)};", doc, fields))
    for m in TYPEDEF.finditer(h.text):
        first = line_of(h.text, m.start())
        sig = " ".join(m.group(0).split())
        doc = h.trailing(m.end()) or h.attached_above(first)
        items.append((m.start(), "type", m.group(2), sig, doc, None))
    return items


def constants(h):
    """Runs of #define OQ_* lines (no blank line between), each run under the
    block comment attached above it; each constant with its trailing comment."""
    items = []
    run = None
    prev_line = -2
    for m in DEFINE.finditer(h.text):
        name = m.group(1)
        if NOT_CONSTANTS.match(name):
            continue
        line = line_of(h.text, m.start())
        value = re.sub(r"/\*.*$", "", m.group(2)).strip()
        doc = h.trailing(m.start(2) + len(m.group(2).split("/*")[0]))
        last = line
        while value.endswith("\\") and last + 1 < len(h.lines):
            # a value continued on the next line(s): join them
            last += 1
            value = value[:-1].strip() + " " + h.lines[last].strip()
            value = value.strip()
        if run is None or line != prev_line + 1:
            run = [m.start(), "constants", name, "", h.attached_above(line), []]
            items.append(run)
        run[5].append((name, value, doc))
        prev_line = last
        # A trailing comment may continue on the following lines.
        k = prev_line
        while doc and "*/" not in h.lines[k] and k + 1 < len(h.lines):
            k += 1
        prev_line = k
    return [tuple(r) for r in items]


def header_title(text):
    m = re.match(r"\s*/\*\s*SPDX[^*]*\*/\s*/\*\s*omniq\s*[—-]\s*(.*?)(?:\n|\*/)", text) or \
        re.match(r"\s*/\*\s*omniq\s*[—-]\s*(.*?)(?:\n|\*/)", text)
    return m.group(1).strip().rstrip(".") if m else ""


def collect():
    docs = []
    missing = []
    names = sorted(HEADERS.glob("*.h"),
                   key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else 99, p.stem))
    for path in names:
        text = path.read_text(encoding="utf-8")
        h = Header(text)
        entries = sorted(functions(h) + types(h) + constants(h))
        for _, kind, name, _, doc, _ in entries:
            if kind in ("function", "struct", "type") and not doc:
                missing.append(f"{path.name}: {name}")
        if entries:
            docs.append((path.name, header_title(text), entries))
    return docs, missing


def cell(s):
    return s.replace("|", "\\|")


def render(docs):
    out = ["# API reference", "",
           "Generated from the header comments by `tools/gen_api_doc.py` (a test keeps it up to date:",
           "`tools/gen_api_doc.py --check`). Conventions for every function: it returns an `oq_status`",
           "(0 = `OQ_OK`, negative = error) unless shown otherwise; on error the engine's",
           "`oq_engine_last_error()` names the field or id at fault and nothing changed (except that a",
           "call taking `now_ms` has first fired the timers due by then: time passing is not undone);",
           "engines are not",
           "thread-safe, different engines are independent; times are `int64_t` milliseconds",
           "(`now_ms`) or `double` seconds (`*_s`). Structures, their fields and the constants are",
           "listed where each header declares them.", "",
           "**Versioned structs (how the ABI grows).** A public struct whose first field is",
           "`uint32_t struct_size` may gain fields at its end in a later release (never reordered,",
           "resized or removed); struct_size says which version the caller was compiled against.",
           "*Input* structs (options, specs) are filled by their `_init` function and accepted with",
           "any struct_size from the end of their first field after struct_size (for",
           "`oq_staffing_options`, after `reserved`) up to this library's `sizeof`: the caller's",
           "struct_size bytes are copied over the `_init` defaults, so a host built against an older",
           "header gets the defaults for the fields it does not know. A size above `sizeof`, below",
           "that minimum, or not a multiple of the struct's alignment (`_Alignof`: 8 with a pointer,",
           "double or int64, 4 for int32 only; no header's struct ends elsewhere, and such a size",
           "would cut a pointer in two) is",
           "`OQ_EINVAL` with a message naming the struct",
           "(`oq_queue_spec.struct_size: ...`). Arrays of versioned structs (`oq_roster_agent`) are",
           "strided by this library's `sizeof`, so their elements must have exactly that size.",
           "*Output* structs (`oq_queue_stats`, `oq_agent_stats`, `oq_agent_info`, `oq_queue_info`,",
           "`oq_contact_info`, `oq_engine_counts`, `oq_reason_stats`, the planning and simulation",
           "results such as `oq_plan_summary`, `oq_schedule_shift`, `oq_roster_violation`,",
           "`oq_sim_stats`, the Erlang results `oq_erlang_a_result`, `oq_staffing_result`,",
           "`oq_erlang_chat_result`, `oq_plan_totals`, and input types read back",
           "such as `oq_queue_get_spec`'s or `oq_schedule_get_horizon`'s) get their",
           "struct_size from the caller — `OQ_OUTPUT_INIT(type)` (core.h) or the type's `_init` —",
           "and the library writes only those bytes (struct_size itself and the bytes past it are",
           "untouched), accepting the same range (getters of planning objects and simulator results,",
           "and the pure Erlang functions, which have no engine message to change, name the struct",
           "or the index out of range in their `oq_error *err`). *Not versioned* (fixed layout): elements of arrays passed in",
           "(`oq_sim_stream`, `oq_sim_agent`, `oq_shift_break`, `oq_plan_group`, ...: an array is",
           "strided by one `sizeof`), callback payloads and borrowed records (`oq_event`,",
           "`oq_journal_record`, `oq_history_entry`), the solver-hook contract (`oq_mip`,",
           "`oq_mip_result`) and small value structs. `oq_error`, the one error shape of the calls",
           "without a live engine (loaders, restore, journal replay, simulator creation), is an",
           "output struct too (`OQ_ERROR_INIT`), except that a bad size never fails the call: it",
           "receives what fits, nothing for struct_size 0. New fields start at or after the previous",
           "`sizeof` (an explicit reserved field fills tail padding: `test_abi`'s history table",
           "records every version's size and fails otherwise); no public struct embeds another",
           "versioned struct (`oq_plan_options.sim` is a pointer); small value structs without",
           "struct_size (`oq_sim_dist`, `oq_sim_estimate`, ...) never change. A library reads its own snapshot",
           "format and the one before it (docs/reliability.md).", ""]
    count = lambda kind: sum(1 for _, _, e in docs for x in e if x[1] == kind)
    nconst = sum(len(x[5]) for _, _, e in docs for x in e if x[1] == "constants")
    out.append(f"{count('function')} public functions, {count('struct')} structures, "
               f"{count('type')} other types and {nconst} constants in {len(docs)} headers.")
    out.append("")
    for name, title, entries in docs:
        out.append(f"## `omniq/{name}` — {title}" if title else f"## `omniq/{name}`")
        out.append("")
        for _, kind, item, sig, doc, extra in entries:
            if kind == "constants":
                if doc:
                    out.append(doc)
                    out.append("")
                out.append("| constant | value | meaning |")
                out.append("| --- | --- | --- |")
                for cname, value, cdoc in extra:
                    out.append(f"| `{cname}` | `{cell(value)}` | {cell(cdoc)} |")
                out.append("")
                continue
            out.append(f"### `{item}`" + (" (structure)" if kind == "struct" else
                                           " (type)" if kind == "type" else ""))
            out.append("")
            out.append("```c")
            out.append(sig if kind != "function" else sig + ";")
            out.append("```")
            out.append("")
            if doc:
                out.append(doc)
                out.append("")
            if kind == "struct":
                out.append("| field | type | meaning |")
                out.append("| --- | --- | --- |")
                for fname, ftype, fdoc in extra:
                    out.append(f"| `{fname}` | `{cell(ftype)}` | {cell(fdoc)} |")
                out.append("")
    return "\n".join(out)


def main():
    docs, missing = collect()
    text = render(docs)
    if "--check" in sys.argv:
        ok = True
        if missing:
            print("public functions and types without an attached header comment:\n  " +
                  "\n  ".join(missing))
            ok = False
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print("docs/api.md is out of date: run tools/gen_api_doc.py")
            ok = False
        if ok:
            n = sum(1 for _, _, e in docs for x in e if x[1] == "function")
            print(f"docs/api.md covers all {n} public functions and their types")
        return 0 if ok else 1
    OUT.write_text(text, encoding="utf-8")
    if missing:
        print("warning: no attached comment for:\n  " + "\n  ".join(missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
