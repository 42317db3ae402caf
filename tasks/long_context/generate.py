"""Generate the long-context needle tasks: data files and one task YAML per language × length.

Each sample is a long, bland record of fictional council business (the haystack) with three
"access code" facts hidden at different depths (the needles); the question asks for one of
them, so the model must find the right fact among similar ones, not just any number.

    python tasks/long_context/generate.py          # (re)write data/ and the YAML files
    python tasks/long_context/generate.py --check  # exit 1 if the files on disk differ

Lengths are nominal token counts (512 … 32768, doubling). Text is sized by characters per
token (this repetitive text measured 5.6 en for SmolLM2 and Gemma 3; 2.7 de for SmolLM2 and
4.3 for Gemma 3), taking the smallest seen less 5 %, at 90 % of the nominal length, so the
prompt fits a model whose context equals the nominal length. Tokenizers that pack German
better see shorter inputs; the run records the real input token count of every sample.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LENGTHS = [512, 1024, 2048, 4096, 8192, 16384, 32768]
# Fewer samples at the longest lengths: on a 2-core CPU one 16k prefill of Gemma 3 270M takes
# about 80 s and one 32k prefill several minutes, so 20 each would keep `--suite full` busy for
# hours. The curve's tail is wider for it (the report shows the intervals).
SAMPLES = {n: 20 if n <= 8192 else 6 if n == 16384 else 3 for n in LENGTHS}
CHARS_PER_TOKEN = {"en": 5.3, "de": 2.55}
FILL = 0.9
SEED = 20261128

WORDS = {
    "en": {
        "subjects": ["The committee", "The planning team", "The finance office", "The mayor's office",
                     "The parks department", "The housing team", "The library service",
                     "The works depot", "The youth council", "The transport unit"],
        "verbs": ["reviewed", "discussed", "postponed", "approved", "noted", "revised",
                  "summarised", "questioned", "welcomed", "circulated"],
        "objects": ["the draft budget for the coming year", "a proposal for new cycle stands",
                    "the cleaning rota for the town hall", "complaints about late bin collections",
                    "the schedule for the autumn market", "a report on playground repairs",
                    "the minutes of the previous meeting", "options for longer library hours",
                    "the winter gritting plan", "a request for more benches in the park"],
        "tails": ["without further comment.", "and asked for an update next month.",
                  "after a short debate.", "with minor corrections.",
                  "and referred it to the working group.", "in the presence of two residents."],
        "rooms": ["archive", "server room", "records store", "council chamber", "plant room",
                  "map library", "evidence locker", "print room", "cash office", "roof terrace"],
        "needle": "Note for staff: the access code for the {room} is {code}.",
        "question": "What is the access code for the {room}?",
        "prompt": ("Below is a long record of council business. Somewhere in it are notes "
                   "with access codes.\n\n{{context}}\n\nQuestion: {{question}} Answer with "
                   "the code only.\nAnswer:"),
    },
    "de": {
        "subjects": ["Der Ausschuss", "Das Planungsteam", "Die Kämmerei", "Das Büro des Bürgermeisters",
                     "Das Grünflächenamt", "Das Wohnungsamt", "Die Stadtbibliothek",
                     "Der Bauhof", "Der Jugendbeirat", "Die Verkehrsabteilung"],
        "verbs": ["prüfte", "beriet über", "vertagte", "genehmigte", "nahm zur Kenntnis",
                  "überarbeitete", "fasste zusammen", "hinterfragte", "begrüßte", "verteilte"],
        "objects": ["den Haushaltsentwurf für das kommende Jahr",
                    "einen Vorschlag für neue Fahrradständer",
                    "den Reinigungsplan für das Rathaus", "Beschwerden über verspätete Müllabfuhr",
                    "den Zeitplan für den Herbstmarkt", "einen Bericht über Spielplatzreparaturen",
                    "das Protokoll der letzten Sitzung", "Optionen für längere Bibliothekszeiten",
                    "den Winterdienstplan", "einen Antrag auf mehr Bänke im Park"],
        "tails": ["ohne weitere Anmerkungen.", "und bat um einen Bericht im nächsten Monat.",
                  "nach kurzer Debatte.", "mit kleinen Korrekturen.",
                  "und verwies die Sache an die Arbeitsgruppe.", "im Beisein von zwei Bürgern."],
        "rooms": ["Archiv", "Serverraum", "Aktenlager", "Ratssaal", "Technikraum",
                  "Kartenarchiv", "Asservatenraum", "Druckraum", "Kassenraum", "Dachterrasse"],
        "needle": "Hinweis für Mitarbeitende: Der Zugangscode für den Raum {room} lautet {code}.",
        "question": "Wie lautet der Zugangscode für den Raum {room}?",
        "prompt": ("Es folgt ein langes Protokoll der Stadtverwaltung. Irgendwo darin stehen "
                   "Hinweise mit Zugangscodes.\n\n{{context}}\n\nFrage: {{question}} Antworte "
                   "nur mit dem Code.\nAntwort:"),
    },
}  # fmt: skip

YAML = """\
# Generated by generate.py; edit the generator, not this file.
include: _template.yaml
task: needle_{lang}_{length}
doc_to_text: {prompt}
dataset_kwargs:
  lang: {lang}
  data_stem: {lang}_{length}
metadata:
  version: 2.0  # 2.0: needle depths spread over the whole input at every length
  language: {lang}
  context_tokens: {length}
  claim: SLMs find one fact among similar ones in a {length}-token input (long context).
"""


def _sentence(rng: random.Random, w: dict) -> str:
    return " ".join([rng.choice(w["subjects"]), rng.choice(w["verbs"]),
                     rng.choice(w["objects"]), rng.choice(w["tails"])])  # fmt: skip


def needle_depth(index: int, count: int) -> float:
    """Depth of the asked-for needle in sample `index` of `count`: (slot + 0.5) / count.

    The slots cover the input evenly for every sample count (3 samples: 1/6, 1/2, 5/6), and
    they are dealt in van der Corput order (0, 1/2, 1/4, 3/4, …), so any first few samples
    (`--limit 3`) spread over the input too.
    """
    order = sorted(range(count), key=_van_der_corput)
    return (order.index(index) + 0.5) / count


def _van_der_corput(i: int) -> float:
    """The base-2 van der Corput point of i: its binary digits mirrored behind the point."""
    value, scale = 0.0, 0.5
    while i:
        value, i, scale = value + scale * (i & 1), i >> 1, scale / 2
    return value


def sample(lang: str, length: int, index: int) -> dict:
    """One haystack with three needles; deterministic in (lang, length, index)."""
    rng = random.Random(f"{SEED}-{lang}-{length}-{index}")
    w = WORDS[lang]
    rooms = rng.sample(w["rooms"], 3)
    codes = [str(rng.randrange(1000, 10000)) for _ in rooms]
    needles = [w["needle"].format(room=r, code=c) for r, c in zip(rooms, codes, strict=True)]
    target = rng.randrange(3)
    question = w["question"].format(room=rooms[target])
    budget = int(length * FILL * CHARS_PER_TOKEN[lang]) - len(w["prompt"]) - len(question)
    budget -= sum(len(n) + 1 for n in needles)
    sentences: list[str] = []
    while sum(len(s) + 1 for s in sentences) < budget:
        sentences.append(_sentence(rng, w))
    others = [i for i in range(3) if i != target]
    slots = {target: needle_depth(index, SAMPLES[length]),
             others[0]: rng.uniform(0.05, 0.95), others[1]: rng.uniform(0.05, 0.95)}  # fmt: skip
    # Deepest first, each after round(slot × n) of the n haystack sentences: a later, shallower
    # needle never moves an earlier one past a sentence, so the recorded depth is exact.
    n = len(sentences)
    at = {i: round(slot * n) for i, slot in slots.items()}
    for i in sorted(at, key=lambda i: -slots[i]):
        sentences.insert(at[i], needles[i])
    haystack = " ".join(sentences)
    return {
        "id": f"{lang}-{length}-{index:03d}",
        "context": haystack,
        "question": question,
        "answer": codes[target],
        "aliases": [],
        "distractors": [c for i, c in enumerate(codes) if i != target],
        "depth": round(at[target] / n, 3),
    }


def render() -> dict[Path, str]:
    """Every generated file and its content."""
    files: dict[Path, str] = {}
    for lang in WORDS:
        for length in LENGTHS:
            rows = [sample(lang, length, i) for i in range(SAMPLES[length])]
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
            files[HERE / "data" / f"{lang}_{length}_test.jsonl"] = text
            prompt = json.dumps(WORDS[lang]["prompt"], ensure_ascii=False)  # a valid YAML string
            files[HERE / f"needle_{lang}_{length}.yaml"] = YAML.format(
                lang=lang, length=length, prompt=prompt
            )
    return files


def main(argv: list[str]) -> int:
    files = render()
    if "--check" in argv:
        stale = [p for p, text in files.items() if not p.exists() or p.read_text() != text]
        for p in stale:
            print(f"differs: {p}")
        return 1 if stale else 0
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
