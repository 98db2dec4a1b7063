"""gendata.py — writes the benchmark data, one JSON file every engine loads before timing.

Deterministic: a fixed 64-bit LCG (not Python's random, whose algorithms may change), fixed
word lists, and json.dumps with sorted keys, so the file is byte-identical on every run and
machine. Usage: gendata.py OUT.json
"""
import json
import sys


class Lcg:
    """Knuth's MMIX linear congruential generator; next(n) gives 0..n-1 from the high bits."""

    def __init__(self, seed):
        self.x = seed

    def next(self, n):
        self.x = (self.x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return (self.x >> 33) % n


ADJECTIVES = ["Classic", "Compact", "Deluxe", "Rustic", "Modern", "Vintage", "Portable",
              "Ergonomic", "Handmade", "Organic", "Sturdy", "Silent", "Smart", "Tiny"]
NOUNS = ["Mug", "Teapot", "Lamp", "Chair", "Backpack", "Notebook", "Kettle", "Blanket",
         "Grinder", "Skillet", "Speaker", "Planter", "Clock", "Toolbox", "Umbrella"]
# Names that need escaping: &, <, >, double and single quotes.
SPECIAL_NAMES = ["Salt & Pepper Mill", 'The "Original" {noun}', "Cable <2m> for {noun}",
                 "Chef's {noun}", "Tom & Jerry's \"Fun\" {noun}"]
SENTENCES = [
    "Made from recycled materials & built to last.",
    "Fits in any bag; weighs < 500 g.",
    "Our customers call it \"the best {noun} they ever owned\".",
    "Dishwasher-safe, oven-safe & microwave-safe.",
    "Ships in 2-3 days from our warehouse in Nanjing.",
    "It's the {adj} choice for people who care about details.",
    "Rated 4.8/5 by more than 1,200 buyers.",
    "Works with 110 V & 230 V outlets (adapter <not> included).",
    "Each piece is checked by hand before it leaves the workshop.",
    "Comes with a 2-year warranty, no questions asked.",
]


def product(rng, i):
    adj = ADJECTIVES[rng.next(len(ADJECTIVES))]
    noun = NOUNS[rng.next(len(NOUNS))]
    if i % 5 == 2:
        name = SPECIAL_NAMES[(i // 5) % len(SPECIAL_NAMES)].format(noun=noun)
    else:
        name = f"{adj} {noun}"
    picks = []
    for _ in range(2 + rng.next(2)):
        k = rng.next(len(SENTENCES))
        while k in picks:
            k = (k + 1) % len(SENTENCES)
        picks.append(k)
    sentences = [SENTENCES[k].format(noun=noun.lower(), adj=adj.lower()) for k in picks]
    cents = 199 + rng.next(20000)
    return {
        "id": i + 1,
        "name": name,
        "description": " ".join(sentences),
        "image": f"https://cdn.example.com/img/p{i + 1:04d}-240x180.jpg",
        "price": cents / 100,
    }


def shop(rng):
    return {
        "title": "Starch & Co. Shop",
        "nav": [{"href": "/", "label": "Home"},
                {"href": "/c/kitchen", "label": "Kitchen & Dining"},
                {"href": "/c/garden", "label": "Garden"},
                {"href": "/c/tools", "label": "Tools <Pro>"},
                {"href": "/c/sale", "label": "Sale"},
                {"href": "/cart", "label": "Your \"Cart\""}],
        "products": [product(rng, i) for i in range(100)],
        "footer": "\u00a9 2015 Starch & Co. \u2014 prices include VAT; \"free\" shipping over $50.",
    }


def data():
    rng = Lcg(2015)
    s = shop(rng)
    return {
        "big-table": {"rows": [list(range(100)) for _ in range(100)]},
        "teams": {"year": 2015,
                  "teams": [{"name": "Jiangsu", "score": 43}, {"name": "Beijing", "score": 27},
                            {"name": "Guangzhou", "score": 22}, {"name": "Shandong", "score": 12}]},
        "shop": s,
        "sse-fragment": {"product": s["products"][41]},
    }


def main():
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(data(), f, sort_keys=True, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
