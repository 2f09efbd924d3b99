"""Generates `fake_seed.json`: demo DC pages with citizen comments for the fake Graph API.

    python -m integrations.facebook.fake_seed_gen > integrations/facebook/fake_seed.json

Deterministic (fixed RNG seed, fixed base time), so the committed file only changes when this
generator does. The fake server shifts all times so the newest item is "now" unless started
with --keep-seed-times.

Stable identifiers the Django side connects to (also in the file's "_readme"):

    app id 880000000000001, app secret "shunani-fake-app-secret"
    admin user 100000000000001, user token "EAAShunaniFakeAdminUserToken" (all six pages)

    page id          district     page access token
    104510000000001  Dhaka        EAAShunaniFakePageTokenDhaka
    104510000000002  Chattogram   EAAShunaniFakePageTokenChattogram
    104510000000003  Sylhet       EAAShunaniFakePageTokenSylhet
    104510000000004  Rajshahi     EAAShunaniFakePageTokenRajshahi
    104510000000005  Khulna       EAAShunaniFakePageTokenKhulna
    104510000000006  Barishal     EAAShunaniFakePageTokenBarishal
"""

from __future__ import annotations

import json
import random
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from integrations.facebook.wire import format_graph_time

APP = {"id": "880000000000001", "name": "Shunani", "secret": "shunani-fake-app-secret"}
ADMIN_USER = {
    "id": "100000000000001",
    "name": "Shunani Admin",
    "access_token": "EAAShunaniFakeAdminUserToken",
}
DISTRICTS = [
    ("Dhaka", "ঢাকা"),
    ("Chattogram", "চট্টগ্রাম"),
    ("Sylhet", "সিলেট"),
    ("Rajshahi", "রাজশাহী"),
    ("Khulna", "খুলনা"),
    ("Barishal", "বরিশাল"),
]
BASE_TIME = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)  # 10:00 in Dhaka


def page_id(index: int) -> str:
    return f"1045100000000{index + 1:02d}"


def page_token(district: str) -> str:
    return f"EAAShunaniFakePageToken{district}"


CITIZENS = [
    ("7010000000000001", "Md. Rahim Uddin"),
    ("7010000000000002", "Fatema Begum"),
    ("7010000000000003", "Abdul Karim"),
    ("7010000000000004", "Nusrat Jahan"),
    ("7010000000000005", "Shafiqul Islam"),
    ("7010000000000006", "Rupa Akter"),
    ("7010000000000007", "Tanvir Hasan"),
    ("7010000000000008", "Sumaiya Rahman"),
    ("7010000000000009", "Habibur Rahman"),
    ("7010000000000010", "Moushumi Das"),
    ("7010000000000011", "Jahangir Alam"),
    ("7010000000000012", "Anwara Khatun"),
    ("7010000000000013", "Rakib Chowdhury"),
    ("7010000000000014", "Shirin Sultana"),
    ("7010000000000015", "Biplob Sarker"),
    ("7010000000000016", "Kamrun Nahar"),
]
HIDDEN_CITIZEN = ("7010000000000099", "Private Person")  # `from` withheld (graph-api.md F31)

# Grievances per category, in Bangla, English and romanised Bangla.
GRIEVANCES: dict[str, list[str]] = {
    "land": [
        "আমার জমির নামজারি আবেদন ছয় মাস ধরে ভূমি অফিসে পড়ে আছে। দয়া করে ব্যবস্থা নিন।",
        "My land mutation case has been pending at the AC Land office since March. "
        "Nobody answers the phone.",
        "Amar baper jomi dokhol kore rekheche pashher barir lok, thana kono kaaj korche na.",
        "খতিয়ানে আমার নামের বানান ভুল, সংশোধনের জন্য তিনবার গিয়েছি।",
    ],
    "law_and_order": [
        "রাতে আমাদের এলাকায় মাদক বিক্রি হচ্ছে, পুলিশকে জানিয়েও লাভ হয়নি।",
        "Chain snatching near the bus stand every evening. Please increase patrols.",
        "Amader para te protidin chintai hoy, keu kichu bole na.",
    ],
    "education": [
        "সরকারি প্রাথমিক বিদ্যালয়ে শিক্ষক আসেন না, বাচ্চারা বসে থাকে।",
        "The school in our union has no toilet for girls. Students are dropping out.",
        "Upobritti er taka ekhono pai nai, headmaster bolchen upor theke ashe nai.",
    ],
    "health": [
        "উপজেলা স্বাস্থ্য কমপ্লেক্সে রাতে কোনো ডাক্তার থাকে না।",
        "No medicine available at the community clinic for three weeks.",
        "Hospital e ambulance chailei taka chay, gorib manush ki korbe?",
    ],
    "relief": [
        "বন্যার ত্রাণ তালিকায় আমাদের গ্রামের কারো নাম নেই, অথচ সবার ঘর ডুবে গেছে।",
        "VGF card was given to the chairman's relatives, not to the poor families.",
        "Tran er chal kom dicche, 10 kg er jaygay 6 kg.",
    ],
    "disputes": [
        "পাশের বাড়ির সাথে রাস্তা নিয়ে বিরোধ, সালিশে কোনো সমাধান হয়নি।",
        "Our neighbour built a wall blocking the only path to our house.",
        "Bhai der moddhe shompotti niye jhogra, DC office e shunani chai.",
    ],
    "services": [
        "জন্ম নিবন্ধন সনদ পেতে ইউনিয়ন পরিষদে ঘুষ চাইছে।",
        "Streetlights on the college road have been broken for two months.",
        "Passport verification er jonno police 2000 taka chaiche.",
        "পৌরসভার ময়লা এক সপ্তাহ ধরে কেউ নেয় না, রাস্তায় গন্ধ।",
    ],
}
FOLLOW_UPS = [
    "আপডেট: এখনো কোনো সমাধান হয়নি।",
    "Update: still nothing done. Please look into it.",
    "Ekhono kono khobor nai, please dekhen.",
    "ছবি দিলাম, দেখুন অবস্থা কী।",
]
PRAISE = [
    "ডিসি স্যারকে ধন্যবাদ, রাস্তাটা দ্রুত ঠিক হয়েছে।",
    "Thank you DC office for the quick help during the flood.",
    "Khub bhalo uddog, dhonnobad.",
]
QUESTIONS = [
    "ভূমি উন্নয়ন কর অনলাইনে কীভাবে দিব?",
    "When is the next public hearing (gonoshunani) day?",
    "Trade license renew korte ki ki lagbe?",
]
SPAM = [
    "ঘরে বসে দিনে ৫০০০ টাকা আয় করুন! ইনবক্স করুন",
    "Cheap followers and likes, visit bit.ly/fake-likes-bd",
]
ABUSE = [
    "সব চোর, কেউ কাজ করে না! লজ্জা!",
    "Useless office, you people are all corrupt idiots.",
]
PAGE_REPLIES = [
    "আপনার অভিযোগটি গ্রহণ করা হয়েছে। সংশ্লিষ্ট দপ্তরে পাঠানো হয়েছে।",
    "Thank you. Your complaint has been forwarded to the concerned office.",
]
POSTS = [
    "জেলা প্রশাসনের গণশুনানি আগামী বুধবার সকাল ১০টায়। সবাইকে আমন্ত্রণ।",
    "Flood situation update: relief distribution points for this week.",
    "ভূমি সেবা সপ্তাহ উপলক্ষে বিশেষ সেবা ক্যাম্প।",
    "Dengue prevention: clean stagnant water around your homes.",
]


def generate(seed: int = 20261120) -> dict[str, Any]:
    rng = random.Random(seed)  # noqa: S311 -- deterministic demo content
    seq = iter(range(1, 100_000))
    pages, posts, comments = [], [], []
    for index, (district, bangla) in enumerate(DISTRICTS):
        pid = page_id(index)
        pages.append(
            {
                "id": pid,
                "name": f"জেলা প্রশাসন, {bangla} / DC Office {district}",
                "access_token": page_token(district),
                "username": f"dc.{district.lower()}",
                # One page pages its feed by time, like /posts does on Facebook (§2.1 B).
                "paging_mode": "time" if district == "Khulna" else "cursor",
            }
        )
        for post_index, text in enumerate(POSTS):
            post_time = BASE_TIME - timedelta(days=3 - post_index, hours=index)
            post_id = f"{pid}_1221{index + 1:02d}0000000{post_index + 1:02d}"
            posts.append(
                {
                    "id": post_id,
                    "page_id": pid,
                    "message": text,
                    "created_time": format_graph_time(post_time),
                    "from": {"id": pid, "name": pages[-1]["name"]},
                    "is_published": True,
                }
            )
            comments.extend(_thread(rng, seq, pid, post_id, post_time))
        # A visitor post, and an unpublished draft (graph-api.md F37).
        visitor = rng.choice(CITIZENS)
        visitor_time = BASE_TIME - timedelta(hours=5 + index)
        posts.append(
            {
                "id": f"{pid}_1221{index + 1:02d}000000090",
                "page_id": pid,
                "message": rng.choice(GRIEVANCES["services"]),
                "created_time": format_graph_time(visitor_time),
                "from": {"id": visitor[0], "name": visitor[1]},
                "is_published": True,
                "status_type": "mobile_status_update",
            }
        )
        posts.append(
            {
                "id": f"{pid}_1221{index + 1:02d}000000091",
                "page_id": pid,
                "message": "খসড়া: আগামী মাসের কর্মসূচি (draft)",
                "created_time": format_graph_time(BASE_TIME - timedelta(hours=2)),
                "from": {"id": pid, "name": pages[-1]["name"]},
                "is_published": False,
            }
        )
    readme = [
        "Demo data for the fake Graph API; generated by integrations/facebook/fake_seed_gen.py.",
        f"App id {APP['id']}, app secret {APP['secret']}.",
        f"Admin user {ADMIN_USER['id']} with user token {ADMIN_USER['access_token']} "
        "(GET /me/accounts lists all pages with their tokens).",
        *(f"Page {p['id']} token {p['access_token']}: {p['name']}" for p in pages),
    ]
    return {
        "_readme": readme,
        "app": APP,
        "pages": pages,
        "users": [
            {**ADMIN_USER, "pages": [p["id"] for p in pages]},
            *({"id": cid, "name": name} for cid, name in CITIZENS),
            {"id": HIDDEN_CITIZEN[0], "name": HIDDEN_CITIZEN[1], "hides_identity": True},
        ],
        "posts": posts,
        "comments": comments,
    }


def _thread(
    rng: random.Random, seq: Any, pid: str, post_id: str, post_time: datetime
) -> list[dict[str, Any]]:
    suffix = post_id.split("_", 1)[1]
    out: list[dict[str, Any]] = []
    when = post_time
    for _ in range(rng.randint(4, 7)):
        when += timedelta(minutes=rng.randint(3, 240))
        kind = rng.choices(
            ["grievance", "praise", "question", "spam", "abuse"], weights=[12, 2, 2, 1, 1]
        )[0]
        author = HIDDEN_CITIZEN if rng.random() < 0.05 else rng.choice(CITIZENS)
        if kind == "grievance":
            message = rng.choice(GRIEVANCES[rng.choice(list(GRIEVANCES))])
        else:
            bank = {"praise": PRAISE, "question": QUESTIONS, "spam": SPAM, "abuse": ABUSE}[kind]
            message = rng.choice(bank)
        top_id = f"{suffix}_99{next(seq):013d}"
        out.append(
            {
                "id": top_id,
                "post_id": post_id,
                "parent_id": None,
                "message": message,
                "created_time": format_graph_time(when),
                "from": {"id": author[0], "name": author[1]},
                "is_hidden": kind == "spam",  # the page already hid some spam (F34)
                "from_hidden": author == HIDDEN_CITIZEN,
            }
        )
        if kind == "grievance" and rng.random() < 0.4:
            when += timedelta(minutes=rng.randint(10, 90))
            out.append(_reply(seq, suffix, post_id, top_id, author, rng.choice(FOLLOW_UPS), when))
        if kind in ("grievance", "question") and rng.random() < 0.3:
            when += timedelta(minutes=rng.randint(30, 300))
            page = (pid, "")
            out.append(_reply(seq, suffix, post_id, top_id, page, rng.choice(PAGE_REPLIES), when))
    return out


def _reply(
    seq: Any,
    suffix: str,
    post_id: str,
    parent_id: str,
    author: tuple[str, str],
    message: str,
    when: datetime,
) -> dict[str, Any]:
    return {
        "id": f"{suffix}_99{next(seq):013d}",
        "post_id": post_id,
        "parent_id": parent_id,
        "message": message,
        "created_time": format_graph_time(when),
        "from": {"id": author[0], "name": author[1]} if author[1] else {"id": author[0]},
        "is_hidden": False,
        "from_hidden": author == HIDDEN_CITIZEN,
    }


def live_comment(rng: random.Random) -> tuple[str, str, str]:
    """A fresh citizen comment for the fake server's live demo mode."""
    author = rng.choice(CITIZENS)
    if rng.random() < 0.8:
        return author[0], author[1], rng.choice(GRIEVANCES[rng.choice(list(GRIEVANCES))])
    return author[0], author[1], rng.choice(PRAISE + QUESTIONS + SPAM)


def main() -> None:
    sys.stdout.write(json.dumps(generate(), ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
