"""Writes the triage corpus, `triage/data/corpus.jsonl`, from the hand-written templates below.

    python -m triage.corpus_gen [--size 3200] [--seed 13]

Every template was written for this project (none is copied from a public data set). A
template is one thing a citizen says, usually in three renderings (Bangla script, romanised
Bangla, English); each rendering has choices `[a|b|]` (the empty choice: leave it out) and
slots `{place}`, `{n}`, `{money}`, `{dur}`, `{day}`, `{name}`. A comment is an opener, the
template's body and a closer, all shared between intents (a grievance may end in "ধন্যবাদ",
praise may start with "স্যার"), then the typing noise people make on phones: Bangla vowel signs
and sibilants swapped, romanised spellings varied, letters repeated, emoji, Bangla or Latin
digits, zero-width joiners and decomposed letters. "mixed" comments take a Bangla body with a
romanised or English opener or closer, or the other way round.

The split is by template (`splits`): a held-out template is only in the test split, so the
score is measured on sentences whose wording the model has never seen.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

CORPUS_PATH = Path(__file__).resolve().parent / "data" / "corpus.jsonl"

INTENTS = ("grievance", "question", "praise", "abuse_spam", "other")
SCRIPTS = ("bn", "rom", "en", "mixed")


@dataclass(frozen=True)
class Template:
    id: str
    intent: str
    category: str | None
    bn: str = ""
    rom: str = ""
    en: str = ""
    group: str = ""  # held out together; the template itself when empty


# --------------------------------------------------------------------------- slots

PLACES = [
    ("রূপগঞ্জ", "rupganj"),
    ("সোনারগাঁ", "sonargaon"),
    ("কালিয়াকৈর", "kaliakoir"),
    ("শিবচর", "shibchor"),
    ("বালিয়াডাঙ্গী", "baliadangi"),
    ("কুলাউড়া", "kulaura"),
    ("চৌদ্দগ্রাম", "chouddogram"),
    ("মহেশখালী", "moheshkhali"),
    ("ধুনট", "dhunot"),
    ("পীরগঞ্জ", "pirganj"),
    ("ভেদরগঞ্জ", "bhedorganj"),
    ("নাগেশ্বরী", "nageshwari"),
    ("হাতিয়া", "hatiya"),
    ("মুক্তাগাছা", "muktagacha"),
    ("দৌলতপুর", "doulotpur"),
    ("চরফ্যাশন", "charfashion"),
    ("সাতকানিয়া", "satkania"),
    ("গোবিন্দগঞ্জ", "gobindoganj"),
    ("ঈশ্বরদী", "ishwardi"),
    ("পাইকগাছা", "paikgacha"),
]
VILLAGE_WORDS = [("গ্রাম", "gram", "village"), ("ইউনিয়ন", "union", "union")]
NAMES = [
    ("করিম", "korim"),
    ("রহিমা", "rohima"),
    ("সুমন", "sumon"),
    ("জাহাঙ্গীর", "jahangir"),
    ("শাহানা", "shahana"),
    ("বাবুল", "babul"),
    ("মিজান", "mizan"),
    ("আলেয়া", "aleya"),
]
DURATIONS = [
    ("দিন", "din", "days"),
    ("সপ্তাহ", "soptaho", "weeks"),
    ("মাস", "mash", "months"),
    ("বছর", "bochor", "years"),
]
DAYS = [
    ("গতকাল", "gotokal", "yesterday"),
    ("গত সোমবার", "goto sombar", "last Monday"),
    ("আজ সকালে", "aj sokale", "this morning"),
    ("গত সপ্তাহে", "goto soptahe", "last week"),
    ("পরশু", "porshu", "the day before yesterday"),
]
BN_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


def _number(rng: random.Random, script: str, low: int, high: int) -> str:
    text = str(rng.randint(low, high))
    if script == "bn" and rng.random() < 0.7:
        return text.translate(BN_DIGITS)
    return text


def _slot(name: str, script: str, rng: random.Random) -> str:
    lang = {"bn": 0, "rom": 1, "en": 1}[script]
    if name == "place":
        place = rng.choice(PLACES)[lang]
        if script == "en":
            place = place.capitalize()
        if rng.random() < 0.3:
            word = rng.choice(VILLAGE_WORDS)
            return f"{place} {word[{'bn': 0, 'rom': 1, 'en': 2}[script]]}"
        return place
    if name == "name":
        value = rng.choice(NAMES)[lang]
        return value.capitalize() if script == "en" else value
    if name == "n":
        return _number(rng, script, 2, 40)
    if name == "money":
        amount = rng.choice([200, 500, 1000, 1500, 2000, 3000, 5000, 10000, 20000, 50000])
        text = str(amount)
        if script == "bn" and rng.random() < 0.7:
            text = text.translate(BN_DIGITS)
        return text
    if name == "dur":
        unit = rng.choice(DURATIONS)
        count = _number(rng, script, 2, 11)
        return f"{count} {unit[{'bn': 0, 'rom': 1, 'en': 2}[script]]}"
    if name == "day":
        return rng.choice(DAYS)[{"bn": 0, "rom": 1, "en": 2}[script]]
    raise KeyError(name)


_CHOICE = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"\{(\w+)\}")


def expand(pattern: str, script: str, rng: random.Random) -> str:
    while True:
        match = _CHOICE.search(pattern)
        if match is None:
            break
        options = match.group(1).split("|")
        pattern = pattern[: match.start()] + rng.choice(options) + pattern[match.end() :]
    text = _SLOT.sub(lambda m: _slot(m.group(1), script, rng), pattern)
    return re.sub(r"\s+", " ", text).strip()


# --------------------------------------------------------------------------- openers, closers

OPENERS = {
    "bn": [
        "স্যার,",
        "মাননীয় জেলা প্রশাসক মহোদয়,",
        "আসসালামু আলাইকুম স্যার।",
        "ডিসি স্যার",
        "সম্মানিত স্যার,",
        "ভাই,",
        "শুনছেন?",
        "",
        "",
        "",
    ],
    "rom": [
        "sir",
        "assalamualaikum sir",
        "dc sir",
        "salam vai",
        "respected sir,",
        "hello",
        "",
        "",
        "",
    ],
    "en": ["Dear Sir,", "Respected DC sir,", "Hello,", "Sir,", "Good day.", "", "", ""],
}
REQUEST_CLOSERS = {
    "bn": [
        "দয়া করে ব্যবস্থা নিন।",
        "দ্রুত ব্যবস্থা নেওয়ার অনুরোধ রইলো।",
        "প্লিজ একটু দেখবেন।",
        "আগাম ধন্যবাদ।",
        "আপনার সুদৃষ্টি কামনা করছি।",
        "এর বিচার চাই।",
        "সাহায্য করুন।",
        "",
        "",
        "",
    ],
    "rom": [
        "plz kisu koren",
        "druto bebostha nen please",
        "ektu dekhben sir",
        "dhonnobad",
        "help korun",
        "eta dekhar keu nai?",
        "",
        "",
        "",
    ],
    "en": [
        "Please take action.",
        "Kindly look into it.",
        "Thanks in advance.",
        "Hope you will help.",
        "Please do something.",
        "",
        "",
    ],
}
QUESTION_CLOSERS = {
    "bn": ["জানালে উপকৃত হবো।", "কেউ জানলে বলবেন।", "ধন্যবাদ।", "", "", ""],
    "rom": ["janale upokrito hobo", "keu janle bolben", "thanks", "", "", ""],
    "en": ["Please let me know.", "Anyone knows?", "Thanks.", "", "", ""],
}
PRAISE_CLOSERS = {
    "bn": ["আল্লাহ আপনার মঙ্গল করুন।", "এগিয়ে যান স্যার।", "শুভকামনা।", "", ""],
    "rom": ["allah apnar mongol korun", "egiye jan sir", "best of luck", "", ""],
    "en": ["Keep it up!", "God bless you.", "Best wishes.", "", ""],
}
EMOJI = {
    "grievance": ["😡", "😢", "😭", "🙏", "😞"],
    "question": ["🤔", "🙏", "❓"],
    "praise": ["❤️", "👍", "🙏", "🌹", "💐", "😊"],
    "abuse_spam": ["😡", "🤬", "💰", "🔥", "👉", "😂"],
    "other": ["😂", "😊", "👍", "🇧🇩", "❤️", "🌙"],
}


# --------------------------------------------------------------------------- the templates

RAW: dict[tuple[str, str | None], list[dict[str, str]]] = {}


def _add(intent: str, category: str | None, *items: dict[str, str]) -> None:
    RAW.setdefault((intent, category), []).extend(items)


# ---- grievances, by category
_add(
    "grievance",
    "land",
    {
        "bn": "আমার [বাবার|দাদার|] [জমি|জায়গা] [দখল করে নিয়েছে|জোর করে দখল করেছে] [স্থানীয় প্রভাবশালী|পাশের বাড়ির লোক|এক দালাল]। {place} এ থাকি।",
        "rom": "amar [babar|dadar|] jomi dokhol [hoye geche|kore niyeche] [prottibeshi|ek prabhabshali lok]. thana te gele kono kaj hoy na",
        "en": "My [father's|family|] land in {place} has been [grabbed|occupied] by [a local influential man|our neighbour].",
    },
    {
        "bn": "নামজারি [আবেদন|কেস] করেছি {dur} আগে, [এখনো|আজও] খতিয়ান পাইনি। [এসি ল্যান্ড|ভূমি] অফিসে বারবার ঘুরছি।",
        "rom": "namjari [abedon|case] korsi {dur} age akhono khotiyan pai nai. [ac land|vumi] office e ghurtesi",
        "en": "I applied for mutation {dur} ago and still have not got the khatian. [The AC land office|The land office] keeps sending me back.",
    },
    {
        "bn": "[ইউনিয়ন ভূমি অফিস|তহশিল অফিস] খাজনা [নিচ্ছে না|দাখিলা দিচ্ছে না], অনলাইনে [ভুল দেখাচ্ছে|নাম আসছে না]।",
        "rom": "[union vumi office|tohoshil office] khajna nitese na, online e [dag number vul|nam ashe na]",
        "en": "The union land office is not taking my land tax; the online record shows the wrong [plot number|owner].",
    },
    {
        "bn": "{place} এ খাস জমি [বন্দোবস্ত|ভাগ] নিয়ে অনিয়ম হচ্ছে, ভূমিহীনরা পাচ্ছে না।",
        "rom": "{place} e khas jomi [bondobosto|bhag] niye oniyom hocche, vumihin ra pay na",
        "en": "Khas land in {place} is being allotted to the rich, not to the landless.",
    },
    {
        "bn": "জরিপে আমার [দাগ|জমি] অন্যের নামে উঠে গেছে। [বিআরএস|মাঠ জরিপ] এ ভুল, সংশোধন চাই।",
        "rom": "jorip e amar dag onner name uthe geche. BRS e vul, songshodhon chai",
        "en": "In the survey my plot was recorded in someone else's name. I want the record corrected.",
    },
    {
        "bn": "সীমানা নিয়ে ঝামেলা, আমিন মাপে [কম দিয়েছে|ভুল করেছে], পাশের জন আইল কেটে নিচ্ছে।",
        "rom": "simana niye jhamela, amin mape [kom diche|vul korse], pasher jon ail kete nicche",
        "en": "The surveyor measured my land wrongly and my neighbour keeps moving the boundary ridge.",
    },
    {
        "bn": "নদী ভাঙনে জমি গেছে, [পয়স্তি জমি|চর] এখন অন্য লোকে দখল করে চাষ করছে।",
        "rom": "nodi vangone jomi geche, ekhon [chor|notun jomi] onno lok dokhol kore chash kortese",
        "en": "Our land went into the river; now the new char land is farmed by others who grabbed it.",
    },
)
_add(
    "grievance",
    "law-and-order",
    {
        "bn": "{place} এ [রাতে|প্রতিদিন] [চুরি|ছিনতাই] বেড়ে গেছে, [থানায় জানিয়েও|পুলিশ জানলেও] কোনো লাভ হয়নি।",
        "rom": "{place} e [rat e|protidin] [churi|chintai] bere geche, thanay janiyeo kono lav hoy nai",
        "en": "[Theft|Mugging] has increased in {place} [at night|every day] and the police do nothing.",
    },
    {
        "bn": "[কিশোর গ্যাং|বখাটেরা] [স্কুলের মেয়েদের|রাস্তায় মানুষকে] উত্যক্ত করছে, ভয়ে কেউ কিছু বলে না।",
        "rom": "[kishor gang|bokhate ra] [school er meyeder|rastay manush ke] disturb kortese, voye keu kisu bole na",
        "en": "A [teen gang|group of boys] is harassing [schoolgirls|people on the road] and everyone is afraid.",
    },
    {
        "bn": "আমাদের এলাকায় [মাদক|ইয়াবা] বিক্রি হয় প্রকাশ্যে, [মসজিদের পাশে|স্কুলের সামনে]।",
        "rom": "amader elakay [madok|yaba] bikri hoy prokashse, [school er samne|bazare]",
        "en": "[Drugs|Yaba] are sold openly [near the school|in our market] in {place}.",
    },
    {
        "bn": "[গতকাল|{day}] আমার [ভাইকে|ছেলেকে] মারধর করেছে, থানা মামলা নিচ্ছে না।",
        "rom": "{day} amar [vai ke|chele ke] mardhor korse, thana mamla nitese na",
        "en": "My [brother|son] was beaten {day} and the police station refuses to take the case.",
    },
    {
        "bn": "রাত [১২টা|২টা] পর্যন্ত উচ্চ শব্দে মাইক বাজায়, [পরীক্ষার্থীরা|রোগীরা] কষ্ট পাচ্ছে।",
        "rom": "rat [12ta|2ta] porjonto loud mic bajay, [porikkharthi|rogi] ra kosto pay",
        "en": "Loudspeakers play until [midnight|2 am] every night; [students|patients] cannot sleep.",
    },
    {
        "bn": "আমার [মোটরসাইকেল|গরু] চুরি হয়েছে {dur} আগে, জিডি করেছি কিন্তু কোনো খোঁজ নেই।",
        "rom": "amar [bike|goru] churi hoyeche {dur} age, GD korsi kintu kono khoj nai",
        "en": "My [motorbike|cow] was stolen {dur} ago; I filed a GD but nothing happened.",
    },
)
_add(
    "grievance",
    "education",
    {
        "bn": "{place} [সরকারি প্রাথমিক বিদ্যালয়ের|হাই স্কুলের] শিক্ষক [নিয়মিত আসেন না|ক্লাস নেন না], প্রাইভেট পড়তে বাধ্য করেন।",
        "rom": "amader [primary school|high school] er teacher [thik moto ashe na|class ney na], private porte bole",
        "en": "The teachers of the [government primary school|high school] in {place} [do not come|skip classes] and force children into private tuition.",
    },
    {
        "bn": "[উপবৃত্তির|স্টাইপেন্ডের] টাকা {dur} ধরে [পাচ্ছি না|আসে নাই], হেড স্যার কিছু বলেন না।",
        "rom": "[upobritti|stipend] er taka {dur} dhore pai na, head sir kisu bole na",
        "en": "My child's stipend has not come for {dur}; the head teacher gives no answer.",
    },
    {
        "bn": "ভর্তির সময় [অতিরিক্ত|{money} টাকা] ফি নিচ্ছে স্কুল, রশিদ দেয় না।",
        "rom": "vortir somoy school {money} taka extra fee nitese, roshid dey na",
        "en": "The school is charging {money} taka extra for admission without a receipt.",
    },
    {
        "bn": "স্কুলের [ছাদ চুইয়ে পানি পড়ে|টয়লেট নেই|বেঞ্চ ভাঙা], বাচ্চারা মাটিতে বসে ক্লাস করে।",
        "rom": "school er [chad diye pani pore|toilet nai|bench vanga], bacchara matite bose class kore",
        "en": "The school building [leaks|has no toilet|has broken benches]; children sit on the floor.",
    },
    {
        "bn": "[বোর্ড পরীক্ষার|এসএসসি] [রেজিস্ট্রেশনে|ফরম পূরণে] ভুল নাম দিয়েছে স্কুল, ঠিক করতে টাকা চায়।",
        "rom": "[ssc|board exam] er registration e vul nam dise school, thik korte taka chay",
        "en": "The school put a wrong name on my [SSC|board exam] registration and wants money to fix it.",
    },
    {
        "bn": "মাদ্রাসার সুপার [শিক্ষার্থীদের মারধর করেন|বেতন আটকে রেখেছেন]।",
        "rom": "madrasar super [chatro der mare|shikkhok der beton atke rakhse]",
        "en": "The madrasa superintendent [beats students|has held back the teachers' salaries].",
    },
)
_add(
    "grievance",
    "health",
    {
        "bn": "[উপজেলা স্বাস্থ্য কমপ্লেক্সে|সদর হাসপাতালে] [ডাক্তার থাকে না|রাতে কোনো ডাক্তার নেই], রোগীরা ফিরে যায়।",
        "rom": "[upazila health complex|sodor hospital] e [doctor thake na|rate kono doctor nai], rogi ra fire jay",
        "en": "There is [no doctor|no doctor at night] at the [upazila health complex|district hospital]; patients are sent away.",
    },
    {
        "bn": "হাসপাতালের [ওষুধ|সরকারি ওষুধ] বাইরে বিক্রি করে, আমাদের বলে [স্টক নেই|কিনে আনেন]।",
        "rom": "hospital er [osudh|sorkari medicine] baire bikri kore, amader bole stock nai",
        "en": "Free medicine from the hospital is sold outside; they tell us it is out of stock.",
    },
    {
        "bn": "[ইমার্জেন্সিতে|ওয়ার্ডে] [ট্রলি|সিট] পেতে [{money} টাকা|টাকা] দিতে হয় দালালকে।",
        "rom": "[emergency|ward] e [trolley|seat] pete dalal ke {money} taka dite hoy",
        "en": "In the [emergency|ward] we had to pay a tout {money} taka for a [trolley|bed].",
    },
    {
        "bn": "কমিউনিটি ক্লিনিক {dur} ধরে বন্ধ, [গর্ভবতী মায়েরা|বয়স্করা] সেবা পাচ্ছে না।",
        "rom": "community clinic {dur} dhore bondho, [pregnant mayera|boyoskora] seba pay na",
        "en": "The community clinic in {place} has been closed for {dur}.",
    },
    {
        "bn": "হাসপাতাল [খুব নোংরা|টয়লেটে পানি নেই], [মশা|কুকুর] ঘোরে ওয়ার্ডে।",
        "rom": "hospital [onek nongra|toilet e pani nai], ward e [mosha|kukur] ghore",
        "en": "The hospital is [filthy|without water in the toilets] and [dogs|mosquitoes] are in the ward.",
    },
    {
        "bn": "ভুল চিকিৎসায় আমার [মা|বাচ্চা] [অসুস্থ হয়ে গেছে|মারা গেছে], ক্লিনিকের বিচার চাই।",
        "rom": "vul chikitsay amar [ma|baccha] [osustho hoye geche|mara geche], clinic er bichar chai",
        "en": "My [mother|child] [fell ill|died] after wrong treatment at a private clinic.",
    },
)
_add(
    "grievance",
    "relief",
    {
        "bn": "[বয়স্ক ভাতা|বিধবা ভাতা|প্রতিবন্ধী ভাতা] {dur} ধরে বন্ধ, [মেম্বার|চেয়ারম্যান] বলে নাম কাটা গেছে।",
        "rom": "[boyosko vata|bidhoba vata|protibondhi vata] {dur} dhore bondho, [member|chairman] bole nam kete geche",
        "en": "My [old age allowance|widow allowance|disability allowance] stopped {dur} ago; the [member|chairman] says my name was dropped.",
    },
    {
        "bn": "[ভিজিডি|ভিজিএফ] কার্ড করে দিতে [মেম্বার|চেয়ারম্যান] {money} টাকা চায়।",
        "rom": "[vgd|vgf] card korte [member|chairman] {money} taka chay",
        "en": "The [member|chairman] wants {money} taka to put my name on the [VGD|VGF] list.",
    },
    {
        "bn": "ঈদের [চাল|ত্রাণ] [সচ্ছল লোকেরা পেয়েছে|অর্ধেক দিয়েছে], গরিবরা পায়নি।",
        "rom": "eid er [chal|tran] [dhoni lok ra paise|ordhek dise], gorib ra pay nai",
        "en": "The Eid [rice|relief] went to well-off families; the poor got nothing.",
    },
    {
        "bn": "বন্যায় ঘর ভেসে গেছে {dur} আগে, এখনো কোনো [ত্রাণ|সাহায্য] পাইনি।",
        "rom": "bonnay ghor veshe geche {dur} age, ekhono kono [tran|sahajjo] pai nai",
        "en": "Our house was washed away by the flood {dur} ago and we got no relief yet.",
    },
    {
        "bn": "টিসিবির কার্ড [পাইনি|বাতিল হয়েছে], অথচ [যাদের দরকার নেই|মেম্বারের আত্মীয়রা] পাচ্ছে।",
        "rom": "tcb card [pai nai|batil hoise], othocho memberer attiyo ra pay",
        "en": "My TCB family card was cancelled while the member's relatives still get one.",
    },
    {
        "bn": "আশ্রয়ণ প্রকল্পের ঘর [টাকা দিলে দেয়|অন্যদের দিয়েছে], আমরা ভূমিহীন হয়েও পাইনি।",
        "rom": "ashrayon prokolper ghor [taka dile dey|onno der dise], amra vumihin hoyeo pai nai",
        "en": "The Ashrayan houses were given to those who paid; we are landless and got none.",
    },
)
_add(
    "grievance",
    "disputes",
    {
        "bn": "[আমার স্বামী|শ্বশুরবাড়ির লোক] যৌতুকের জন্য [মারধর করে|বাড়ি থেকে বের করে দিয়েছে]।",
        "rom": "[amar shami|shoshur barir lok] joutuker jonno [mare|bari theke ber kore dise]",
        "en": "My [husband|in-laws] [beat me|threw me out] for dowry.",
    },
    {
        "bn": "ভাইয়েরা [বাবার সম্পত্তির|ওয়ারিশের] ভাগ দিচ্ছে না, [সালিশে|গ্রাম্য সালিশে] অন্যায় রায় দিয়েছে।",
        "rom": "vai era babar sompottir vag dicche na, salish e onnay ray dise",
        "en": "My brothers refuse my share of our father's property and the village shalish was unfair.",
    },
    {
        "bn": "[বাল্যবিবাহ|১৪ বছরের মেয়ের বিয়ে] হচ্ছে {place} এ [আগামী শুক্রবার|আজ রাতে], থামান।",
        "rom": "{place} e [ajke rate|shukrobar] [balyo bibaho|14 bochorer meyer biye] hocche, thamaan",
        "en": "A [child marriage|wedding of a 14 year old girl] is being arranged in {place} [tonight|this Friday]. Please stop it.",
    },
    {
        "bn": "পাশের বাড়ির সাথে [রাস্তা|পানি যাওয়ার নালা] নিয়ে ঝগড়া, ওরা [হুমকি দিচ্ছে|রাস্তা বন্ধ করে দিয়েছে]।",
        "rom": "pasher barir sathe [rasta|nala] niye jhogra, ora [humki dicche|rasta bondho kore dise]",
        "en": "Our neighbours [blocked the path to our house|threaten us] over a [path|drain] dispute.",
    },
    {
        "bn": "স্বামী [দ্বিতীয় বিয়ে করে|বিদেশ গিয়ে] [ভরণপোষণ দেয় না|খোঁজ নেয় না], বাচ্চা নিয়ে কষ্টে আছি।",
        "rom": "shami [2nd biye kore|bidesh giye] [khoroch dey na|khoj ney na], baccha niye koste achi",
        "en": "My husband [remarried|went abroad] and gives no maintenance for the children.",
    },
)
_add(
    "grievance",
    "public-services",
    {
        "bn": "[জন্ম নিবন্ধন|মৃত্যু নিবন্ধন] [সংশোধনে|করতে] {dur} ধরে [ঘুরছি|ঘোরাচ্ছে], সার্ভার নাকি ডাউন।",
        "rom": "[jonmo nibondhon|birth certificate] [songshodhon|korte] {dur} dhore ghurtesi, server naki down",
        "en": "I have been trying to [correct|get] a birth certificate for {dur}; they say the server is down.",
    },
    {
        "bn": "[এনআইডি|জাতীয় পরিচয়পত্র] [সংশোধনের আবেদন|হারানো কার্ডের আবেদন] করেছি {dur} আগে, কোনো খবর নেই।",
        "rom": "[nid|voter id] [correction|songshodhon] er abedon korsi {dur} age, kono khobor nai",
        "en": "My [NID correction|lost NID card] application from {dur} ago has no update.",
    },
    {
        "bn": "[পাসপোর্ট অফিসে|ইউনিয়ন পরিষদে] [দালাল ছাড়া|টাকা ছাড়া] কাজ হয় না, [ট্রেড লাইসেন্স|নাগরিক সনদ] দিচ্ছে না।",
        "rom": "[union porishod|pourashova] e [trade license|nagorik sonod] dicche na, bole kal ashen",
        "en": "The [union parishad|municipality] keeps delaying my [trade licence|citizenship certificate] for no reason.",
    },
    {
        "bn": "[ডিসি অফিসের|ইউএনও অফিসের] [সেবা কেন্দ্রে|ফ্রন্ট ডেস্কে] কেউ থাকে না, [আবেদন|কাগজ] জমা দিতে পারছি না।",
        "rom": "[dc office er|uno office er] front desk e keu thake na, abedon joma dite partesi na",
        "en": "Nobody is at the [front desk|service centre] of the [DC office|UNO office]; I cannot submit my application.",
    },
    {
        "bn": "[ওয়ারিশ সনদ|চারিত্রিক সনদ] দিতে চেয়ারম্যান {dur} ধরে ঘোরাচ্ছেন।",
        "rom": "[warish sonod|charittrik sonod] dite chairman {dur} dhore ghurasse",
        "en": "The chairman has delayed my [heirship certificate|character certificate] for {dur}.",
    },
)
_add(
    "grievance",
    "roads-utilities",
    {
        "bn": "{place} এর [রাস্তাটা|প্রধান সড়ক] [ভেঙে গেছে|খানাখন্দে ভরা], বর্ষায় [হাঁটা যায় না|অ্যাম্বুলেন্স ঢোকে না]।",
        "rom": "{place} er rasta [vaingga geche|khanakhonde vora], borshay [hata jay na|ambulance dhuke na]",
        "en": "The road in {place} is [broken|full of potholes]; in the rain [nobody can walk|an ambulance cannot get in].",
    },
    {
        "bn": "[দিনে|প্রতিদিন] {n} বার [কারেন্ট|বিদ্যুৎ] যায়, [লোডশেডিং|লোড শেডিং] এ [ব্যবসা|পড়াশোনা] বন্ধ।",
        "rom": "dine {n} bar [current|bidyut] jay, loadshedding e [bebsa|porashona] bondho",
        "en": "Power goes {n} times a day in {place}; [shops|students] cannot work.",
    },
    {
        "bn": "[টিউবওয়েল|গভীর নলকূপ] নষ্ট {dur} ধরে, [খাবার পানি|পানি] নেই।",
        "rom": "[tubewell|nolkup] nosto {dur} dhore, [khabar pani|pani] nai",
        "en": "The [tube well|deep tube well] has been broken for {dur}; there is no drinking water.",
    },
    {
        "bn": "[ব্রিজের|কালভার্টের] [রেলিং ভাঙা|মাঝখানে গর্ত], যেকোনো সময় [দুর্ঘটনা|বড় দুর্ঘটনা] হতে পারে।",
        "rom": "[bridge|culvert] er [railing vanga|majhe gorto], je kono somoy accident hote pare",
        "en": "The [bridge|culvert] has [a broken railing|a hole in the middle]; an accident can happen any time.",
    },
    {
        "bn": "[বিদ্যুৎ বিল|মিটারের বিল] [অনেক বেশি এসেছে|{money} টাকা এসেছে], মিটার না দেখেই বিল করে।",
        "rom": "[current bill|meter bill] [onek beshi ashche|{money} taka aise], meter na dekhe bill kore",
        "en": "The electricity bill came at {money} taka; they bill without reading the meter.",
    },
    {
        "bn": "[রাস্তার কাজ|কার্পেটিং] {dur} আগে শুরু করে ফেলে রেখেছে ঠিকাদার, [ধুলায়|কাদায়] চলা যায় না।",
        "rom": "rastar kaj {dur} age shuru kore fele rakhse thikadar, [dhulay|kaday] chola jay na",
        "en": "The contractor started the road work {dur} ago and left it; it is all [dust|mud].",
    },
    {
        "bn": "[পৌরসভার পানি|সাপ্লাইয়ের পানি] [ময়লা|আসে না] {dur} ধরে, [ড্রেন|নালা] উপচে রাস্তায় পানি।",
        "rom": "pouroshovar pani [moyla|ashe na], [drain|nala] upche rastay pani",
        "en": "Municipal water supply is [dirty|off] and the drains overflow onto the street.",
    },
)
_add(
    "grievance",
    "markets-prices",
    {
        "bn": "[বাজারে|{place} বাজারে] [চালের|ডিমের|পেঁয়াজের] দাম [সিন্ডিকেট করে|হঠাৎ] বাড়িয়েছে, কেউ দেখে না।",
        "rom": "bazare [chal|dim|peyaj] er dam [syndicate kore|hotat] barai dise, keu dekhe na",
        "en": "Traders in {place} market raised [rice|egg|onion] prices [by syndicate|overnight].",
    },
    {
        "bn": "দোকানদার [ওজনে কম দেয়|ভেজাল মিশায়], [মেয়াদোত্তীর্ণ|পচা] পণ্য বিক্রি করে।",
        "rom": "dokandar [ojone kom dey|vejal mishay], [meyad sesh|poca] jinis bikri kore",
        "en": "Shopkeepers [cheat on weight|adulterate food] and sell [expired|rotten] goods.",
    },
    {
        "bn": "[সারের|বীজের] ডিলার [বেশি দাম নেয়|সার নেই বলে], অথচ গুদামে [মজুদ|ভরা]।",
        "rom": "[sar|bij] er dealer [beshi dam ney|sar nai bole], othocho gudam e mojud",
        "en": "The [fertiliser|seed] dealer charges more than the fixed price and hoards stock.",
    },
    {
        "bn": "[গ্যাস সিলিন্ডার|এলপিজি] সরকারি দামের চেয়ে {money} টাকা বেশি নিচ্ছে।",
        "rom": "[gas cylinder|lpg] sorkari damer theke {money} taka beshi nitese",
        "en": "Shops sell [LPG cylinders|gas cylinders] at {money} taka over the fixed price.",
    },
    {
        "bn": "[হাটে|বাজারে] [ইজারাদার|খাজনাওয়ালা] [অতিরিক্ত|জোর করে] টোল নেয় কৃষকদের কাছ থেকে।",
        "rom": "[hat e|bazare] ijaradar [extra|jor kore] toll ney krishok der theke",
        "en": "The market lease holder forces farmers to pay extra toll at the [haat|market].",
    },
)
_add(
    "grievance",
    "environment",
    {
        "bn": "[ইটভাটার|কারখানার] [ধোঁয়ায়|কালো ধোঁয়ায়] {place} এ [ফসল নষ্ট|শ্বাসকষ্ট] হচ্ছে।",
        "rom": "[itvata|factory] r [dhoway|kalo dhoway] {place} e [fosol nosto|shashkosto] hocche",
        "en": "Smoke from the [brick kiln|factory] in {place} is [ruining crops|making children sick].",
    },
    {
        "bn": "নদী থেকে [অবৈধভাবে|রাতে] বালু তুলছে, [ভাঙন|পাড় ভাঙা] শুরু হয়েছে।",
        "rom": "nodi theke [oboidho vabe|rate] balu tulse, [vangon|par vanga] shuru hoise",
        "en": "Sand is being lifted [illegally|at night] from the river and the bank is eroding.",
    },
    {
        "bn": "[খাল|পুকুর] ভরাট করে [দোকান|বাড়ি] বানাচ্ছে, [জলাবদ্ধতা|পানি জমে] হচ্ছে।",
        "rom": "[khal|pukur] vorat kore [dokan|bari] banacche, pani jome thake",
        "en": "Someone is filling the [canal|pond] to build [shops|houses]; the area floods now.",
    },
    {
        "bn": "[রাস্তার পাশে|স্কুলের সামনে] ময়লার ভাগাড়, [দুর্গন্ধে|গন্ধে] থাকা যায় না।",
        "rom": "[rastar pashe|school er samne] moylar vagar, [durgondhe|gondhe] thaka jay na",
        "en": "A garbage dump [beside the road|in front of the school] stinks; nobody collects it.",
    },
    {
        "bn": "সরকারি [রাস্তার গাছ|বনের গাছ] কেটে [বিক্রি করছে|নিয়ে যাচ্ছে] [মেম্বারের লোক|কিছু লোক]।",
        "rom": "sorkari [rastar gach|boner gach] kete bikri kortese [member er lok|kisu lok]",
        "en": "People are cutting and selling the [roadside|forest] trees in {place}.",
    },
)
_add(
    "grievance",
    "corruption",
    {
        "bn": "[ভূমি অফিসের|তহশিল অফিসের] [নাজির|কর্মচারী] নামজারির জন্য {money} টাকা ঘুষ চেয়েছে।",
        "rom": "[vumi office er|tohoshil office er] [najir|staff] namjarir jonno {money} taka ghush chaise",
        "en": "A [clerk|staff member] at the land office asked for a {money} taka bribe for mutation.",
    },
    {
        "bn": "[থানার|ট্রাফিক] পুলিশ [টাকা ছাড়া|{money} টাকা ছাড়া] [জিডি নেয় না|গাড়ি ছাড়ে না]।",
        "rom": "[thanar|traffic] police [taka chara|{money} taka chara] [gd ney na|gari chare na]",
        "en": "[Police at the station|Traffic police] won't [take a GD|release my vehicle] without {money} taka.",
    },
    {
        "bn": "[এসি ল্যান্ড অফিসের|ইউএনও অফিসের] [এক কর্মকর্তা|পিয়ন] [খারাপ ব্যবহার করেন|অপমান করেছেন], সেবা নিতে গেলে [টাকা চান|ধমক দেন]।",
        "rom": "[ac land office er|uno office er] [ek officer|peon] kharap babohar kore, seba nite gele taka chay",
        "en": "An officer at the [AC land|UNO] office [insulted me|was rude] and asked for money for a routine service.",
    },
    {
        "bn": "[টিআর কাবিখার|প্রকল্পের] টাকা [আত্মসাৎ|ভাগবাটোয়ারা] করেছে [চেয়ারম্যান|পিআইও অফিস], কাজ হয়নি।",
        "rom": "[tr kabikha|prokolper] taka [attoshat|vag batoyara] korse [chairman|pio office], kaj hoy nai",
        "en": "The [chairman|project office] [embezzled|shared out] the project money; no work was done.",
    },
    {
        "bn": "চাকরির [নিয়োগে|পরীক্ষায়] {money} টাকা [ঘুষ|উৎকোচ] ছাড়া হয় না, [দালালরা|অফিসের লোক] প্রকাশ্যে চায়।",
        "rom": "chakrir niyoge {money} taka ghush chara hoy na, dalal ra prokashe chay",
        "en": "Recruitment at the [office|hospital] needs a {money} taka bribe; touts ask openly.",
    },
)
_add(
    "grievance",
    "other",
    {
        "bn": "[রাস্তার|বাজারের] [পাগলা কুকুর|বেওয়ারিশ কুকুর] {n} জনকে কামড়েছে, [বাচ্চারা|মানুষ] বের হতে ভয় পায়।",
        "rom": "[pagla kukur|beowarish kukur] {n} jon ke kamrase, bacchara ber hote voy pay",
        "en": "Stray dogs have bitten {n} people in {place}; children are afraid to go out.",
    },
    {
        "bn": "[মসজিদের|কবরস্থানের] [জায়গা|টাকা] নিয়ে [কমিটি|মুতাওয়াল্লি] অনিয়ম করছে।",
        "rom": "[mosjider|koborsthaner] [jayga|taka] niye committee oniyom kortese",
        "en": "The [mosque|graveyard] committee is misusing its [land|funds].",
    },
    {
        "bn": "[মোবাইলে|বিকাশে] প্রতারণা করে {money} টাকা নিয়ে গেছে, [নাম্বার|লোক] চিনি।",
        "rom": "[bkash e|mobile e] protarona kore {money} taka niye geche, number ta ache",
        "en": "A fraudster took {money} taka from me on [bKash|the phone]; I have his number.",
    },
    {
        "bn": "[এনজিওর|সমিতির] কিস্তির জন্য [রাতে এসে|বাড়িতে এসে] হুমকি দিচ্ছে, {money} টাকা চায়।",
        "rom": "[ngo|somiti] r kistir jonno [rate eshe|barite eshe] humki dicche",
        "en": "[An NGO|A savings group] is threatening us at home over loan instalments.",
    },
)

# ---- questions (category: what the question is about)
_add(
    "question",
    "land",
    {
        "bn": "[অনলাইনে|কিভাবে] নামজারির আবেদন [করবো|করতে হয়]? [কি কি কাগজ লাগে|ফি কত]?",
        "rom": "online e namjari abedon kivabe korbo? [ki ki kagoj lage|fee koto]?",
        "en": "How do I apply for land mutation online? [What papers are needed|What is the fee]?",
    },
    {
        "bn": "খতিয়ানের [সার্টিফাইড কপি|পর্চা] কোথা থেকে [তোলা যায়|পাবো]?",
        "rom": "khotiyaner [certified copy|porcha] kotha theke pabo?",
        "en": "Where can I get a certified copy of the [khatian|land record]?",
    },
)
_add(
    "question",
    "public-services",
    {
        "bn": "ডিসি অফিস [শনিবার|শুক্রবার] খোলা থাকে? [অফিস সময়|কয়টা পর্যন্ত] খোলা?",
        "rom": "dc office [shonibar|shukrobar] khola thake? koyta porjonto khola?",
        "en": "Is the DC office open on [Saturday|Friday]? What are the office hours?",
    },
    {
        "bn": "জন্ম নিবন্ধন [সংশোধন করতে|করতে] কি [কি কাগজ|লাগে]? [কত দিন লাগে|ফি কত]?",
        "rom": "jonmo nibondhon [songshodhon korte|korte] ki ki lage? koto din lage?",
        "en": "What documents do I need to [correct|register] a birth certificate? How long does it take?",
    },
    {
        "bn": "[গণশুনানি|জনশুনানি] কবে হবে? [কোথায়|কখন] যেতে হবে?",
        "rom": "[gonoshunani|public hearing] kobe hobe? kothay jete hobe?",
        "en": "When is the next public hearing at the DC office? Where should I go?",
    },
    {
        "bn": "[এনআইডি|ভোটার আইডি] কার্ড হারিয়ে গেছে, নতুন কার্ড [কিভাবে পাবো|কোথায় আবেদন করবো]?",
        "rom": "nid card hariye geche, notun card kivabe pabo?",
        "en": "I lost my NID card. How do I get a new one?",
    },
)
_add(
    "question",
    "relief",
    {
        "bn": "[বয়স্ক ভাতার|বিধবা ভাতার] জন্য [আবেদন|নাম দিতে] কোথায় যেতে হবে? বয়স কত লাগে?",
        "rom": "[boyosko vatar|bidhoba vatar] jonno kothay abedon korbo? boyos koto lage?",
        "en": "Where do I apply for the [old age|widow] allowance? What is the age limit?",
    },
    {
        "bn": "[টিসিবির|ভিজিএফের] [চাল|পণ্য] কবে দেওয়া হবে {place} এ?",
        "rom": "{place} e [tcb|vgf] er [chal|ponno] kobe dibe?",
        "en": "When will [TCB goods|VGF rice] be given out in {place}?",
    },
)
_add(
    "question",
    "education",
    {
        "bn": "[উপবৃত্তির|স্টাইপেন্ডের] টাকা কবে [দিবে|আসবে]? [ফরম|আবেদন] কোথায় পাবো?",
        "rom": "[upobritti|stipend] er taka kobe ashbe? form kothay pabo?",
        "en": "When will the stipend money be paid this year? Where is the form?",
    },
    {
        "bn": "সরকারি স্কুলে [ভর্তির লটারি|ভর্তি] কবে? [অনলাইনে আবেদন|ফরম] কিভাবে?",
        "rom": "sorkari school e [vorti lottery|vorti] kobe? online abedon kivabe?",
        "en": "When is the government school admission lottery, and how do we apply?",
    },
)
_add(
    "question",
    "health",
    {
        "bn": "[টিকা|করোনার টিকা|টাইফয়েডের টিকা] কোথায় দেওয়া হচ্ছে? [কি কি লাগবে|নিবন্ধন লাগবে]?",
        "rom": "[tika|vaccine] kothay dicche? registration lagbe?",
        "en": "Where are [vaccines|typhoid vaccines] being given? Do we need to register?",
    },
    {
        "bn": "সদর হাসপাতালে [চোখের ডাক্তার|গাইনি ডাক্তার] কোন দিন বসেন?",
        "rom": "sodor hospital e [chokher doctor|gynae doctor] kon din bosen?",
        "en": "Which day does the [eye|gynae] doctor sit at the district hospital?",
    },
)
_add(
    "question",
    "roads-utilities",
    {
        "bn": "{place} এর রাস্তার কাজ কবে [শুরু|শেষ] হবে?",
        "rom": "{place} er rastar kaj kobe [shuru|shesh] hobe?",
        "en": "When will the road work in {place} be [started|finished]?",
    },
    {
        "bn": "নতুন [বিদ্যুৎ সংযোগ|মিটার] নিতে কোথায় আবেদন করবো?",
        "rom": "notun [current line|meter] nite kothay abedon korbo?",
        "en": "Where do I apply for a new [electricity connection|meter]?",
    },
)
_add(
    "question",
    "markets-prices",
    {
        "bn": "[ওএমএসের চাল|টিসিবির ট্রাক] কোথায় [পাওয়া যাবে|দাঁড়ায়] এই সপ্তাহে?",
        "rom": "[oms er chal|tcb truck] kothay pawa jabe ei soptahe?",
        "en": "Where will the [OMS rice|TCB truck] be this week?",
    },
    {
        "bn": "[সয়াবিন তেলের|চিনির] সরকারি দাম এখন কত?",
        "rom": "[soyabin tel|chini] er sorkari dam ekhon koto?",
        "en": "What is the official price of [soybean oil|sugar] now?",
    },
)
_add(
    "question",
    "law-and-order",
    {
        "bn": "[জিডি|সাধারণ ডায়েরি] কি অনলাইনে করা যায়? [কিভাবে|কোথায়]?",
        "rom": "gd ki online e kora jay? kivabe?",
        "en": "Can I file a GD online? How?",
    },
    {
        "bn": "[পুলিশ ক্লিয়ারেন্স|পুলিশ ভেরিফিকেশন] [কত দিনে|কিভাবে] পাওয়া যায়?",
        "rom": "police clearance [koto dine|kivabe] pawa jay?",
        "en": "How long does a police clearance certificate take?",
    },
)
_add(
    "question",
    "disputes",
    {
        "bn": "[পারিবারিক বিরোধ|জমির বিরোধ] মীমাংসার জন্য [কার কাছে|কোথায়] যাবো? [গ্রাম আদালতে|লিগ্যাল এইডে] যাওয়া যায়?",
        "rom": "paribarik jhamela mimangsar jonno kar kache jabo? gram adalot e jawa jay?",
        "en": "Where can I go to settle a family dispute? Does the village court handle it?",
    },
)
_add(
    "question",
    "environment",
    {
        "bn": "ইটভাটা বা [পরিবেশ দূষণের|গাছ কাটার] অভিযোগ কোথায় [জানাবো|করবো]?",
        "rom": "itvata ba [poribesh dushon|gach kata] er obhijog kothay janabo?",
        "en": "Where do I report [pollution|illegal tree cutting]?",
    },
)
_add(
    "question",
    "corruption",
    {
        "bn": "[ঘুষ চাইলে|দুর্নীতির] অভিযোগ কোথায় করবো? নাম [গোপন থাকবে|প্রকাশ হবে]?",
        "rom": "ghush chaile obhijog kothay korbo? nam gopon thakbe?",
        "en": "Where can I report a bribe demand? Will my name stay secret?",
    },
)
_add(
    "question",
    "other",
    {
        "bn": "[এই পেজ|আপনাদের পেজ] কি [অফিসিয়াল|ডিসি অফিসের]? [ইনবক্সে|মেসেজে] উত্তর দেন?",
        "rom": "ei page ki official? inbox e reply den?",
        "en": "Is this the official page of the DC office? Do you reply to messages?",
    },
    {
        "bn": "[ডিসি স্যারের|অফিসের] [ফোন নম্বর|ইমেইল] কত?",
        "rom": "dc sir er [phone number|email] ta deya jabe?",
        "en": "What is the [phone number|email] of the DC office?",
    },
)

# ---- praise (no category)
_add(
    "praise",
    None,
    {
        "bn": "[ধন্যবাদ|অসংখ্য ধন্যবাদ] [ডিসি স্যার|স্যার], [আপনার মতো অফিসার|এমন কর্মকর্তা] [দরকার|প্রতিটি জেলায় দরকার]।",
        "rom": "[dhonnobad|onek dhonnobad] dc sir, [apnar moto officer|emon officer] dorkar",
        "en": "Thank you DC sir, we need [more officers|officers] like you.",
    },
    {
        "bn": "আপনার [উদ্যোগে|নির্দেশে] আমাদের [রাস্তাটা|স্কুলের ভবন] [ঠিক হয়েছে|হয়ে গেছে], [কৃতজ্ঞতা|অনেক ধন্যবাদ]।",
        "rom": "apnar [uddoge|nirdeshe] amader [rasta|school] thik hoyeche, onek dhonnobad",
        "en": "Thanks to you our [road|school building] got fixed. Grateful.",
    },
    {
        "bn": "[খুব ভালো|চমৎকার] [উদ্যোগ|কাজ], [এগিয়ে যান|চালিয়ে যান]।",
        "rom": "[khub valo|osadharon] [uddog|kaj], egiye jan",
        "en": "[Great|Excellent] [initiative|work], keep it up.",
    },
    {
        "bn": "[গণশুনানিতে|অফিসে] [আমার সমস্যা শুনে|কথা শুনে] সাথে সাথে [সমাধান করেছেন|ব্যবস্থা নিয়েছেন], আল্লাহ আপনার ভালো করুন।",
        "rom": "[gonoshunani te|office e] amar kotha shune sathe sathe somadhan korsen, allah apnar valo korun",
        "en": "You [solved my problem|acted] right away at the [hearing|office]. Thank you so much.",
    },
    {
        "bn": "[সৎ|জনবান্ধব] ডিসি পেয়েছি [আমরা|এবার], [গর্বিত|খুশি] {place} বাসী।",
        "rom": "[sot|jonobandhob] dc paisi amra, {place} basi khushi",
        "en": "We finally have an [honest|people-friendly] DC. {place} is proud.",
    },
    {
        "bn": "[বাজার অভিযান|ভেজাল বিরোধী অভিযান] [দারুণ হয়েছে|সঠিক সিদ্ধান্ত], [এমন অভিযান|নিয়মিত] চাই।",
        "rom": "[bazar ovijan|mobile court] darun hoise, niyomito chai",
        "en": "The [market drive|mobile court] was a [great|right] move. Do it regularly.",
    },
    {
        "bn": "[ত্রাণ|কম্বল] পেয়েছি স্যার, [অনেক উপকার হলো|খুব উপকার হয়েছে]।",
        "rom": "[tran|kombol] paisi sir, onek upokar holo",
        "en": "We received the [relief|blankets], it helped a lot. Thank you.",
    },
    {
        "bn": "[অভিযোগ করার|সমস্যা জানানোর] {n} দিনের মধ্যে [কাজ হয়েছে|সমাধান পেয়েছি], [ধন্যবাদ|শুকরিয়া] [জেলা প্রশাসন|ডিসি অফিস]।",
        "rom": "obhijog korar {n} diner moddhe kaj hoise, thanks dc office",
        "en": "My complaint was solved within {n} days. Thank you district administration.",
    },
    {
        "bn": "[মাশাআল্লাহ|সুবহানাল্লাহ]! [সুন্দর|খুব সুন্দর] [ছবি|আয়োজন]।",
        "rom": "mashallah! [sundor|khub sundor] [chobi|ayojon]",
        "en": "[MashaAllah|Wow], [beautiful|lovely] [event|photos].",
    },
    {
        "bn": "স্যার [আপনি|আপনারা] [সত্যিই|আসলেই] জনগণের [সেবক|বন্ধু]।",
        "rom": "sir apni [sotti|asolei] jonogoner [sebok|bondhu]",
        "en": "Sir, you are truly a servant of the people.",
    },
)

# ---- abuse and spam (no category)
_add(
    "abuse_spam",
    None,
    {
        "bn": "[ঘরে বসে|মোবাইলে] [দৈনিক|প্রতিদিন] {money} টাকা [আয় করুন|ইনকাম], [বিস্তারিত ইনবক্সে|ইনবক্স করুন]।",
        "rom": "ghore bose [daily|protidin] {money} taka income korun, [inbox koren|details inbox e]",
        "en": "Earn {money} taka [daily|per day] from home! [Inbox me|DM] for details.",
    },
    {
        "bn": "[সহজ শর্তে|জামানত ছাড়া] [লোন|ঋণ] দেওয়া হয়, যোগাযোগ ০১৭{n}৫৫৫২২।",
        "rom": "[sohoj shorte|jamanot chara] loan dewa hoy, call 017{n}555220",
        "en": "Easy [loan|personal loan] without collateral, call 017{n}555220 now.",
    },
    {
        "bn": "[সব|সবগুলো] [চোর|দালাল|ঘুষখোর], [লজ্জা|শরম] থাকলে পদত্যাগ কর।",
        "rom": "[sob|shobgula] [chor|dalal|ghushkhor], lojja thakle resign kor",
        "en": "[All of you are thieves|Corrupt bunch], resign if you have any shame.",
    },
    {
        "bn": "[তোদের|এই] [সরকারের|দলের] [দালালি|চামচামি] বন্ধ কর [বাটপার|বেয়াদব]।",
        "rom": "[toder|ei] [sorkarer|doler] [dalali|chamchami] bondho kor [batpar|beyadob]",
        "en": "Stop licking the [government's|party's] boots, you [clowns|traitors].",
    },
    {
        "bn": "[এই পোস্টে|এখানে] [কমেন্ট|লাইক] করলেই [ফ্রি রিচার্জ|{money} টাকা বোনাস]! লিংকে ক্লিক করুন।",
        "rom": "comment korlei [free recharge|{money} tk bonus]! link e click korun bit.ly/x{n}",
        "en": "[Free recharge|{money} taka bonus] for everyone who clicks this link bit.ly/x{n}",
    },
    {
        "bn": "[অমুক ভাইয়ের|আমাদের নেতার] [পেজে|পেজটা] লাইক দিন, [শেয়ার করুন|ফলো করুন]।",
        "rom": "amar page e like din, [share koren|follow koren] plz",
        "en": "Please like and [share|follow] my page, [follow back|I follow back]!",
    },
    {
        "bn": "[বিদেশে চাকরি|মালয়েশিয়া ভিসা] [কম খরচে|{money} টাকায়], এখনই [যোগাযোগ|কল] করুন।",
        "rom": "[bidesh e chakri|malaysia visa] kom khoroche, ekhoni call korun",
        "en": "[Jobs abroad|Malaysia visa] at low cost, call now!",
    },
    {
        "bn": "[ডিসি|এই অফিসার] একটা [অযোগ্য|ফালতু] [লোক|মানুষ], [কিছুই পারে না|শুধু ছবি তোলে]।",
        "rom": "[dc|ei officer] ekta [faltu|oyoggo] lok, [kisui pare na|shudhu chobi tole]",
        "en": "This [DC|officer] is [useless|a fraud], [only good for photos|does nothing].",
    },
    {
        "bn": "[হাসিনা|খালেদা|তারেক] [ফিরবে|জিন্দাবাদ], [অমুক দল|ওরা] সব [রাজাকার|চোর]।",
        "rom": "[ei dol|oi dol] sob [rajakar|chor], [joy bangla|zindabad] 😡",
        "en": "[That party|Those people] are all [traitors|thieves]! Down with them!",
    },
    {
        "bn": "[অনলাইন ক্যাসিনো|বেটিং অ্যাপ] এ [জিতুন|খেলুন] [কোটি টাকা|বড় পুরস্কার], [লিংক|ইনবক্স] কমেন্টে।",
        "rom": "[online casino|betting app] e jitun koti taka, link comment e",
        "en": "Win big on [online casino|betting app], link in comments!",
    },
)

# ---- other (no category)
_add(
    "other",
    None,
    {
        "bn": "[আসসালামু আলাইকুম|সালাম] [সবাইকে|সবার প্রতি]।",
        "rom": "[assalamualaikum|salam] [sobaike|everyone]",
        "en": "[Greetings|Hello] everyone.",
    },
    {
        "bn": "[ঈদ মোবারক|শুভ নববর্ষ|পূজার শুভেচ্ছা] [সবাইকে|স্যার]।",
        "rom": "[eid mubarak|shuvo noboborsho|puja r shuvechha] [sobaike|sir]",
        "en": "[Eid Mubarak|Happy new year|Happy Puja] to [all|you sir].",
    },
    {
        "bn": "[প্রথম|আমি প্রথম] [কমেন্ট|কমেন্টকারী]।",
        "rom": "[first|ami first] comment",
        "en": "[First|first!!] comment",
    },
    {
        "bn": "@{name} [দেখ|দেখো] [এটা|তোর এলাকার খবর]।",
        "rom": "@{name} [dekh|dekho] [eta|tor elakar khobor]",
        "en": "@{name} [look at this|check this out].",
    },
    {
        "bn": "[আজকে|আজ] [খুব গরম|অনেক বৃষ্টি] [পড়ছে|হচ্ছে] {place} এ।",
        "rom": "[ajke|aj] {place} e [onek gorom|onek brishti]",
        "en": "[So hot|Heavy rain] in {place} today.",
    },
    {
        "bn": "[ছবিতে|ভিডিওতে] [আমাকেও দেখা যাচ্ছে|আমার ভাই আছে]।",
        "rom": "[chobite|video te] [amake dekha jay|amar vai ache]",
        "en": "I can see [myself|my brother] in the [photo|video].",
    },
    {
        "bn": "[ঠিক|একদম ঠিক] [বলেছেন|কথা]।",
        "rom": "[thik|ekdom thik] [bolsen|kotha]",
        "en": "[True|Exactly], [well said|agreed].",
    },
    {
        "bn": "[খবরটা|পোস্টটা] [শেয়ার করলাম|সবাই পড়ুন]।",
        "rom": "[khobor ta|post ta] share korlam",
        "en": "[Sharing|Shared] this [post|news].",
    },
    {"bn": "[ওকে|হুম|আচ্ছা]", "rom": "[ok|hmm|accha]", "en": "[ok|okay|hmm]"},
    {
        "bn": "আমার [ছেলে|মেয়ে] [জিপিএ ৫ পেয়েছে|চাকরি পেয়েছে], সবাই দোয়া করবেন।",
        "rom": "amar [chele|meye] [gpa 5 paise|chakri paise], sobai doya korben",
        "en": "My [son|daughter] [got GPA 5|got a job], pray for [him|her].",
    },
    {
        "bn": "[বাংলাদেশ জিন্দাবাদ|জয় বাংলা|বাংলাদেশ চিরজীবী হোক]",
        "rom": "[bangladesh zindabad|joy bangla]",
        "en": "[Long live Bangladesh|Love my country]",
    },
    {
        "bn": "[কালকে|আজ] [খেলা|ম্যাচ] দেখেছেন? [দারুণ|কী খেলা] হয়েছে।",
        "rom": "[kalke|aj] match dekhsen? darun hoise",
        "en": "Did you watch the [match|game] [yesterday|today]? Amazing.",
    },
)

# ---- more grievances: how the same troubles are told by other people
_add(
    "grievance",
    "land",
    {
        "bn": "ভূমি অফিসে [নামজারি|খারিজ] করতে গেলে [দালাল ধরতে বলে|ফাইল হারিয়ে যায়], {dur} হলো জমির কাগজ পাইনি।",
        "rom": "vumi office e [namjari|kharij] korte gele [dalal dhorte bole|file haray jay], {dur} holo jomir kagoj pai nai",
        "en": "At the land office my [mutation|kharij] file keeps [getting lost|going to touts]; {dur} and no land papers.",
    },
    {
        "bn": "আমার কেনা জমিতে [ঘর তুলতে দিচ্ছে না|বেড়া ভেঙে দিয়েছে] [চাচাতো ভাইরা|প্রভাবশালীরা], জমির দলিল আমার নামে।",
        "rom": "amar kena jomite [ghor tulte dicche na|bera venge dise] [chachato vai ra|probhabshali ra], jomir dolil amar name",
        "en": "[My cousins|Local strongmen] won't let me build on land I bought; the deed is in my name.",
    },
    {
        "bn": "[রেকর্ডে|খতিয়ানে] আমার জমির পরিমাণ [কম লেখা|ভুল], [এসি ল্যান্ড|সার্ভেয়ার] {dur} ধরে শুনানি দিচ্ছেন না।",
        "rom": "khotiyane amar jomir poriman [kom lekha|vul], ac land {dur} dhore shunani dicchen na",
        "en": "The record of rights shows less land than I own; the AC land has not held a hearing for {dur}.",
    },
    {
        "bn": "ভূমি উন্নয়ন কর অনলাইনে [দিতে পারছি না|দিলেও রশিদ আসে না], [হোল্ডিং|খতিয়ান নম্বর] খুঁজে পায় না।",
        "rom": "vumi unnoyon kor online e [dite partesi na|dileo roshid ashe na], holding number khuje pay na",
        "en": "I cannot pay the land development tax online; the system cannot find my holding.",
    },
    {
        "bn": "[জাল দলিল|ভুয়া দলিল] করে আমাদের [পৈতৃক|বাড়ির] জমি বিক্রি করে দিয়েছে {name}।",
        "rom": "[jal dolil|vua dolil] kore amader [poitrik|barir] jomi bikri kore dise {name}",
        "en": "{name} sold our [ancestral|family] land with a forged deed.",
    },
)
_add(
    "grievance",
    "law-and-order",
    {
        "bn": "[সন্ত্রাসীরা|এলাকার মাস্তানরা] [চাঁদা চায়|চাঁদা না দিলে হুমকি দেয়], দোকান খুলতে পারছি না।",
        "rom": "[mastan ra|sontrashi ra] chada chay, na dile humki dey, dokan khulte partesi na",
        "en": "Local thugs demand protection money and threaten to shut my shop.",
    },
    {
        "bn": "{place} এ [প্রতি রাতে|প্রায়ই] [ডাকাতি|দোকানে চুরি] হচ্ছে, [পাহারা|টহল] নেই, আমরা নিরাপত্তাহীন।",
        "rom": "{place} e [prati rate|prai] [dakati|dokane churi] hocche, police tohol nai, amra niraponttahin",
        "en": "There are [robberies|shop break-ins] in {place} almost every night and no police patrol.",
    },
    {
        "bn": "[জুয়ার আসর|মাদকের আড্ডা] বসে [বাজারের পেছনে|ক্লাব ঘরে], পুলিশকে বললেও [ধরে না|টাকা খায়]।",
        "rom": "[juar asor|madoker adda] bose [bazarer pichone|club ghore], police ke bolleo dhore na",
        "en": "A [gambling den|drug den] runs [behind the market|in the club house]; police ignore it.",
    },
    {
        "bn": "আমার [মেয়েকে|বোনকে] [ফেসবুকে|মোবাইলে] [হয়রানি|ব্ল্যাকমেইল] করছে একজন, থানায় গেলে সাইবার বলে ফিরিয়ে দেয়।",
        "rom": "amar [meyeke|bon ke] [facebook e|mobile e] [hoyrani|blackmail] kortese ekjon, thanay gele cyber bole firiye dey",
        "en": "Someone is [harassing|blackmailing] my [daughter|sister] online and the police station sends us away.",
    },
    {
        "bn": "[হাইওয়েতে|রাস্তায়] [ডাকাত|ছিনতাইকারী] [গাড়ি থামিয়ে|রাতে] সব নিয়ে যায়, [মামলা|অভিযোগ] নিয়ে কোনো ব্যবস্থা নেই।",
        "rom": "[highway te|rastay] chintaikari gari thamiye sob niye jay, mamla niye kono bebostha nai",
        "en": "Robbers stop vehicles on the [highway|road] at night; the case went nowhere.",
    },
)
_add(
    "grievance",
    "education",
    {
        "bn": "[স্কুলে|কলেজে] [শিক্ষক নেই|ইংরেজির শিক্ষক নেই] {dur} ধরে, ছেলেমেয়েদের পড়াশোনা [বন্ধ|নষ্ট হচ্ছে]।",
        "rom": "[school e|college e] [teacher nai|english er teacher nai] {dur} dhore, chelemeyeder porashona nosto hocche",
        "en": "Our [school|college] has had no [teacher|English teacher] for {dur}; the students are losing out.",
    },
    {
        "bn": "[বই|নতুন বই] [পাইনি|দেয়নি] এখনো, স্কুল বলে [টাকা দিলে দিবে|বই শেষ]।",
        "rom": "notun boi ekhono pai nai, school bole [taka dile dibe|boi shesh]",
        "en": "The free textbooks have not been given out; the school says [pay first|there are none left].",
    },
    {
        "bn": "পরীক্ষার [ফরম পূরণে|ফিতে] সরকারি হারের চেয়ে {money} টাকা বেশি নিচ্ছে [স্কুল|প্রধান শিক্ষক]।",
        "rom": "porikkhar form puron e sorkari harer cheye {money} taka beshi nitese [school|head sir]",
        "en": "The [school|head teacher] takes {money} taka more than the official exam fee.",
    },
    {
        "bn": "[স্কুলের মাঠ|বিদ্যালয়ের জায়গা] দখল করে [দোকান|বাজার] বসিয়েছে, বাচ্চারা খেলতে পারে না।",
        "rom": "school er math dokhol kore [dokan|bazar] bosaise, bacchara khelte pare na",
        "en": "Shops have been built on the [school playground|school's land]; children have nowhere to play.",
    },
    {
        "bn": "[শিক্ষক|স্যার] ক্লাসে [ছাত্রদের|শিক্ষার্থীদের] [বেত দিয়ে মারেন|গালাগালি করেন], [অভিভাবকরা|আমরা] ভয় পাই।",
        "rom": "teacher class e chatro der [bet diye mare|galagali kore], amra voy pai",
        "en": "A teacher [canes|verbally abuses] students in class; parents are scared to complain.",
    },
)
_add(
    "grievance",
    "health",
    {
        "bn": "[ডাক্তার|চিকিৎসক] সরকারি হাসপাতালে না বসে [নিজের ক্লিনিকে|প্রাইভেট চেম্বারে] রোগী পাঠান।",
        "rom": "doctor sorkari hospital e na bose [nijer clinic e|private chamber e] rogi pathan",
        "en": "Doctors skip the government hospital and send patients to their [private clinic|chamber].",
    },
    {
        "bn": "[অ্যাম্বুলেন্স|হাসপাতালের গাড়ি] [চাইলে পাওয়া যায় না|ড্রাইভার {money} টাকা চায়], রোগী নিয়ে বিপদে আছি।",
        "rom": "ambulance [chaile pawa jay na|driver {money} taka chay], rogi niye bipode achi",
        "en": "The hospital ambulance [is never available|driver demands {money} taka].",
    },
    {
        "bn": "[ডেঙ্গু|ডায়রিয়া] রোগী বাড়ছে {place} এ, হাসপাতালে [স্যালাইন|বেড] নেই।",
        "rom": "{place} e [dengue|diarrhea] rogi bartese, hospital e [saline|bed] nai",
        "en": "[Dengue|Diarrhoea] cases are rising in {place} and the hospital has no [saline|beds].",
    },
    {
        "bn": "[এক্স-রে মেশিন|আলট্রাসনো] নষ্ট {dur} ধরে, বাইরে থেকে [টেস্ট|পরীক্ষা] করতে বলে।",
        "rom": "hospital er [x-ray machine|ultrasono] nosto {dur} dhore, baire theke test korte bole",
        "en": "The hospital [X-ray|ultrasound] machine has been broken for {dur}; they send us to private labs.",
    },
    {
        "bn": "[নার্সরা|হাসপাতালের স্টাফ] রোগীর [সাথে খারাপ ব্যবহার করে|কাছে টাকা চায়], [সিজার|ডেলিভারি] রোগীকে ফেলে রাখে।",
        "rom": "[nurse ra|hospital staff] rogir sathe kharap babohar kore, delivery rogi ke fele rakhe",
        "en": "Hospital [nurses|staff] mistreat patients and ask for tips before a delivery.",
    },
)
_add(
    "grievance",
    "relief",
    {
        "bn": "[প্রতিবন্ধী|বয়স্ক] [বাবার|মায়ের] ভাতার কার্ড করতে [ইউনিয়ন পরিষদে|সমাজসেবায়] {n} বার গেছি, নাম তোলে না।",
        "rom": "[protibondhi|boyosko] [babar|mayer] vatar card korte [union porishod e|somajseba te] {n} bar gesi, nam tole na",
        "en": "I went {n} times to [social services|the union parishad] for my [father's|mother's] allowance card; nothing.",
    },
    {
        "bn": "[কাবিখার|ত্রাণের] [চাল|গম] [ওজনে কম দিয়েছে|পচা দিয়েছে], [ডিলার|মেম্বার] বাকিটা বিক্রি করেছে।",
        "rom": "[tran er|kabikha r] chal ojone kom dise, dealer baki ta bikri korse",
        "en": "The relief [rice|wheat] was [short|rotten]; the [dealer|member] sold the rest.",
    },
    {
        "bn": "[মাতৃত্বকালীন ভাতা|মা ও শিশু সহায়তার টাকা] [আসেনি|বন্ধ হয়ে গেছে] {dur} ধরে, [নগদ|বিকাশ] নম্বর ঠিক আছে।",
        "rom": "[matrittokalin vata|ma o shishu shohayota] {dur} dhore ashe nai, nogod number thik ache",
        "en": "The [maternity allowance|mother and child benefit] has not arrived for {dur}; my mobile account is correct.",
    },
    {
        "bn": "[ঘূর্ণিঝড়ে|আগুনে] [ঘর পুড়ে গেছে|ঘর ভেঙে গেছে], [ঢেউটিন|সরকারি সাহায্য] পাইনি, [খোলা আকাশের নিচে|অন্যের বাড়িতে] আছি।",
        "rom": "[ghurnijhore|agune] ghor [pure|venge] geche, [dhewtin|sorkari sahajjo] pai nai",
        "en": "Our house was lost in the [cyclone|fire]; no [tin sheets|government help] came.",
    },
    {
        "bn": "[শীতবস্ত্র|কম্বল] বিতরণে [শুধু দলের লোক|মেম্বারের লোক] পেয়েছে, [গরিবরা|আমরা] কিছু পাইনি।",
        "rom": "[kombol|shitbostro] bitorone shudhu [doler lok|member er lok] paise, gorib ra kisu pay nai",
        "en": "Only [party people|the member's people] got [blankets|winter clothes]; the poor were left out.",
    },
)
_add(
    "grievance",
    "disputes",
    {
        "bn": "[তালাকের পর|ডিভোর্সের পর] [দেনমোহর|খোরপোশ] দিচ্ছে না, [সালিশ|চেয়ারম্যান] কিছু করছে না।",
        "rom": "[talak er por|divorce er por] [denmohor|khorposh] dicche na, [salish|chairman] kisu kortese na",
        "en": "After the divorce he refuses to pay the [dower|maintenance] and the shalish does nothing.",
    },
    {
        "bn": "[ভাইয়ের সাথে|চাচার সাথে] [বাড়ির ভাগ|পুকুর] নিয়ে বিরোধ, [মারামারি|হুমকি] হচ্ছে, মীমাংসা চাই।",
        "rom": "[vai er sathe|chachar sathe] [barir vag|pukur] niye birodh, [maramari|humki] hocche, mimangsa chai",
        "en": "A family dispute with my [brother|uncle] over the [house|pond] has turned violent; we need a settlement.",
    },
    {
        "bn": "[ছেলে|ছেলের বউ] [বৃদ্ধ বাবা-মাকে|আমাকে] [দেখে না|বাড়ি থেকে বের করে দিয়েছে], পিতা-মাতার ভরণপোষণ আইনে বিচার চাই।",
        "rom": "[chele|cheler bou] [briddho baba make|amake] [dekhe na|bari theke ber kore dise]",
        "en": "My [son|son and his wife] threw me, an old parent, out of the house.",
    },
    {
        "bn": "গ্রাম আদালতে [মামলা|আবেদন] করেছি {dur} আগে, [শুনানি|তারিখ] দিচ্ছে না।",
        "rom": "gram adalot e mamla korsi {dur} age, shunani dicche na",
        "en": "I filed at the village court {dur} ago and no hearing date is given.",
    },
    {
        "bn": "[পারিবারিক|জমিজমার] বিরোধে [প্রতিপক্ষ|ওরা] আমাদের [ঘরে তালা দিয়েছে|বাড়ির পথ আটকে দিয়েছে]।",
        "rom": "paribarik birodhe protipokkho amader [ghore tala dise|barir poth atke dise]",
        "en": "In a family quarrel the other side [locked our house|blocked the way to our home].",
    },
)
_add(
    "grievance",
    "public-services",
    {
        "bn": "[ইউনিয়ন ডিজিটাল সেন্টারে|পৌরসভায়] [জন্ম সনদ|নাগরিক সনদ] নিতে [{money} টাকা|অতিরিক্ত টাকা] নেয়, সরকারি ফি অনেক কম।",
        "rom": "[digital center e|pouroshovay] [jonmo sonod|nagorik sonod] nite {money} taka ney, sorkari fee onek kom",
        "en": "The [digital centre|municipality] charges {money} taka for a [birth|citizenship] certificate.",
    },
    {
        "bn": "[অনলাইন আবেদনে|পোর্টালে] [ওটিপি আসে না|পেমেন্ট কেটে নিয়েছে কিন্তু আবেদন হয়নি]।",
        "rom": "online abedon e [otp ashe na|payment kete nise kintu abedon hoy nai]",
        "en": "The online service portal [sends no OTP|took my payment but the application failed].",
    },
    {
        "bn": "[ডিসি অফিসের|জেলা প্রশাসনের] [হটলাইনে|নম্বরে] কল দিলে [কেউ ধরে না|কেটে দেয়]।",
        "rom": "[dc office er|jela proshashon er] hotline e call dile [keu dhore na|kete dey]",
        "en": "Nobody answers the [DC office hotline|district administration's number].",
    },
    {
        "bn": "[পাসপোর্টের|ভিসার] [পুলিশ ভেরিফিকেশন|ভেরিফিকেশন] {dur} ধরে আটকে আছে, [অফিসে|থানায়] গেলে বলে অপেক্ষা করেন।",
        "rom": "passport er police verification {dur} dhore atke ache, office e gele bole wait koren",
        "en": "My passport verification has been stuck for {dur}; the office just says wait.",
    },
    {
        "bn": "[সনদ|সার্টিফিকেট] [সত্যায়ন|সই] করাতে [অফিসে|ইউএনও অফিসে] {n} দিন ঘুরলাম, [অফিসার নেই|সই হয়নি]।",
        "rom": "sonod sottayon korate office e {n} din ghurlam, officer nai",
        "en": "I went {n} days to the office to get a [certificate|document] attested; the officer is never there.",
    },
)
_add(
    "grievance",
    "roads-utilities",
    {
        "bn": "[গ্যাসের চাপ নেই|গ্যাস থাকে না] [সকাল থেকে|দিনে], রান্না করতে পারি না, [বিল|লাইন বিল] ঠিকই দিচ্ছি।",
        "rom": "[gas er chap nai|gas thake na] [sokal theke|dine], ranna korte pari na, bill thiki dicchi",
        "en": "There is no gas pressure [all day|since morning]; we pay the bill but cannot cook.",
    },
    {
        "bn": "[বিদ্যুতের খুঁটি|তার] [হেলে পড়েছে|ছিঁড়ে ঝুলছে] {place} এ, [পল্লী বিদ্যুৎ|অফিস] কেউ আসে না।",
        "rom": "[current er khuti|tar] [hele porse|chire jhultese] {place} e, polli biddut theke keu ashe na",
        "en": "An electric [pole|wire] is [leaning|hanging] dangerously in {place}; the power office won't come.",
    },
    {
        "bn": "[স্ট্রিট লাইট|রাস্তার বাতি] [জ্বলে না|নষ্ট] {dur} ধরে, রাতে [অন্ধকারে|ভয়ে] চলতে হয়।",
        "rom": "[street light|rastar bati] [jole na|nosto] {dur} dhore, rate ondhokare cholte hoy",
        "en": "Street lights have been out for {dur}; the road is pitch dark at night.",
    },
    {
        "bn": "[ড্রেন|নালা] [বন্ধ|পরিষ্কার হয় না], একটু বৃষ্টিতেই [রাস্তা|বাড়ি] পানিতে ডুবে যায়।",
        "rom": "[drain|nala] [bondho|porishkar hoy na], olpo brishtitei [rasta|bari] panite dube jay",
        "en": "The drains are blocked; with a little rain the [road|houses] go under water.",
    },
    {
        "bn": "[সেতু|সাঁকো] নেই, [বাঁশের সাঁকো|নৌকা] দিয়ে [স্কুলে|বাজারে] যেতে হয়, {n} গ্রামের মানুষ কষ্টে আছে।",
        "rom": "[setu|bridge] nai, [basher sako|nouka] diye [school e|bazare] jete hoy",
        "en": "There is no bridge; children cross a [bamboo bridge|boat] to reach school.",
    },
)
_add(
    "grievance",
    "markets-prices",
    {
        "bn": "[মাছ|মুরগি|সবজি] বাজারে [কোনো মূল্য তালিকা নেই|দাম লেখা নেই], [যার যা খুশি|ইচ্ছেমতো] দাম নেয়।",
        "rom": "[mach|murgi|sobji] bazare kono mullo talika nai, icchemoto dam ney",
        "en": "There is no price list in the [fish|chicken|vegetable] market; sellers charge what they like.",
    },
    {
        "bn": "[বেকারিতে|হোটেলে] [নোংরা পরিবেশে|পচা তেলে] খাবার বানায়, [ভোক্তা অধিকার|মোবাইল কোর্ট] দিয়ে ব্যবস্থা নিন।",
        "rom": "[bakery te|hotel e] [nongra poribeshe|poca tele] khabar banay, mobile court diye bebostha nin",
        "en": "A [bakery|restaurant] cooks in filthy conditions with [stale oil|rotten food]; send a mobile court.",
    },
    {
        "bn": "[ফার্মেসিতে|ওষুধের দোকানে] [মেয়াদ শেষ|নকল] ওষুধ বিক্রি হচ্ছে, [দামও বেশি|এমআরপির চেয়ে বেশি দাম]।",
        "rom": "[pharmacy te|osudher dokane] [meyad sesh|nokol] osudh bikri hocche, dam o beshi",
        "en": "A pharmacy sells [expired|fake] medicine above the printed price.",
    },
    {
        "bn": "[আড়তদাররা|মজুদদাররা] [ধান|আলু] কিনে [গুদামে রেখে|মজুদ করে] দাম বাড়াচ্ছে, কৃষক দাম পায় না।",
        "rom": "[arotdar ra|mojuddar ra] [dhan|alu] kine gudam e rekhe dam baracche, krishok dam pay na",
        "en": "Wholesalers hoard [paddy|potatoes] to push up prices; farmers get nothing.",
    },
    {
        "bn": "[বাজারের|হাটের] [রাস্তা দখল করে|ফুটপাতে] দোকান, [ইজারাদার|মালিক সমিতি] দোকানিদের কাছে [দৈনিক|প্রতিদিন] টাকা তোলে।",
        "rom": "bazarer [rasta dokhol kore|footpath e] dokan, ijaradar protidin taka tole",
        "en": "The market lessee collects daily money from shopkeepers who block the road.",
    },
)
_add(
    "grievance",
    "environment",
    {
        "bn": "[কারখানার|ডাইং ফ্যাক্টরির] [বিষাক্ত পানি|বর্জ্য] [নদীতে|খালে] ফেলছে, [মাছ মরে যাচ্ছে|পানি কালো হয়ে গেছে]।",
        "rom": "[factory r|dyeing factory r] [bishakto pani|borjo] [nodite|khale] felse, [mach more jacche|pani kalo hoye geche]",
        "en": "A [factory|dyeing factory] dumps [toxic water|waste] into the [river|canal]; [fish are dying|the water is black].",
    },
    {
        "bn": "[পাহাড় কেটে|টিলা কেটে] মাটি বিক্রি করছে [রাতের বেলা|প্রভাবশালীরা], [ধসের|ভাঙনের] ভয় আছে।",
        "rom": "[pahar kete|tila kete] mati bikri kortese rater bela, dhosher voy ache",
        "en": "People are cutting the [hill|hillock] at night and selling the soil; a landslide may come.",
    },
    {
        "bn": "[ফসলি জমির|কৃষি জমির] [টপসয়েল|মাটি] কেটে [ইটভাটায়|ভাটায়] নিয়ে যাচ্ছে।",
        "rom": "[fosoli jomir|krishi jomir] [topsoil|mati] kete itvatay niye jacche",
        "en": "Topsoil from farmland is being dug up and taken to brick kilns.",
    },
    {
        "bn": "[পলিথিন|প্লাস্টিক] আর [মেডিকেল বর্জ্য|হাসপাতালের ময়লা] খোলা জায়গায় [পোড়ায়|ফেলে], [ধোঁয়া|গন্ধ] সহ্য করা যায় না।",
        "rom": "[polythene|plastic] ar [medical borjo|hospital er moyla] khola jaygay [poray|fele], dhowa soja jay na",
        "en": "[Plastic|Medical waste] is [burned|dumped] in the open; the [smoke|smell] is unbearable.",
    },
    {
        "bn": "[অতিথি পাখি|বন্য প্রাণী] [শিকার করছে|ধরে বিক্রি করছে] [কিছু লোক|শিকারিরা] {place} এর [হাওরে|বিলে]।",
        "rom": "{place} er [haor e|bil e] [otithi pakhi|bonno prani] shikar kortese kisu lok",
        "en": "Poachers are [trapping|killing] [migratory birds|wild animals] in the {place} wetland.",
    },
)
_add(
    "grievance",
    "corruption",
    {
        "bn": "[সাব-রেজিস্ট্রি অফিসে|রেজিস্ট্রি অফিসে] দলিল করতে [সরকারি ফির বাইরে|দলিলপ্রতি] {money} টাকা [ঘুষ|বাড়তি] দিতে হয়।",
        "rom": "[sub registry office e|registry office e] dolil korte {money} taka [ghush|extra] dite hoy",
        "en": "At the sub-registry office every deed costs {money} taka in bribes on top of the fee.",
    },
    {
        "bn": "[ইউএনও অফিসের|উপজেলা অফিসের] [অফিস সহকারী|কেরানি] ফাইল [আটকে রেখে|সরাতে] টাকা চায়, না দিলে [হয়রানি করে|মাসের পর মাস ঘোরায়]।",
        "rom": "[uno office er|upazila office er] [office assistant|kerani] file atke rekhe taka chay, na dile hoyrani kore",
        "en": "A clerk at the [UNO|upazila] office holds files until he is paid, and harasses those who don't.",
    },
    {
        "bn": "[বিদ্যুৎ অফিসের|পল্লী বিদ্যুতের] [লাইনম্যান|কর্মচারী] [মিটার দিতে|সংযোগ দিতে] {money} টাকা ঘুষ নিয়েছে।",
        "rom": "[bidyut office er|polli biddut er] lineman [meter dite|line dite] {money} taka ghush nise",
        "en": "A power office lineman took {money} taka as a bribe for a [meter|connection].",
    },
    {
        "bn": "[সরকারি প্রকল্পের|রাস্তার] কাজে [নিম্নমানের ইট|কম রড] দিচ্ছে, [প্রকৌশলী|অফিস] টাকা খেয়ে চুপ।",
        "rom": "[sorkari prokolper|rastar] kaje [nimnomaner it|kom rod] dicche, engineer taka kheye chup",
        "en": "The contractor uses [poor bricks|less steel] in a government project; the engineer took money and says nothing.",
    },
    {
        "bn": "[তহশিলদার|ভূমি সহকারী কর্মকর্তা] [খাজনার রশিদ|দাখিলা] দিতে [বাড়তি টাকা নেন|ঘুষ চান], প্রতিবাদ করলে [হুমকি দেন|খারাপ ব্যবহার করেন]।",
        "rom": "tohoshildar [khajnar roshid|dakhila] dite [barti taka ney|ghush chay], protibad korle humki dey",
        "en": "The union land assistant officer takes extra money for a tax receipt and threatens anyone who objects.",
    },
)
_add(
    "grievance",
    "other",
    {
        "bn": "[কবরস্থানে|শ্মশানে] যাওয়ার [রাস্তা নেই|পথ বন্ধ করে দিয়েছে], [লাশ|মরদেহ] নিয়ে [পানি ভেঙে|কষ্ট করে] যেতে হয়।",
        "rom": "[koborsthane|shoshane] jawar rasta nai, lash niye pani venge jete hoy",
        "en": "There is no path to the [graveyard|cremation ground]; we carry the dead through water.",
    },
    {
        "bn": "[প্রবাসী|বিদেশ যাওয়ার] [এজেন্সি|দালাল] {money} টাকা নিয়ে [ভিসা দেয়নি|পালিয়ে গেছে]।",
        "rom": "[bidesh jawar|probashi] [agency|dalal] {money} taka niye [visa dey nai|paliye geche]",
        "en": "A [recruiting agency|broker] took {money} taka for a job abroad and [never gave the visa|vanished].",
    },
    {
        "bn": "[মোবাইল টাওয়ারের|নেটওয়ার্ক] [সমস্যা|নেট নেই] {place} এ, [অনলাইন ক্লাস|ব্যাংকিং] করা যায় না।",
        "rom": "{place} e [network nai|mobile network er problem], [online class|banking] kora jay na",
        "en": "There is no mobile network in {place}; nobody can do [online classes|mobile banking].",
    },
)

# ---- more questions
_add(
    "question",
    "land",
    {
        "bn": "[ভূমি উন্নয়ন কর|খাজনা] [অনলাইনে|মোবাইলে] কিভাবে দিবো? [কোন ওয়েবসাইটে|কোন অ্যাপে]?",
        "rom": "[vumi unnoyon kor|khajna] online e kivabe dibo? kon website e?",
        "en": "How can I pay land development tax online? Which website?",
    },
    {
        "bn": "জমির [মিউটেশন|নামজারি] [শুনানি|কেস] এর তারিখ কিভাবে জানবো?",
        "rom": "jomir mutation shunanir tarikh kivabe janbo?",
        "en": "How can I find my mutation hearing date?",
    },
)
_add(
    "question",
    "public-services",
    {
        "bn": "[ট্রেড লাইসেন্স|নাগরিক সনদ] [নবায়নের|নেওয়ার] ফি কত? [অনলাইনে|ইউনিয়ন পরিষদে] হয়?",
        "rom": "[trade license|nagorik sonod] [nobayon|nite] fee koto? online e hoy?",
        "en": "What is the fee to [renew|get] a [trade licence|citizenship certificate]? Can it be done online?",
    },
)
_add(
    "question",
    "relief",
    {
        "bn": "[ভিজিডি কার্ডের|প্রতিবন্ধী ভাতার] জন্য [কি কি লাগে|কোন অফিসে যাবো]? [তালিকা|নাম] কবে হবে?",
        "rom": "[vgd card|protibondhi vata] er jonno ki ki lage? talika kobe hobe?",
        "en": "What is needed for [a VGD card|the disability allowance], and when is the list made?",
    },
)
_add(
    "question",
    "health",
    {
        "bn": "[কমিউনিটি ক্লিনিকে|উপজেলা হাসপাতালে] [ডায়াবেটিসের|প্রেশারের] ওষুধ [ফ্রি|বিনামূল্যে] পাওয়া যায়?",
        "rom": "[community clinic e|upazila hospital e] [diabetes|pressure] er osudh free pawa jay?",
        "en": "Is [diabetes|blood pressure] medicine free at the [community clinic|upazila hospital]?",
    },
)
_add(
    "question",
    "roads-utilities",
    {
        "bn": "[পল্লী বিদ্যুতের|গ্যাসের] [অভিযোগ|নতুন সংযোগ] এর [নম্বর|হটলাইন] কত?",
        "rom": "[polli biddut|gas] er [complain|hotline] number koto?",
        "en": "What is the [power|gas] complaint hotline number?",
    },
)
_add(
    "question",
    "education",
    {
        "bn": "[এসএসসি|এইচএসসি] [রেজাল্ট|ফলাফল] কবে দিবে? [পুনঃনিরীক্ষণের|খাতা চ্যালেঞ্জের] আবেদন কিভাবে?",
        "rom": "[ssc|hsc] result kobe dibe? khata challenge kivabe korbo?",
        "en": "When are the [SSC|HSC] results out, and how do I apply for re-scrutiny?",
    },
)
_add(
    "question",
    "law-and-order",
    {
        "bn": "[হারানো মোবাইল|চুরি যাওয়া বাইক] এর জন্য [থানায় জিডি|মামলা] করতে কি লাগবে?",
        "rom": "[harano mobile|churi jawa bike] er jonno thanay gd korte ki lagbe?",
        "en": "What do I need to file a GD for a [lost phone|stolen motorbike]?",
    },
)
_add(
    "question",
    "markets-prices",
    {
        "bn": "[ভোক্তা অধিকারে|বাজার মনিটরিংয়ে] অভিযোগ [কিভাবে|কোথায়] করা যায়?",
        "rom": "vokta odhikar e obhijog kivabe kora jay?",
        "en": "How do I file a consumer rights complaint about overpricing?",
    },
)

# ---- more praise, abuse and spam, other
_add(
    "praise",
    None,
    {
        "bn": "[রাতের বেলা|শীতের রাতে] [নিজে গিয়ে|নিজ হাতে] [কম্বল দিলেন|খোঁজ নিলেন], [সালাম|স্যালুট] স্যার।",
        "rom": "rater bela nije giye [kombol dilen|khoj nilen], salute sir",
        "en": "You went out at night yourself to [give blankets|check on people]. Salute, sir.",
    },
    {
        "bn": "[মোবাইল কোর্টের|আপনার অভিযানের] পর [বাজারে দাম কমেছে|ভেজাল কমেছে], [ধন্যবাদ|অভিনন্দন] প্রশাসনকে।",
        "rom": "mobile court er por bazare dam komse, dhonnobad proshashon ke",
        "en": "Since the mobile court, prices have come down. Thank you, administration.",
    },
    {
        "bn": "[প্রথমবার|এই প্রথম] [সরকারি অফিসে|ডিসি অফিসে] [হয়রানি ছাড়া|টাকা ছাড়া] কাজ হলো, [ভালো লাগলো|খুশি হলাম]।",
        "rom": "ei prothom sorkari office e [hoyrani chara|taka chara] kaj holo, valo laglo",
        "en": "For the first time a government office did my work [without hassle|without a bribe]. Happy.",
    },
    {
        "bn": "[আপনার মতো|এমন] [মানবিক|দায়িত্বশীল] [ডিসি|কর্মকর্তা] [আগে দেখিনি|পেয়ে আমরা ধন্য]।",
        "rom": "apnar moto [manobik|dayittoshil] dc age dekhi nai",
        "en": "Never seen such a [kind|responsible] DC before.",
    },
    {
        "bn": "[❤️|👍|🌹] [ভালোবাসা|শুভকামনা] রইলো",
        "rom": "[love|respect] sir ❤️",
        "en": "[Respect|Love] from {place} ❤️",
    },
)
_add(
    "abuse_spam",
    None,
    {
        "bn": "[তুই|তোরা] [কুত্তা|শুয়োর|হারামি], [তোদের|এই অফিসের] [মুখে থুথু|কোনো দাম নাই]।",
        "rom": "[tui|tora] [kutta|shuor|harami], toder [mukhe thuthu|kono dam nai]",
        "en": "[You dogs|Pigs], [shame on you|spit on this office].",
    },
    {
        "bn": "[শতভাগ|১০০%] [গ্যারান্টি|নিশ্চিত] [ওজন কমান|চুল গজাবে], [অর্ডার করতে|বিস্তারিত জানতে] কল করুন।",
        "rom": "100% guarantee [ojon koman|chul gojabe], order korte call korun",
        "en": "100% guaranteed [weight loss|hair growth]! Order now, cash on delivery.",
    },
    {
        "bn": "[ফেসবুক আইডি|পেজ] [হ্যাক রিকভার|ভেরিফাই] করে দেই, [ইনবক্সে|হোয়াটসঅ্যাপে] নক দিন।",
        "rom": "[facebook id|page] [hack recover|verify] kore dei, inbox e nok din",
        "en": "[Hacked account recovery|Page verification] service, message on WhatsApp.",
    },
    {
        "bn": "[নাটক|লোক দেখানো] [বন্ধ কর|কম কর], [ফটোসেশন|ছবি তোলা] ছাড়া [আর কিছু পারিস|কাজ নাই]?",
        "rom": "[natok|lok dekhano] bondho kor, photo session chara kisu paris?",
        "en": "Stop the drama, all you do is photo sessions, [idiots|losers].",
    },
    {
        "bn": "[ভোট চোর|দখলদার] [সরকারের|দলের] [চাকর|পোষা] সব, [জনগণ|মানুষ] তোদের [ছাড়বে না|বিচার করবে]।",
        "rom": "[vote chor|dokholdar] sorkarer chakor sob, jonogon toder charbe na",
        "en": "Servants of a [vote-stealing|illegal] regime, the people will not forgive you.",
    },
)
_add(
    "other",
    None,
    {
        "bn": "[কেমন আছেন|ভালো আছেন] [সবাই|স্যার]?",
        "rom": "[kemon achen|valo achen] [sobai|sir]?",
        "en": "How is everyone [doing|today]?",
    },
    {
        "bn": "[আমাদের এলাকার|{place} এর] [ছবি|ভিডিও] [দেখে|দেখতে পেয়ে] [মন ভরে গেল|ভালো লাগলো]।",
        "rom": "{place} er [chobi|video] dekhe valo laglo",
        "en": "Nice to see [pictures|a video] of {place}.",
    },
    {
        "bn": "[আল্লাহ|সৃষ্টিকর্তা] [সবাইকে|দেশকে] [হেফাজত করুন|ভালো রাখুন]।",
        "rom": "allah [sobaike|desh ke] [hefazot korun|valo rakhun]",
        "en": "May God [protect|bless] [everyone|our country].",
    },
    {
        "bn": "[৪৫ মিনিট|কাল থেকে] [লাইভ|ভিডিও] দেখলাম, [শেষ হয় না|অনেক লম্বা]।",
        "rom": "[live|video] ta onek lomba, pura dekhlam",
        "en": "Watched the whole [live|video], [long one|interesting].",
    },
)

# ---- short comments about a thing: the thing says the category, the predicate the intent.
# A thing ("the road to {place}") is seen with many predicates; a predicate with every
# category. Held out for test by predicate, so test predicates are worded as never seen.
THINGS: dict[str, list[tuple[str, str, str]]] = {
    "land": [
        ("আমাদের জমির নামজারি", "amader jomir namjari", "our land mutation"),
        ("খতিয়ান আর পর্চা", "khotiyan r porcha", "the khatian and land record"),
        ("ভূমি অফিসের সেবা", "vumi office er seba", "the land office service"),
        ("খাস জমি", "khas jomi", "the khas land"),
        ("জমির সীমানা আর দাগ", "jomir simana r dag", "the land boundary and plot"),
    ],
    "law-and-order": [
        ("এলাকার চুরি ছিনতাই", "elakar churi chintai", "theft and mugging in our area"),
        ("থানার পুলিশ", "thanar police", "the police station"),
        ("মাদক ব্যবসা", "madok bebsa", "the drug trade here"),
        ("কিশোর গ্যাংয়ের উৎপাত", "kishor gang er utpat", "the teen gang trouble"),
        ("রাতের নিরাপত্তা", "rater nirapotta", "safety at night"),
    ],
    "education": [
        ("প্রাইমারি স্কুলের পড়াশোনা", "primary school er porashona", "teaching at the primary school"),
        ("উপবৃত্তির টাকা", "upobrittir taka", "the stipend money"),
        ("স্কুলের শিক্ষক", "school er teacher", "the school teachers"),
        ("কলেজের ভর্তি", "college er vorti", "college admission"),
        ("মাদ্রাসার লেখাপড়া", "madrasar lekhapora", "the madrasa classes"),
    ],
    "health": [
        ("সদর হাসপাতাল", "sodor hospital", "the district hospital"),
        ("কমিউনিটি ক্লিনিক", "community clinic", "the community clinic"),
        (
            "হাসপাতালের ডাক্তার আর ওষুধ",
            "hospital er doctor r osudh",
            "doctors and medicine at the hospital",
        ),
        ("টিকা কার্যক্রম", "tika karjokrom", "the vaccination drive"),
        ("স্বাস্থ্য কমপ্লেক্সের সেবা", "health complex er seba", "the health complex"),
    ],
    "relief": [
        ("বয়স্ক ভাতা", "boyosko vata", "the old age allowance"),
        ("ত্রাণের চাল", "traner chal", "the relief rice"),
        ("ভিজিডি ভিজিএফ কার্ড", "vgd vgf card", "the VGD and VGF cards"),
        ("বিধবা ও প্রতিবন্ধী ভাতা", "bidhoba o protibondhi vata", "widow and disability allowances"),
        ("টিসিবি কার্ড", "tcb card", "the TCB family card"),
    ],
    "disputes": [
        ("আমাদের পারিবারিক বিরোধ", "amader paribarik birodh", "our family dispute"),
        ("বাবার সম্পত্তির ভাগাভাগি", "babar sompottir vagavagi", "sharing my father's property"),
        ("গ্রামের সালিশ", "gramer salish", "the village shalish"),
        ("যৌতুকের ঝামেলা", "joutuker jhamela", "the dowry trouble"),
        ("প্রতিবেশীর সাথে ঝগড়া", "protibeshir sathe jhogra", "the quarrel with our neighbour"),
    ],
    "public-services": [
        ("জন্ম নিবন্ধন", "jonmo nibondhon", "the birth registration"),
        ("এনআইডি সংশোধন", "nid songshodhon", "the NID correction"),
        ("ইউনিয়ন পরিষদের সনদ", "union porishod er sonod", "certificates from the union parishad"),
        ("ট্রেড লাইসেন্স", "trade license", "the trade licence"),
        ("অনলাইন সেবার পোর্টাল", "online sebar portal", "the online service portal"),
    ],
    "roads-utilities": [
        ("{place} এর রাস্তা", "{place} er rasta", "the road to {place}"),
        ("বিদ্যুৎ আর লোডশেডিং", "bidyut r loadshedding", "power cuts"),
        ("খাবার পানি আর টিউবওয়েল", "khabar pani r tubewell", "drinking water and tube wells"),
        ("ড্রেন আর জলাবদ্ধতা", "drain r jolabaddhota", "drains and waterlogging"),
        ("গ্যাসের লাইন", "gas er line", "the gas supply"),
    ],
    "markets-prices": [
        ("বাজারে চাল ডালের দাম", "bazare chal daler dam", "rice and lentil prices"),
        ("কাঁচা বাজারের দাম", "kacha bazarer dam", "vegetable prices in the market"),
        ("দোকানের ওজন আর ভেজাল", "dokaner ojon r vejal", "short weights and adulteration in shops"),
        ("সার আর বীজের দাম", "sar r bijer dam", "fertiliser and seed prices"),
        ("গ্যাস সিলিন্ডারের দাম", "gas cylinder er dam", "the gas cylinder price"),
    ],
    "environment": [
        ("ইটভাটার ধোঁয়া", "itvatar dhowa", "brick kiln smoke"),
        ("নদীর বালু উত্তোলন", "nodir balu uttolon", "sand lifting from the river"),
        ("খাল আর পুকুর ভরাট", "khal r pukur vorat", "filling of canals and ponds"),
        ("ময়লা আবর্জনা", "moyla aborjona", "the garbage"),
        ("গাছ কাটা", "gach kata", "tree felling"),
    ],
    "corruption": [
        ("অফিসের ঘুষ", "office er ghush", "bribes at the office"),
        ("দালালের দৌরাত্ম্য", "dalaler douratto", "the touts at the office"),
        ("সরকারি প্রকল্পের টাকা", "sorkari prokolper taka", "the government project money"),
        ("কর্মকর্তাদের হয়রানি", "kormokortader hoyrani", "harassment by officials"),
        ("রেজিস্ট্রি অফিসের ঘুষ", "registry office er ghush", "bribery at the sub-registry office"),
    ],
    "other": [
        ("বেওয়ারিশ কুকুর", "beowarish kukur", "the stray dogs"),
        ("মোবাইল নেটওয়ার্ক", "mobile network", "the mobile network"),
        ("কবরস্থানের রাস্তা", "koborsthaner rasta", "the path to the graveyard"),
        ("বিদেশে পাঠানোর দালাল", "bidesh pathanor dalal", "the overseas job brokers"),
    ],
}
PREDICATES: dict[str, list[tuple[str, str, str]]] = {
    "grievance": [
        (
            "{t} নিয়ে {dur} ধরে ভোগান্তি, কেউ দেখে না",
            "{t} niye {dur} dhore vogant, keu dekhe na",
            "{t} has been a misery for {dur} and nobody cares",
        ),
        (
            "{t} এর অবস্থা খুবই খারাপ, [কিছু করুন|দেখার কেউ নাই]",
            "{t} er obostha khubi kharap, [kisu korun|dekhar keu nai]",
            "{t} is in a terrible state, [do something|no one looks after it]",
        ),
        (
            "{t} নিয়ে অভিযোগ দিয়েছিলাম, কোনো ব্যবস্থা হয়নি",
            "{t} niye obhijog diyechilam, kono bebostha hoy nai",
            "I complained about {t} and nothing was done",
        ),
        (
            "{t} নিয়ে [চরম|ভীষণ] অনিয়ম চলছে {place} এ",
            "{place} e {t} niye [chorom|onek] oniyom cholche",
            "there is serious wrongdoing with {t} in {place}",
        ),
        (
            "{t} এর জন্য {n} বার ঘুরেও সমাধান পাইনি",
            "{t} er jonno {n} bar ghureo somadhan pai nai",
            "I went {n} times about {t} and got no solution",
        ),
        (
            "{t} নিয়ে আমরা [অসহায়|বিপদে আছি]",
            "{t} niye amra [osohay|bipode achi]",
            "we are helpless about {t}",
        ),
        ("{t} এর সমস্যার বিচার চাই", "{t} er somossar bichar chai", "I want justice about {t}"),
        ("{t} নিয়ে [মানুষ|সবাই] অতিষ্ঠ", "{t} niye manush otishtho", "people are fed up with {t}"),
        (
            "{t} এ [দুর্নীতি|হয়রানি] হচ্ছে, তদন্ত করুন",
            "{t} e [durniti|hoyrani] hocche, todonto korun",
            "{t} is full of [irregularities|hassle], please investigate",
        ),
        (
            "{t} নিয়ে কতবার বলবো? এখনো একই অবস্থা",
            "{t} niye kotobar bolbo? ekhono ek obostha",
            "how many times must we say it about {t}? still the same",
        ),
    ],
    "question": [
        (
            "{t} নিয়ে কোথায় যোগাযোগ করবো?",
            "{t} niye kothay jogajog korbo?",
            "whom do I contact about {t}?",
        ),
        (
            "{t} এর ব্যাপারে কি কোনো নতুন নিয়ম হয়েছে?",
            "{t} er bepare ki kono notun niyom hoyeche?",
            "is there a new rule about {t}?",
        ),
        (
            "{t} নিয়ে আবেদন কিভাবে করতে হয়?",
            "{t} niye abedon kivabe korte hoy?",
            "how do I apply regarding {t}?",
        ),
        (
            "{t} এর দায়িত্বে কোন অফিস?",
            "{t} er dayitte kon office?",
            "which office is in charge of {t}?",
        ),
        (
            "{t} নিয়ে তথ্য কোথায় পাবো?",
            "{t} niye tottho kothay pabo?",
            "where can I find information on {t}?",
        ),
    ],
    "praise": [
        (
            "{t} এখন অনেক ভালো হয়েছে, ধন্যবাদ প্রশাসনকে",
            "{t} ekhon onek valo hoyeche, dhonnobad proshashon ke",
            "{t} is much better now, thanks to the administration",
        ),
        (
            "{t} নিয়ে আপনার উদ্যোগ প্রশংসনীয়",
            "{t} niye apnar uddog proshongsoniyo",
            "your initiative on {t} is praiseworthy",
        ),
        (
            "{t} এর উন্নতি দেখে খুশি হলাম স্যার",
            "{t} er unnoti dekhe khushi holam sir",
            "glad to see the improvement in {t}, sir",
        ),
        (
            "{t} নিয়ে দ্রুত ব্যবস্থা নেওয়ায় কৃতজ্ঞ",
            "{t} niye druto bebostha newa te kritoggo",
            "grateful for the quick action on {t}",
        ),
    ],
}


def _compose_templates() -> None:
    """One template per (intent, category, predicate): the things of the category vary in it."""
    for intent, predicates in PREDICATES.items():
        for p_index, (p_bn, p_rom, p_en) in enumerate(predicates):
            for category, things in THINGS.items():
                if intent == "praise" and category in ("disputes", "other"):
                    continue
                bn = "[" + "|".join(t[0] for t in things) + "]"
                rom = "[" + "|".join(t[1] for t in things) + "]"
                en = "[" + "|".join(t[2] for t in things) + "]"
                RAW.setdefault((intent, None if intent == "praise" else category), []).append(
                    {
                        "bn": p_bn.replace("{t}", bn),
                        "rom": p_rom.replace("{t}", rom),
                        "en": (p_en.replace("{t}", en)[:1].upper() + p_en.replace("{t}", en)[1:]),
                        "group": f"predicate:{intent}:{p_index}",
                    }
                )


_compose_templates()

# ---- spam, abuse and chatter, composed the same way: the group held out is the second part.
SPAM_OFFERS = [
    (
        "ঘরে বসে মাসে {money} টাকা আয়",
        "ghore bose mashe {money} taka income",
        "earn {money} taka a month from home",
    ),
    ("জামানত ছাড়া লোন", "jamanot chara loan", "loans without collateral"),
    (
        "সৌদি মালয়েশিয়া ভিসা কম খরচে",
        "saudi malaysia visa kom khoroche",
        "cheap Saudi and Malaysia visas",
    ),
    ("ফ্রি রিচার্জ আর বোনাস", "free recharge r bonus", "free recharge and bonus"),
    ("অনলাইন বেটিংয়ে নিশ্চিত জয়", "online betting e nishchit joy", "sure wins at online betting"),
    ("ওজন কমানোর হারবাল ওষুধ", "ojon komanor herbal osudh", "herbal weight loss pills"),
    ("ফেসবুক পেজে ফলোয়ার বাড়ান", "facebook page e follower baran", "more followers for your page"),
    (
        "পার্ট টাইম চাকরি ছাত্রছাত্রীদের জন্য",
        "part time job student der jonno",
        "part-time jobs for students",
    ),
]
SPAM_CALLS = [
    ("বিস্তারিত জানতে ইনবক্স করুন", "details jante inbox korun", "inbox for details"),
    ("এখনই কল করুন ০১৮{n}৭৭৩৪১", "ekhoni call korun 018{n}77341", "call 018{n}77341 now"),
    ("লিংকে ক্লিক করুন", "link e click korun", "click the link"),
    ("হোয়াটসঅ্যাপে মেসেজ দিন", "whatsapp e msg din", "message on WhatsApp"),
    ("সীমিত অফার, আজই যোগাযোগ", "limited offer, ajkei jogajog", "limited offer, contact today"),
]
ABUSE_TARGETS = [
    ("এই ডিসি", "ei dc", "this DC"),
    ("অফিসের সব কর্মকর্তা", "office er sob officer", "all the officers"),
    ("এই পেজের এডমিন", "ei page er admin", "the admin of this page"),
    ("তোদের নেতা", "toder neta", "your leader"),
    ("এই সরকারের লোকজন", "ei sorkarer lokjon", "this government's people"),
]
ABUSE_INSULTS = [
    ("একটা চোর আর বাটপার", "ekta chor r batpar", "are thieves and crooks"),
    ("দালাল, লজ্জা নাই", "dalal, lojja nai", "are shameless stooges"),
    ("গাধা, কিছুই বোঝে না", "gadha, kisui bujhe na", "are donkeys who understand nothing"),
    ("ফাউল, জুতা মারা উচিত", "faul, juta mara uchit", "deserve a beating, scum"),
    ("মিথ্যাবাদী, গদি ছাড়", "mitthabadi, godi char", "are liars, get out"),
]
CHATTER_FIRST = [
    ("আজকে", "ajke", "today"),
    ("ভাইয়েরা", "vai era", "friends,"),
    ("@{name}", "@{name}", "@{name}"),
    ("হাহাহা", "hahaha", "haha"),
]
CHATTER_SECOND = [
    ("জুম্মা মোবারক সবাইকে", "jumma mubarak sobaike", "Jumma Mubarak everyone"),
    ("ছবিটা সুন্দর এসেছে", "chobita sundor esheche", "nice photo"),
    ("কেউ আমার গ্রামের আছেন?", "keu amar gramer achen?", "anyone from my village here?"),
    ("খেলা দেখতে যাবো", "khela dekhte jabo", "going to watch the match"),
    ("পোস্টটা ভালো লাগলো", "post ta valo laglo", "liked this post"),
    ("আমাকে ট্যাগ করো", "amake tag koro", "tag me"),
]


def _pairs(
    intent: str,
    name: str,
    first: list[tuple[str, str, str]],
    second: list[tuple[str, str, str]],
    joiner: str = ", ",
) -> None:
    for s_index, (s_bn, s_rom, s_en) in enumerate(second):
        for f_bn, f_rom, f_en in first:
            RAW.setdefault((intent, None), []).append(
                {
                    "bn": f"{f_bn}{joiner}{s_bn}",
                    "rom": f"{f_rom}{joiner}{s_rom}",
                    "en": f"{f_en[:1].upper()}{f_en[1:]}{joiner}{s_en}",
                    "group": f"pair:{name}:{s_index}",
                }
            )


_pairs("abuse_spam", "spam", SPAM_OFFERS, SPAM_CALLS)
_pairs("abuse_spam", "abuse", ABUSE_TARGETS, ABUSE_INSULTS, " ")
_pairs("other", "chatter", CHATTER_FIRST, CHATTER_SECOND, " ")


def templates() -> list[Template]:
    found = []
    for (intent, category), items in RAW.items():
        for index, item in enumerate(items):
            found.append(
                Template(
                    id=f"{intent}:{category or '-'}:{index}",
                    intent=intent,
                    category=category,
                    bn=item.get("bn", ""),
                    rom=item.get("rom", ""),
                    en=item.get("en", ""),
                    group=item.get("group", ""),
                )
            )
    return found


def _rank(template_id: str) -> bytes:
    return hashlib.sha256(template_id.encode()).digest()


def splits(pool: list[Template]) -> dict[str, str]:
    """Template id → "train" or "test". Within each (intent, category) the templates are
    ordered by a hash of their id and every fifth, starting with the first, is held out for
    test; a group of one template is only trained on. Fixed: it depends on the ids alone."""
    groups: dict[tuple[str, str | None], set[str]] = {}
    for template in pool:
        if not template.group:
            groups.setdefault((template.intent, template.category), set()).add(template.id)
    # Composed templates are held out by predicate (their group), across all categories.
    composed: dict[str, set[str]] = {}
    for template in pool:
        if template.group:
            composed.setdefault(template.intent, set()).add(template.group)
    held: set[str] = set()
    for members in [*groups.values(), *composed.values()]:
        ordered = sorted(members, key=_rank)
        held.update(m for i, m in enumerate(ordered) if len(ordered) > 1 and i % 5 == 0)
    return {t.id: "test" if (t.group or t.id) in held else "train" for t in pool}


# --------------------------------------------------------------------------- typing noise

_BN_SWAPS = [
    ("ি", "ী"),
    ("ী", "ি"),
    ("ু", "ূ"),
    ("ূ", "ু"),
    ("শ", "স"),
    ("ষ", "শ"),
    ("ণ", "ন"),
    ("য", "জ"),
    ("ড়", "র"),
    ("্য", ""),
    ("ৎ", "ত"),
]
_ROM_SWAPS = [
    ("v", "bh"),
    ("bh", "v"),
    ("sh", "s"),
    ("o", "u"),
    ("ch", "c"),
    ("ee", "i"),
    ("oo", "u"),
    ("j", "z"),
    ("ph", "f"),
    ("kh", "k"),
]
_ROM_WORDS = {
    "amar": ["amr", "amer"],
    "please": ["plz", "pls", "plzz"],
    "nai": ["nei", "nay"],
    "hoyeche": ["hoise", "hoiche", "hoyse"],
    "kisu": ["kichu", "kicu"],
    "jomi": ["zomi"],
    "dhonnobad": ["dhonnobaad", "donnobad", "tnx"],
    "office": ["ofis", "offc"],
    "sir": ["sirr", "sr", "স্যার"],
    "taka": ["tk", "tka"],
}


def _bn_noise(text: str, rng: random.Random) -> str:
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        old, new = rng.choice(_BN_SWAPS)
        # Not the য of য় (য + nukta), nor a letter before a nukta.
        positions = [
            m.start()
            for m in re.finditer(re.escape(old), text)
            if text[m.end() : m.end() + 1] != "\u09bc"
        ]
        if positions:
            at = rng.choice(positions)
            text = text[:at] + new + text[at + len(old) :]
    if rng.random() < 0.15:  # a keyboard's zero-width joiner after a hasanta
        text = text.replace("্", "্\u200d", 1)
    if rng.random() < 0.2:  # য় typed as two code points
        text = text.replace("য়", "য\u09bc")
    if rng.random() < 0.3:
        text = text.replace("।", rng.choice(["", " ।", "..", "।।"]))
    return text


def _rom_noise(text: str, rng: random.Random) -> str:
    words = text.split()
    for index, word in enumerate(words):
        options = _ROM_WORDS.get(word.lower().strip(",.?!"))
        if options and rng.random() < 0.5:
            words[index] = rng.choice(options)
    text = " ".join(words)
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        old, new = rng.choice(_ROM_SWAPS)
        positions = [m.start() for m in re.finditer(re.escape(old), text)]
        if positions:
            at = rng.choice(positions)
            text = text[:at] + new + text[at + len(old) :]
    if rng.random() < 0.5:
        text = text.lower()
    if rng.random() < 0.3:
        text = re.sub(r"[.,]", "", text)
    return text


def _en_noise(text: str, rng: random.Random) -> str:
    if rng.random() < 0.35:
        text = text.lower()
    for _ in range(rng.choice([0, 0, 1, 2])):  # a dropped or doubled letter, two swapped
        letters = [m.start() for m in re.finditer(r"[a-z]", text)]
        if len(letters) < 4:
            break
        at = rng.choice(letters[1:-1])
        kind = rng.random()
        if kind < 0.4:
            text = text[:at] + text[at + 1 :]
        elif kind < 0.7:
            text = text[:at] + text[at] + text[at:]
        else:
            text = text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    text = re.sub(r"\bplease\b", lambda m: rng.choice(["please", "pls", "plz"]), text)
    text = re.sub(r"\byou\b", lambda m: rng.choice(["you", "you", "u"]), text)
    return text


def _repeat_letter(text: str, rng: random.Random) -> str:
    words = list(re.finditer(r"\w+", text))
    if not words:
        return text
    word = rng.choice(words)
    return text[: word.end()] + word.group(0)[-1] * rng.randint(2, 5) + text[word.end() :]


def _noise(text: str, script: str, rng: random.Random) -> str:
    if script == "bn":
        text = _bn_noise(text, rng)
    elif script == "rom":
        text = _rom_noise(text, rng)
    else:
        text = _en_noise(text, rng)
    if rng.random() < 0.15:
        text = _repeat_letter(text, rng)
    return text


# --------------------------------------------------------------------------- composing


def _closers(intent: str) -> dict[str, list[str]]:
    if intent == "grievance":
        return REQUEST_CLOSERS
    if intent == "question":
        return QUESTION_CLOSERS
    if intent == "praise":
        return PRAISE_CLOSERS
    return {"bn": [""], "rom": [""], "en": [""]}


def _part(parts: dict[str, list[str]], script: str, rng: random.Random) -> str:
    return expand(rng.choice(parts[script]), script, rng)


def compose(template: Template, script: str, rng: random.Random) -> str:
    """One comment from `template` in `script` (bn, rom, en or mixed)."""
    renderings = {s: getattr(template, s) for s in ("bn", "rom", "en") if getattr(template, s)}
    if script == "mixed":
        body_script = rng.choice([s for s in ("bn", "rom") if s in renderings] or ["en"])
        frame = rng.choice(["en", "rom"] if body_script == "bn" else ["bn", "en"])
    else:
        body_script = frame = script
    body = _noise(expand(renderings[body_script], body_script, rng), body_script, rng)
    if template.intent in ("abuse_spam", "other") and rng.random() < 0.7:
        opener = ""  # spam and chatter rarely start with a salutation
    else:
        opener = _part(OPENERS, frame, rng) if rng.random() < 0.7 else ""
    closer = _part(_closers(template.intent), frame, rng) if rng.random() < 0.6 else ""
    text = " ".join(p for p in (opener, body, closer) if p)
    if rng.random() < 0.25:
        emoji = rng.choice(EMOJI[template.intent])
        text = f"{text} {emoji * rng.randint(1, 4)}"
    if script == "mixed" and body_script == "bn" and rng.random() < 0.5:
        # English words typed in the middle of a Bangla sentence.
        for bn, en in (("অফিস", "office"), ("টাকা", "taka"), ("রাস্তা", "road"), ("স্যার", "sir")):
            text = text.replace(bn, en)
    return text


def generate(size: int, seed: int) -> list[dict[str, str | None]]:
    rng = random.Random(seed)  # noqa: S311 -- reproducible text, not secrets
    pool = templates()
    # Roughly what a DC page receives: grievances are most of the work, then questions.
    shares = {"grievance": 0.4, "question": 0.18, "praise": 0.15, "abuse_spam": 0.14, "other": 0.13}
    by_intent: dict[str, list[Template]] = {}
    for template in pool:
        by_intent.setdefault(template.intent, []).append(template)
    split = splits(pool)
    rows: list[dict[str, str | None]] = []
    seen: set[str] = set()
    attempts = 0
    while len(rows) < size and attempts < size * 20:
        attempts += 1
        intent = rng.choices(INTENTS, weights=[shares[i] for i in INTENTS])[0]
        template = rng.choice(by_intent[intent])
        script = rng.choices(SCRIPTS, weights=[0.4, 0.25, 0.2, 0.15])[0]
        if script != "mixed" and not getattr(template, script):
            continue
        text = compose(template, script, rng)
        if text in seen:
            continue
        seen.add(text)
        rows.append(
            {
                "text": text,
                "intent": template.intent,
                "category": template.category,
                "script": script,
                "template": template.id,
                "split": split[template.id],
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=3200)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--output", type=Path, default=CORPUS_PATH)
    args = parser.parse_args()
    rows = generate(args.size, args.seed)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} comments written to {args.output}")  # noqa: T201 -- a script


if __name__ == "__main__":
    main()
