"""The demo's texts: three full reviews of Metallic Rouge episode 1, the
templates of the shorter reviews, and readers' comments."""

from decimal import Decimal

from reviews.models import Review

from .shows import EPISODE, FIRST

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
        "intro": """\
Bones hasn't had an original series on air in a while, and Metallic Rouge is a
big swing: android noir on a Mars colony, directed by Motonobu Hori. No spoilers
up here; the recap below stays closed until you open it.
""",
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
        "it for the three-episode rule though, if only to learn ||who the "
        "Visitors really are||.",
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
    # Discussions elsewhere, so the front page has a "Most discussed".
    (
        "static-garden-episode-4-sora-ilves",
        "Tomo",
        "tomo@example.com",
        "A 3 feels harsh. The compost metaphor is heavy-handed, but the last "
        "scene in the greenhouse worked for me.",
        "APPROVED",
        None,
    ),
    (
        "static-garden-episode-4-sora-ilves",
        "Kaede",
        "kaede@example.com",
        "I dropped it here too. Four episodes and still no idea what the "
        "garden is for.",
        "APPROVED",
        5,
    ),
    (
        "static-garden-episode-4-sora-ilves",
        "Haru",
        "haru@example.com",
        "The sound design is the one thing I'll miss about this show.",
        "APPROVED",
        None,
    ),
    (
        "the-cartographer-of-nine-bells-episode-3-sora-ilves",
        "Sato",
        "sato@example.com",
        "The map-drawing sequence alone was worth the episode. Mixed is fair "
        "for the rest.",
        "APPROVED",
        None,
    ),
    (
        "the-cartographer-of-nine-bells-episode-3-sora-ilves",
        "Mika",
        "mika@example.com",
        "Ink and Iron is the one I rewatched. The bell tower shot!",
        "APPROVED",
        None,
    ),
    (
        "paper-lantern-summer-season-theo-brandt",
        "Yui",
        "yui@example.com",
        "Good parts is right: the festival night is gorgeous, the middle drags.",
        "APPROVED",
        None,
    ),
]


# Readers' scores of some episodes: (show slug, episode number) -> the scores.
RATINGS = {
    ("metallic-rouge", 1): [8, 7, 9, 6, 8, 7, 8, 10, 5, 7, 8, 9, 7, 8],
    ("metallic-rouge", 2): [7, 7, 8, 6, 9, 7],
    ("teapot-weather", 1): [9, 8, 9, 10, 7, 9, 8],
    # Enough reviewed episodes rated for the show charts' readers' series.
    ("teapot-weather", 2): [7, 8, 7, 6, 8],
    ("teapot-weather", 3): [9, 9, 10, 8, 9, 9],
    ("teapot-weather", 4): [6, 7, 5, 7, 6],
    ("full-court-relay", 1): [8, 8, 9, 7],
    ("full-court-relay", 2): [8, 7, 8],
    ("full-court-relay", 3): [7, 6, 7, 8],
    ("full-court-relay", 4): [9, 9, 8, 10, 9],
}
