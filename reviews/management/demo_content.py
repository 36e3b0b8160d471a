"""
The demo content written by `manage.py demo`: authors, shows and reviews.

All of the text is original. Metallic Rouge's facts (studio, staff, premiere, songs)
are real; every other show, studio and person here is invented.
"""

from datetime import date
from decimal import Decimal

from reviews.models import Review, Show

FIRST, EPISODE, SEASON = "first_impressions", "episode", "season"

AUTHORS = {
    "writer": {
        "name": "Mina Kawase",
        "bio": "Mina has written about seasonal anime since the days of fansub "
        "trackers. She watches everything once and the good things twice, and has "
        "a soft spot for **shows about work**.",
        "website": "https://mina.example.com/",
        "support_url": "https://ko-fi.com/example-mina",
        "support_label": "Buy Mina a coffee on Ko-fi",
        "sign_off": "See you next episode. — Mina",
    },
    "editor": {
        "name": "Theo Brandt",
        "bio": "Theo edits *Three Episode Rule* and writes the production-minded "
        "reviews: who made it, how, and whether it worked. His list of skipped "
        "opening sequences is very short.",
        "website": "https://theo.example.org/",
        "support_url": "https://www.patreon.com/example-theo",
        "support_label": "Support Theo on Patreon",
        "sign_off": "Thanks for reading. — Theo",
    },
    "guest-author": {
        "name": "Sora Ilves",
        "bio": "Sora is a guest writer who reviews first episodes and then, "
        "stubbornly, the rest of the season. Favourite genres: mystery, mecha and "
        "anything with a good train scene.",
        "website": "https://sora.example.net/",
        "support_url": "https://ko-fi.com/example-sora",
        "support_label": "Tip Sora on Ko-fi",
        "sign_off": "Three episodes, then we talk. — Sora",
    },
}

# The keys from "studios" on are demo data, not Show fields. Episodes are (title,
# what happens); reviews are (episode, kind, author, score, verdict, days ago,
# optional aspect scores): days ago None is a draft, a negative one is scheduled.
SHOWS = [
    {
        "slug": "metallic-rouge",
        "title": "Metallic Rouge",
        "title_english": "Metallic Rouge",
        "title_japanese": "メタリックルージュ",
        "synopsis": "Humanity has settled Mars, and androids called Neans do much of "
        "its work without sharing its rights. Rouge Redstar, a young android, is "
        "sent with her partner Naomi Orthmann to track down the Immortal Nine, a "
        "group of rogue androids the authorities want stopped. The hunt raises "
        "questions about what Rouge is, and who she is really working for.",
        "format": Show.Format.TV,
        "source": Show.Source.ORIGINAL,
        "season": Show.Season.WINTER,
        "year": 2024,
        "premiere_date": date(2024, 1, 11),
        "episode_count": 13,
        "airing_status": Show.Airing.FINISHED,
        "studios": ["Bones"],
        "genres": ["Science fiction", "Action", "Mystery"],
        "credits": [
            ("director", "Motonobu Hori"),
            ("series_composition", "Yutaka Izubuchi"),
            ("series_composition", "Toshizo Nemoto"),
        ],
        "songs": [
            ("opening", "Rouge", "Yu-ka"),
            ("insert", "Crimson Lightning", "Taisei Iwasaki"),
        ],
        "episodes": [("", "")] * 4,
        "colors": ("crimson", "charcoal"),
        "reviews": [],  # Hand-written: see METALLIC_ROUGE_REVIEWS.
    },
    {
        "slug": "teapot-weather",
        "title": "Teapot Weather",
        "title_japanese": "Kyūsu Biyori",
        "synopsis": "When her grandmother retires, Aoi Hinode inherits a small tea "
        "shop at the top of a steep, rainy hill, along with its regulars, its moody "
        "kettle and a roof that leaks over the best table. A year of brewing, "
        "customers and small repairs.",
        "source": Show.Source.MANGA,
        "season": Show.Season.SPRING,
        "year": 2023,
        "premiere_date": date(2023, 4, 6),
        "episode_count": 12,
        "airing_status": Show.Airing.FINISHED,
        "studios": ["Studio Kumogiri"],
        "genres": ["Slice of life", "Comedy"],
        "credits": [
            ("original_creator", "Noe Hinata"),
            ("director", "Haruka Ienaga"),
            ("series_composition", "Ritsu Amano"),
            ("music", "Kei Tanabe"),
        ],
        "songs": [
            ("opening", "Kettle Song", "Lamplight Parade"),
            ("ending", "Steam on the Window", "Yuzu Mori"),
        ],
        "hook": "a quiet comedy about a tea shop at the top of a rainy hill",
        "episodes": [
            ("The Shop on Hinode Slope", "hands Aoi a tea shop with a leaky roof"),
            ("A Blend for Rainy Days", "brings in a regular with an odd order"),
            ("Closed for Repairs", "shuts the shop for a week of repairs"),
            ("Cherry Blossom Delivery", "takes the tea up to the hill festival"),
            ("First Frost", "ends the shop's first autumn"),
        ],
        "notes": [
            "The backgrounds do a lot of the work: wet stone steps, fogged glass, "
            "the warm square of the shop window at dusk. You could watch it with "
            "the sound off and still feel the weather.",
            "Aoi is a good lead for this kind of story. She's competent without "
            "being a prodigy, and the jokes come from her stubbornness rather "
            "than from pratfalls.",
            "The regulars are sketched quickly and well, and the script knows when "
            "to end a scene on a look instead of a line.",
        ],
        "reviews": [
            (None, SEASON, "editor", 8.5, "recommended", 23, (8, 9, 8, 8.5)),
            (4, EPISODE, "writer", 7.5, "recommended", 25),
            (3, EPISODE, "writer", 8.5, "recommended", 27),
            (2, EPISODE, "writer", 8, "recommended", 29),
            (1, FIRST, "editor", 7, "keep_watching", 31),
            (1, FIRST, "writer", 8, "keep_watching", 32, (7.5, 8.5, 8, 8.5)),
        ],
    },
    {
        "slug": "full-court-relay",
        "title": "Full Court Relay",
        "title_japanese": "Furu Kōto Rirē",
        "synopsis": "Kurogane High's basketball club has four members, one ball with "
        "a slow leak and a tournament entry form due in a month. Captain Daichi "
        "Mori sets out to build a real team out of whoever will say yes.",
        "source": Show.Source.MANGA,
        "season": Show.Season.FALL,
        "year": 2025,
        "premiere_date": date(2025, 10, 3),
        "airing_status": Show.Airing.AIRING,
        "studios": ["Hoshizora Animation"],
        "genres": ["Sports", "Drama"],
        "credits": [
            ("original_creator", "Takumi Oshiro"),
            ("director", "Ryo Sakamaki"),
            ("character_design", "Mei Tsukada"),
        ],
        "songs": [
            ("opening", "Fast Break", "The Rebounders"),
            ("ending", "Empty Gym", "Hana Kiriyama"),
        ],
        "hook": "a basketball drama about a four-player club that needs a fifth",
        "episodes": [
            ("The Fifth Player", "sends the club hunting for a fifth member"),
            ("Shot Clock", "reveals that the new recruit has never played"),
            ("Practice Match", "throws the team into a match it isn't ready for"),
            ("Zone Defence", "tries a defence from an old coach's notebook"),
            ("Away Game", "takes the team to a rival school's gym"),
        ],
        "notes": [
            "The games are animated with real attention to footwork and spacing, "
            "and the camera stays wide enough to follow a play rather than a "
            "string of dramatic close-ups.",
            "Daichi is the heart of the show: earnest, a little bossy and often "
            "wrong, and his teammates are allowed to tell him so.",
            "The soundtrack leans on brass and drums in matches and almost "
            "disappears in practice, which makes the quiet stretches feel like "
            "hard work.",
        ],
        "reviews": [
            (4, EPISODE, "editor", 8, "recommended", 1, (8, 7.5, 8, 8.5)),
            (3, EPISODE, "guest-author", 5.5, "mixed", 5),
            (2, EPISODE, "editor", 7, "recommended", 9),
            (1, FIRST, "editor", 7.5, "keep_watching", 13),
            (1, FIRST, "writer", 6.5, "wait_and_see", 14),
            (5, EPISODE, "writer", 7, "recommended", None),
        ],
    },
    {
        "slug": "the-cartographer-of-nine-bells",
        "title": "The Cartographer of Nine Bells",
        "title_japanese": "Kokonotsu no Kane no Chizushi",
        "synopsis": "In a kingdom where roads wander and villages sometimes move "
        "overnight, apprentice mapmaker Ilse Varga finds an old map fitted with "
        "nine tiny bells that ring whenever the land it shows has changed. She "
        "sets out to learn who made it, and why so many people want it back.",
        "source": Show.Source.LIGHT_NOVEL,
        "season": Show.Season.SPRING,
        "year": 2025,
        "premiere_date": date(2025, 4, 8),
        "airing_status": Show.Airing.AIRING,
        "studios": ["Lanternfish Studio"],
        "genres": ["Fantasy", "Adventure"],
        "credits": [
            ("original_creator", "Asahi Kurenai"),
            ("director", "Yūto Hamasaki"),
            ("series_composition", "Chiharu Ose"),
            ("music", "Lena Marsh"),
        ],
        "songs": [
            ("opening", "Compass Rose", "Nine Bells Choir"),
            ("ending", "Blank Margins", "Sayo Minase"),
        ],
        "hook": "a light novel fantasy about maps that keep up with the world",
        "episodes": [
            ("The Map That Rang", "puts a ringing map in an apprentice's hands"),
            ("Ninefold Road", "chases a village that moved in the night"),
            ("Ink and Iron", "sends a guild knight to confiscate the map"),
            ("The Second Bell", "reaches a city built on a wandering river"),
            ("Fog Charter", "boards a ship that sails by an unreadable chart"),
        ],
        "notes": [
            "The world design is the star. Every town has its own architecture and "
            "its own reason to be where it is, and the map sequences, drawn in ink "
            "that shifts as you watch, are a lovely recurring motif.",
            "Ilse's curiosity drives the plot instead of stalling it, and her "
            "running argument with her companion about whether a map can ever be "
            "finished is the show's best thread.",
            "Adaptations of long light novels often rush; this one takes its time, "
            "occasionally too much, but it rarely feels like it is skipping "
            "anything.",
        ],
        "reviews": [
            (4, EPISODE, "guest-author", 9, "recommended", 2),
            (3, EPISODE, "guest-author", 6.5, "mixed", 6),
            (2, EPISODE, "guest-author", 8, "recommended", 10),
            (1, FIRST, "guest-author", 8.5, "keep_watching", 15, (8, 9, 8.5, 8)),
            (1, FIRST, "writer", 6, "wait_and_see", 16),
            (5, EPISODE, "editor", 8.5, "recommended", -3),
        ],
    },
    {
        "slug": "paper-lantern-summer",
        "title": "Paper Lantern Summer",
        "title_japanese": "Kamichōchin no Natsu",
        "synopsis": "Every seven years the town of Shiraume floats paper lanterns "
        "down its river for a festival no one under twenty remembers. Cousins Natsu "
        "and Kei, stuck together for the holidays, are asked to help build the "
        "lanterns, and find the old festival is keeping more than one promise.",
        "format": Show.Format.FILM,
        "season": Show.Season.SUMMER,
        "year": 2024,
        "premiere_date": date(2024, 8, 9),
        "episode_count": 1,
        "airing_status": Show.Airing.FINISHED,
        "studios": ["Studio Kumogiri"],
        "genres": ["Drama", "Supernatural"],
        "credits": [("director", "Kaori Nishimiya"), ("music", "Kei Tanabe")],
        "songs": [("ending", "Seven Summers", "Yuzu Mori")],
        "hook": "a summer film about two cousins and a once-in-seven-years festival",
        "episodes": [],
        "notes": [
            "The lantern sequences are as beautiful as the trailers promised: "
            "hundreds of small lights on dark water, animated with a patience few "
            "films can afford.",
            "Natsu and Kei bicker like real cousins, and the film is at its best "
            "when it simply lets them spend an afternoon together.",
            "The third act leans harder on coincidence than the rest of the film, "
            "and the supernatural rules are explained twice when once would do.",
        ],
        "reviews": [
            (None, SEASON, "writer", 9.5, "recommended", 19, (9, 10, 9.5, 9)),
            (None, SEASON, "editor", 6.5, "mixed", 21),
        ],
    },
    {
        "slug": "static-garden",
        "title": "Static Garden",
        "synopsis": "The Verdance is an orbital greenhouse that feeds half a colony, "
        "run by a crew of six. When radio operator Jun Amari hears a voice on a "
        "channel that should be empty, the crew must decide whether to trust it, "
        "report it or pretend they never heard it.",
        "format": Show.Format.ONA,
        "season": Show.Season.FALL,
        "year": 2023,
        "premiere_date": date(2023, 10, 5),
        "episode_count": 12,
        "airing_status": Show.Airing.FINISHED,
        "studios": ["Studio Parhelion"],
        "genres": ["Science fiction", "Mystery"],
        "credits": [("director", "Shin Arakawa"), ("script", "Mio Tachibana")],
        "songs": [("opening", "Dead Air", "Vantablue")],
        "hook": "a science fiction mystery set on an orbital greenhouse",
        "episodes": [
            ("Signal Loss", "opens on a voice in a channel that should be silent"),
            ("Root System", "sends the crew into the oldest garden deck"),
            ("Dead Air", "brings a warning an hour before an accident"),
            ("Compost", "splits the crew over whether to tell anyone below"),
        ],
        "notes": [
            "The station is a great setting: humid garden decks, cramped bunks, "
            "the hum of pumps under every scene.",
            "The mystery is where it struggles. Clues arrive in long conversations "
            "rather than in anything the characters do, and scenes that should be "
            "tight go slack.",
            "Jun is likeable, but the rest of the crew are defined mostly by their "
            "jobs, which makes their arguments hard to care about.",
        ],
        "reviews": [
            (None, SEASON, "writer", 4.5, "not_recommended", 35, (4, 7, 5, 4)),
            (4, EPISODE, "guest-author", 3, "not_recommended", 37),
            (3, EPISODE, "guest-author", 5, "mixed", 39),
            (2, EPISODE, "guest-author", 6, "mixed", 41),
            (1, FIRST, "writer", 5, "wait_and_see", 43),
            (1, FIRST, "editor", 4, "drop", 44),
            (1, FIRST, "guest-author", 7, "keep_watching", 45),
        ],
    },
]
# Three reviews of Metallic Rouge episode 1, in the shapes writers use.
METALLIC_ROUGE_REVIEWS = [
    {
        "slug": "metallic-rouge-first-impressions",
        "author": "guest-author",
        "kind": FIRST,
        "title": "Metallic Rouge has style to spare and a story to prove",
        "summary": "Gorgeous android noir that asks for patience with its world.",
        "score": Decimal("6.5"),
        "verdict": Review.Verdict.WAIT_AND_SEE,
        "days_ago": 3,
        "body": """\
Metallic Rouge opens like a show that knows exactly how good it looks. Within
minutes we're on a Mars colony that feels lived in, with android workers in the
background of nearly every scene, and it's a pleasure just to watch.

The story is harder to get a grip on. Rouge Redstar and Naomi Orthmann are sent
after the Immortal Nine, and the episode hands us a lot of vocabulary with little
patience for newcomers. Some of that is deliberate, since the show wants you to
feel like an outsider in its world, but I spent stretches assembling a glossary
instead of caring about anyone.

## What works

Rouge herself. She's reserved without being blank, and the small moments when her
composure slips are the most interesting thing in the episode. Naomi is a good
foil: dry, impatient, and more interested in results than in Rouge's feelings.

## What doesn't, yet

The politics of androids and humans are sketched rather than shown. That's fine
for a first episode, as long as the next two fill them in. I'm giving it the full
three episodes: wait and see, leaning hopeful.

More first-episode reviews of the Winter 2024 season are on the
[reviews page](/reviews/).
""",
    },
    {
        "slug": "metallic-rouge-episode-1-recap",
        "author": "writer",
        "kind": FIRST,
        "title": "Metallic Rouge episode 1: a hunter who keeps her cards close",
        "summary": "A confident, stylish opener for Bones' original science fiction.",
        "score": Decimal("7.0"),
        "story_score": Decimal("6.5"),
        "visuals_score": Decimal("8.5"),
        "sound_score": Decimal("8.0"),
        "characters_score": Decimal("7.0"),
        "verdict": Review.Verdict.KEEP_WATCHING,
        "days_ago": 4,
        "recap": """\
## Episode recap

The episode sets up a future where humans have settled Mars and rely on androids,
called Neans, who keep society running without sharing its rights. Rouge Redstar
is one of them, and she has a job: find and stop the Immortal Nine, a group of
renegade androids.

She is paired with Naomi Orthmann, who handles the investigation and makes no
secret of seeing Rouge as a tool for the job. Their first lead takes them into
the city, where we see how Neans live and how quickly things turn violent.

By the end, >!Rouge has shown what she can do in a fight, and it's clear the
assignment matters to more people than her!<. The Immortal Nine themselves are
still mostly names.
""",
        "body": """\
## Thoughts

What sold me is restraint. Metallic Rouge could have opened with a wall of
exposition, and mostly it doesn't: it trusts its images and lets Rouge's reactions
say what she isn't allowed to.

The partnership is the engine. Naomi is prickly and practical; Rouge is polite to
the point of evasion. Neither trusts the other, and the script gets a lot out of
short exchanges. The weak spot is the world-building load: factions, rules and
terms, not all of which land on a first watch.

## Music

The opening, "Rouge" by Yu-ka, is a strong first impression in itself: moody,
driving and a good fit for a lead who keeps her cards close. The insert song
"Crimson Lightning" by Taisei Iwasaki is the track I went looking for afterwards.
The score in between stays out of the way, which suits the quieter scenes.

## Verdict

Keep watching. A 7 for now, with room to climb if the world-building settles.

If you enjoy these write-ups, you can support them on
[Ko-fi](https://ko-fi.com/example-mina).
""",
    },
    {
        "slug": "metallic-rouge-episode-1-review",
        "author": "editor",
        "kind": EPISODE,
        "title": "Metallic Rouge episode 1: Bones builds a world and lets it breathe",
        "summary": "How Bones' original premiere was made, and whether it's worth it.",
        "score": Decimal("7.0"),
        "verdict": Review.Verdict.RECOMMENDED,
        "days_ago": 7,
        "body": """\
Metallic Rouge is one of the rarer things in a season full of adaptations: an
original. There's no manga to check and no forum to spoil the twists, so the first
episode carries more weight than usual.

## Production

- **Studio:** Bones
- **Director:** Motonobu Hori
- **Scripts:** Yutaka Izubuchi and Toshizo Nemoto, who share series composition[^1]
- **Source:** original anime
- **Premiere:** 11 January 2024

It shows in the polish. The animation is consistent, the mechanical design is
clean and the direction prefers clear staging to fast cutting, so the fights are
easy to read. The quiet scenes get the same care.

## The episode

The premise is simple even when the terminology isn't: Rouge Redstar hunts rogue
androids, and Naomi Orthmann makes sure she does. The script is economical with
the pair and generous with the setting, ||and the last scene recasts much of what
came before||.

::: spoiler Ending of episode 1
The first case doesn't wrap up neatly. The job gets done, but the closing minutes
make clear that Rouge's assignment is bigger than the target in front of her, and
that the people giving her orders know more than they say.
:::

## Is it worth watching?

Yes, if you like science fiction that takes its time. The pace is deliberate and
the vocabulary can be a lot, but the craft is obvious and the leads are worth
following. Recommended.

[^1]: Series composition is the job of planning the story across the whole
season; the same writers often write most of the episode scripts too.
""",
    },
]

# Templates for the shorter reviews; [0] and [1] alternate.
FIRST_TITLES = {
    "keep_watching": ["{show} earns its second episode", "{show} starts strong"],
    "wait_and_see": ["{show} has me on the fence", "{show} is still deciding"],
    "drop": ["{show} loses me in one episode", "{show} isn't for me"],
}
SEASON_TITLES = {
    "recommended": "{show} review: a {work} worth your time",
    "mixed": "{show} review: a {work} of good parts",
    "not_recommended": "{show} review: a {work} that never comes together",
}
SUMMARIES = {
    "recommended": [
        "{show} at its best, and easy to recommend.",
        "{show} plays to its strengths, and it's a pleasure to watch.",
    ],
    "mixed": [
        "{show} has good moments but never quite settles.",
        "{show} has the pieces but doesn't quite put them together.",
    ],
    "not_recommended": [
        "A promising setting that {show} never makes the most of.",
        "{show} has a good idea and very little to do with it.",
    ],
    "keep_watching": [
        "A strong start that makes the case for episode two.",
        "{show} opens with a clear sense of what it wants to be.",
    ],
    "wait_and_see": [
        "Promising, but the first episode doesn't show its hand yet.",
        "{show} has a hook; whether it has a story is still open.",
    ],
    "drop": [
        "{show} opens slowly and gives little reason to stay.",
        "One episode is enough: {show} isn't for me.",
    ],
}
EPISODE_TONES = {
    "recommended": "It does that with real care, and it doesn't waste a minute.",
    "mixed": "It's a decent idea that the episode never fully commits to.",
    "not_recommended": "On paper that's a good hook; on screen it drags.",
}
CLOSINGS = {
    "recommended": [
        "Recommended: {score} out of 10. It knows what it's doing and does it "
        "with care.",
        "{score} out of 10, and an easy recommendation. This is the kind of thing I "
        "started writing about anime for.",
    ],
    "mixed": [
        "Mixed, then, at {score} out of 10. The good parts are genuinely good; "
        "there just aren't quite enough of them.",
        "I land on {score}. Not a miss, not a hit: worth it if you're already "
        "invested, skippable if you're not.",
    ],
    "not_recommended": [
        "Not recommended: {score} out of 10. There's a good idea in here, but the "
        "show keeps choosing the least interesting thing to do with it.",
        "{score} out of 10. I wanted to like this more than I did, and these "
        "aren't problems that fix themselves.",
    ],
    "keep_watching": [
        "Keep watching. {score} out of 10 for an opener that did the one thing a "
        "first episode must: make me want the second.",
        "I'm in for the full three episodes at least. {score} out of 10 for now.",
    ],
    "wait_and_see": [
        "Wait and see: {score} out of 10. It stays on my list, and I'll check "
        "back after episode three.",
        "{score} out of 10, and a cautious wait and see. The next two episodes "
        "will decide it.",
    ],
    "drop": [
        "Drop it, unless the premise alone has you hooked. {score} out of 10.",
        "{score} out of 10, and I'm out. One episode is a small sample, but it's "
        "the one the show chose to lead with.",
    ],
}

# Reader comments: (review slug, name, e-mail, text, status, index of the comment
# replied to or None). Status names are Comment.Status members.
COMMENTS = [
    (
        "metallic-rouge-episode-1-review",
        "Hana",
        "hana@example.com",
        "That opening fight was so smooth. Bones really went all out on the "
        "sakuga.\n\nAnyone else catch the nod to Blade Runner in the first shot?",
        "APPROVED",
        None,
    ),
    (
        "metallic-rouge-episode-1-review",
        "Jun",
        "jun@example.com",
        "Agreed on the pacing: it dumps a lot of lore at once. I'm sticking with "
        "it for the three-episode rule though.",
        "APPROVED",
        None,
    ),
    (
        "metallic-rouge-episode-1-review",
        "Mina Fan",
        "minafan@example.com",
        "Yes! The replicant-style Neans were my first thought too.",
        "APPROVED",
        0,
    ),
    (
        "metallic-rouge-episode-1-review",
        "Rei",
        "rei@example.com",
        "First time commenting here. Great review, the score feels right.",
        "PENDING",
        None,
    ),
    (
        "metallic-rouge-episode-1-review",
        "Best Deals",
        "deals@spam.example",
        "Huge casino bonus today only: https://spam.example https://spam.example/2",
        "SPAM",
        None,
    ),
]
