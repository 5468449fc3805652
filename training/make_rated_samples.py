"""Rated NSMC reviews for ko-sentiment's uncertain band (`ko-classify calibrate --unsure/--sure`):
training/.work/nsmc-lukewarm.tsv (ratings 5-6) and training/.work/nsmc-clear.tsv (ratings 1-2 and
9-10, half each), 2,000 reviews each, seeded (random.Random(42)), one review per distinct text, texts
of nsmc/dev.tsv left out.

Every review of reviews.tsv.gz was in ko-sentiment's training (masked-LM, rating regression over all
rated reviews, distillation), so figures on these files are optimistic; dev.tsv is the held-out part.

  python3 training/make_rated_samples.py
"""
import gzip
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NSMC = ROOT.parent / "shared" / "data" / "nsmc"
OUT = ROOT / "training" / ".work"
N = 2000

dev = {line.split("\t")[1] for line in (NSMC / "dev.tsv").read_text(encoding="utf-8").splitlines()[1:]}
by_rating: dict[int, list[tuple[str, str]]] = {}
seen: set[str] = set()
with gzip.open(NSMC / "reviews.tsv.gz", "rt", encoding="utf-8") as f:
    next(f)
    for row in f:
        parts = row.rstrip("\n").split("\t")
        if len(parts) != 4 or not parts[3].strip() or parts[3] in dev or parts[3] in seen:
            continue
        seen.add(parts[3])
        by_rating.setdefault(int(parts[2]), []).append((parts[0], parts[3]))

rng = random.Random(42)


def sample(ratings: list[int], n: int) -> list[tuple[str, int, str]]:
    pool = sorted((i, r, t) for r in ratings for i, t in by_rating[r])
    return sorted(rng.sample(pool, n))


OUT.mkdir(parents=True, exist_ok=True)
for name, rows in [("nsmc-lukewarm.tsv", sample([5, 6], N)), ("nsmc-clear.tsv", sample([1, 2], N // 2) + sample([9, 10], N // 2))]:
    with open(OUT / name, "w", encoding="utf-8") as f:
        # label as NSMC gives it (0: ratings 1-4, 1: 9-10); none for the lukewarm 5-6
        f.write("id\trating\tdocument" + ("\tlabel" if name == "nsmc-clear.tsv" else "") + "\n")
        for i, r, t in rows:
            f.write(f"{i}\t{r}\t{t}" + (f"\t{0 if r <= 4 else 1}" if name == "nsmc-clear.tsv" else "") + "\n")
    print(f"{OUT / name}: {len(rows)} reviews")
