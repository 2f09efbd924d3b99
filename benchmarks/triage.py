"""Triage benchmark (issue 13): the classifiers against a keyword-rules baseline, in one run.

    python -m benchmarks.triage [--json FILE]

Trains the model on the corpus's training split (triage/data/corpus.jsonl; officers'
corrections are left out so the run is reproducible), then on the held-out test split — whole
templates never seen in training — reports for both the model and the keyword rules:

- intent macro-F1 (target ≥ 0.85) and category macro-F1 (target ≥ 0.75), with accuracy;
- the confusion matrices (rows: the label, columns: the prediction);
- the same per script: Bangla (bn), romanised Bangla (rom), English (en), mixed;
- predictions per second on one core (target ≥ 1,000), in batches of 500 and one at a time;
- the model's size and training time.

Needs no database. Threads are limited to one before numpy loads ("one core").
"""

import argparse
import json
import os
import re
import time
from typing import Any

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

# --------------------------------------------------------------------------- keyword rules

# What a person skimming the page would look for, in Bangla, romanised Bangla and English.
INTENT_RULES: list[tuple[str, list[str]]] = [
    (
        "abuse_spam",
        [
            "inbox",
            "ইনবক্স",
            "whatsapp",
            "হোয়াটসঅ্যাপ",
            "লিংক",
            "link",
            "click",
            "ক্লিক",
            "loan",
            "লোন",
            "income",
            "ইনকাম",
            "আয় করুন",
            "bonus",
            "বোনাস",
            "offer",
            "অফার",
            "casino",
            "betting",
            "বেটিং",
            "চোর",
            "chor",
            "দালাল",
            "dalal",
            "বাটপার",
            "batpar",
            "thieves",
            "crooks",
            "shame",
            "লজ্জা",
            "lojja",
            "faltu",
            "ফালতু",
            "useless",
            "কুত্তা",
            "kutta",
            "শুয়োর",
            "resign",
            "পদত্যাগ",
            "follow",
            "ফলো",
            "visa",
            "ভিসা",
            "guarantee",
            "গ্যারান্টি",
        ],
    ),
    (
        "praise",
        [
            "ধন্যবাদ",
            "dhonnobad",
            "thank",
            "thanks",
            "কৃতজ্ঞ",
            "grateful",
            "শুভকামনা",
            "best wishes",
            "অভিনন্দন",
            "salute",
            "স্যালুট",
            "প্রশংসনীয়",
            "praiseworthy",
            "keep it up",
            "এগিয়ে যান",
            "egiye jan",
            "god bless",
            "মাশাআল্লাহ",
            "mashallah",
            "ভালো উদ্যোগ",
            "great",
            "excellent",
            "চমৎকার",
            "দারুণ",
            "darun",
        ],
    ),
    (
        "question",
        [
            "?",
            "কি ",
            "কী ",
            "কিভাবে",
            "কীভাবে",
            "kivabe",
            "কোথায়",
            "kothay",
            "কবে",
            "kobe",
            "কত",
            "koto",
            "কখন",
            "how",
            "where",
            "when",
            "what",
            "which",
            "can i",
            "is there",
        ],
    ),
    (
        "other",
        [
            "ঈদ মোবারক",
            "eid mubarak",
            "জুম্মা",
            "jumma",
            "first",
            "প্রথম কমেন্ট",
            "@",
            "শুভ নববর্ষ",
            "হাহা",
            "haha",
            "জিন্দাবাদ",
            "zindabad",
            "জয় বাংলা",
            "joy bangla",
            "share",
            "শেয়ার",
            "আসসালামু আলাইকুম সবাইকে",
        ],
    ),
]
# A complaint word outranks a "thank you" at its end.
COMPLAINT_WORDS = [
    "নষ্ট",
    "ভাঙা",
    "দখল",
    "ঘুষ",
    "পাইনি",
    "পাচ্ছি না",
    "হয়রানি",
    "অভিযোগ",
    "বন্ধ",
    "nosto",
    "vanga",
    "dokhol",
    "ghush",
    "pai nai",
    "broken",
    "bribe",
    "not",
    "no ",
    "grabbed",
    "problem",
    "সমস্যা",
    "বিচার",
    "bichar",
    "oniyom",
    "অনিয়ম",
]
CATEGORY_RULES: list[tuple[str, list[str]]] = [
    (
        "corruption",
        [
            "ঘুষ",
            "ghush",
            "bribe",
            "দুর্নীতি",
            "durniti",
            "আত্মসাৎ",
            "embezzl",
            "দালাল",
            "dalal",
            "tout",
            "হয়রানি",
            "hoyrani",
        ],
    ),
    (
        "land",
        [
            "জমি",
            "jomi",
            "land",
            "খতিয়ান",
            "khotiyan",
            "khatian",
            "নামজারি",
            "namjari",
            "mutation",
            "দলিল",
            "dolil",
            "deed",
            "খাজনা",
            "khajna",
            "জরিপ",
            "jorip",
            "survey",
            "ভূমি",
            "vumi",
            "দাগ",
            "plot",
        ],
    ),
    (
        "law-and-order",
        [
            "চুরি",
            "churi",
            "theft",
            "stolen",
            "ছিনতাই",
            "chintai",
            "পুলিশ",
            "police",
            "থানা",
            "thana",
            "মাদক",
            "madok",
            "drug",
            "ইয়াবা",
            "yaba",
            "গ্যাং",
            "gang",
            "মারধর",
            "mardhor",
            "beaten",
            "ডাকাত",
            "dakat",
            "robber",
            "চাঁদা",
            "chada",
            "জিডি",
            "gd",
        ],
    ),
    (
        "education",
        [
            "স্কুল",
            "school",
            "শিক্ষক",
            "teacher",
            "উপবৃত্তি",
            "upobritti",
            "stipend",
            "ভর্তি",
            "vorti",
            "admission",
            "মাদ্রাসা",
            "madrasa",
            "কলেজ",
            "college",
            "পরীক্ষা",
            "porikkha",
            "exam",
            "বই",
            "textbook",
            "ssc",
            "hsc",
        ],
    ),
    (
        "health",
        [
            "হাসপাতাল",
            "hospital",
            "ডাক্তার",
            "doctor",
            "ওষুধ",
            "osudh",
            "medicine",
            "ক্লিনিক",
            "clinic",
            "টিকা",
            "tika",
            "vaccine",
            "রোগী",
            "rogi",
            "patient",
            "অ্যাম্বুলেন্স",
            "ambulance",
            "ডেঙ্গু",
            "dengue",
            "স্বাস্থ্য",
        ],
    ),
    (
        "relief",
        [
            "ভাতা",
            "vata",
            "allowance",
            "ত্রাণ",
            "tran",
            "relief",
            "ভিজিডি",
            "vgd",
            "ভিজিএফ",
            "vgf",
            "টিসিবি",
            "tcb",
            "কম্বল",
            "kombol",
            "blanket",
            "আশ্রয়ণ",
            "ashrayon",
            "বন্যা",
            "flood",
        ],
    ),
    (
        "disputes",
        [
            "যৌতুক",
            "joutuk",
            "dowry",
            "স্বামী",
            "shami",
            "husband",
            "বিরোধ",
            "birodh",
            "dispute",
            "সালিশ",
            "salish",
            "shalish",
            "তালাক",
            "talak",
            "divorce",
            "বাল্যবিবাহ",
            "child marriage",
            "ভাই",
            "ঝগড়া",
            "jhogra",
            "quarrel",
        ],
    ),
    (
        "public-services",
        [
            "জন্ম নিবন্ধন",
            "jonmo nibondhon",
            "birth certificate",
            "এনআইডি",
            "nid",
            "সনদ",
            "sonod",
            "certificate",
            "ট্রেড লাইসেন্স",
            "trade licen",
            "পাসপোর্ট",
            "passport",
            "সার্ভার",
            "server",
            "অনলাইন",
            "online",
            "portal",
        ],
    ),
    (
        "roads-utilities",
        [
            "রাস্তা",
            "rasta",
            "road",
            "বিদ্যুৎ",
            "bidyut",
            "current",
            "কারেন্ট",
            "power",
            "লোডশেডিং",
            "loadshedding",
            "পানি",
            "pani",
            "water",
            "টিউবওয়েল",
            "tubewell",
            "ব্রিজ",
            "bridge",
            "ড্রেন",
            "drain",
            "গ্যাস",
            "gas",
            "বাতি",
            "light",
        ],
    ),
    (
        "markets-prices",
        [
            "দাম",
            "dam",
            "price",
            "বাজার",
            "bazar",
            "market",
            "সিন্ডিকেট",
            "syndicate",
            "ভেজাল",
            "vejal",
            "adulter",
            "ওজন",
            "ojon",
            "weight",
            "দোকান",
            "dokan",
            "shop",
            "সার",
            "fertili",
            "মজুদ",
            "hoard",
        ],
    ),
    (
        "environment",
        [
            "ইটভাটা",
            "itvata",
            "brick kiln",
            "ধোঁয়া",
            "dhowa",
            "smoke",
            "বালু",
            "balu",
            "sand",
            "খাল",
            "khal",
            "canal",
            "পুকুর",
            "pukur",
            "pond",
            "ময়লা",
            "moyla",
            "garbage",
            "গাছ",
            "gach",
            "tree",
            "দূষণ",
            "pollution",
            "বর্জ্য",
            "waste",
        ],
    ),
]


def _has(text: str, words: list[str]) -> bool:
    return any(w in text for w in words)


def keyword_rules(text: str) -> tuple[str, str]:
    """The baseline: the first intent whose words appear (a complaint word outranks praise
    and chatter), else grievance; the first category whose words appear, else "other"."""
    from core.textnorm import normalise

    low = normalise(text)
    intent = "grievance"
    for name, words in INTENT_RULES:
        if _has(low, words):
            intent = name
            break
    if intent in ("praise", "other") and _has(low, COMPLAINT_WORDS):
        intent = "grievance"
    category = next((name for name, words in CATEGORY_RULES if _has(low, words)), "other")
    return intent, category


# --------------------------------------------------------------------------- reporting


def _print_matrix(title: str, labels: list[str], matrix: list[list[int]]) -> None:
    short = [re.sub(r"[aeiou-]", "", label)[:6] for label in labels]
    print(f"\n{title} (rows: label, columns: prediction)")
    print(" " * 16 + " ".join(f"{s:>6}" for s in short))
    for label, row in zip(labels, matrix, strict=True):
        print(f"{label:>15} " + " ".join(f"{n:>6}" for n in row))


def _print_scores(name: str, report: dict[str, Any]) -> None:
    o = report["overall"]
    print(
        f"{name:<14} intent macro-F1 {o['intent']['macro_f1']:.3f} (acc {o['intent']['accuracy']:.3f})"
        f"   category macro-F1 {o['category']['macro_f1']:.3f} (acc {o['category']['accuracy']:.3f})"
    )
    for script, block in report["by_script"].items():
        print(
            f"  {script:<12} n={block['intent']['n']:>4}  intent {block['intent']['macro_f1']:.3f}"
            f"   category {block['category']['macro_f1']:.3f} (n={block['category']['n']})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", default="", help="also write the full results here")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from triage import classifier
    from triage.services import corpus_examples

    train = corpus_examples(split="train")
    test = corpus_examples(split="test")
    categories = sorted({str(e.category) for e in [*train, *test] if e.category})
    texts = [e.text for e in test]

    started = time.perf_counter()
    model = classifier.train(train)
    train_seconds = time.perf_counter() - started

    model_report = classifier.evaluate(
        classifier.predict_for_evaluation(model, texts), test, categories=categories
    )
    model_report["intent_ece"] = classifier.evaluate(
        model.predict(texts), test, categories=categories
    ).get("intent_ece")
    rules_report = classifier.evaluate(
        [keyword_rules(t) for t in texts], test, categories=categories
    )

    # Speed: a fresh copy of the model (an empty word cache), texts it has not read.
    speed_texts = [e.text for e in corpus_examples()] * 2
    cold = classifier.TriageModel(
        model.version, model.vectorizer, model.intent_model, model.category_model, model.meta
    )
    batch_speed = classifier.measure_speed(cold, speed_texts, batch=500)
    warm_speed = classifier.measure_speed(cold, speed_texts, batch=500)
    single = speed_texts[:500]
    start = time.perf_counter()
    for text in single:
        cold.predict([text])
    single_speed = len(single) / (time.perf_counter() - start)
    import pickle

    size = len(pickle.dumps((model.vectorizer, model.intent_model, model.category_model)))

    print(f"corpus: {len(train)} training, {len(test)} held-out test comments (by template)")
    print(f"model {model.version}: trained in {train_seconds:.1f} s, {size / 1e6:.1f} MB pickled\n")
    _print_scores("model", model_report)
    _print_scores("keyword rules", rules_report)
    print(f"\nmodel intent calibration error (ECE): {model_report['intent_ece']:.3f}")
    print(
        f"predictions/s on one core: {batch_speed:,.0f} in batches of 500 (first read of "
        f"{len(speed_texts):,} texts), {warm_speed:,.0f} again, {single_speed:,.0f} one at a time"
    )
    _print_matrix(
        "model: intent",
        model_report["intent_confusion"]["labels"],
        model_report["intent_confusion"]["matrix"],
    )
    _print_matrix(
        "keyword rules: intent",
        rules_report["intent_confusion"]["labels"],
        rules_report["intent_confusion"]["matrix"],
    )
    _print_matrix(
        "model: category",
        model_report["category_confusion"]["labels"],
        model_report["category_confusion"]["matrix"],
    )
    _print_matrix(
        "keyword rules: category",
        rules_report["category_confusion"]["labels"],
        rules_report["category_confusion"]["matrix"],
    )
    o = model_report["overall"]
    print(
        f"\ntargets: intent ≥ 0.85 {'met' if o['intent']['macro_f1'] >= 0.85 else 'NOT met'}, "
        f"category ≥ 0.75 {'met' if o['category']['macro_f1'] >= 0.75 else 'NOT met'}, "
        f"≥ 1,000/s {'met' if batch_speed >= 1000 else 'NOT met'}"
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(
                {
                    "model": model_report,
                    "keyword_rules": rules_report,
                    "train_seconds": train_seconds,
                    "predictions_per_second": {
                        "batch_first_read": batch_speed,
                        "batch_again": warm_speed,
                        "one_at_a_time": single_speed,
                    },
                },
                out,
                indent=1,
                ensure_ascii=False,
            )


if __name__ == "__main__":
    main()
