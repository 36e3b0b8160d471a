"""What an import did, for the writer to read at the end: counts of what was
created, updated, left unchanged and skipped, then the lists to check."""

from collections import Counter, defaultdict

OUTCOMES = ["created", "updated", "unchanged", "skipped"]
KINDS = ["authors", "reviews", "episodes", "comments", "images", "old links"]
# Lists longer than this are cut in the printed report (the counts stay whole).
SHOWN_PER_LIST = 50


class Report:
    def __init__(self):
        self.counts = defaultdict(Counter)
        self.skipped = Counter()
        self.notes = defaultdict(list)

    def count(self, kind, outcome, number=1):
        self.counts[kind][outcome] += number

    def skip(self, why, number=1):
        self.skipped[why] += number

    def note(self, heading, line):
        self.notes[heading].append(line)

    def created(self):
        return sum(counts["created"] for counts in self.counts.values())

    def text(self, title, dry_run=False):
        lines = [title, ""]
        width = max(map(len, KINDS))
        lines.append(" " * width + "".join(f"{o:>11}" for o in OUTCOMES))
        for kind in KINDS:
            counts = self.counts.get(kind, Counter())
            row = "".join(f"{counts[outcome]:>11,}" for outcome in OUTCOMES)
            lines.append(f"{kind:<{width}}{row}")
        if self.skipped:
            lines += ["", "Skipped:"]
            lines += [f"  {n:,} {why}" for why, n in self.skipped.most_common()]
        for heading, entries in self.notes.items():
            lines += ["", f"{heading} ({len(entries):,}):"]
            lines += [f"  - {entry}" for entry in entries[:SHOWN_PER_LIST]]
            if len(entries) > SHOWN_PER_LIST:
                lines.append(f"  ... and {len(entries) - SHOWN_PER_LIST:,} more")
        if dry_run:
            lines += ["", "Dry run: nothing was saved. Run again without --dry-run."]
        return "\n".join(lines) + "\n"
