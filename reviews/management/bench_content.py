"""
The words and templates of the bench data set (commands/bench_data.py): word
lists to name shows, studios and people, paragraphs to build reviews from, and the
review templates, rendered once.
"""

from reviews.markdown import render_markdown
from reviews.models import SCORE_VALUES, Review, reading_minutes

# Word lists, packed; ruff format would put one word on each line.
# fmt: off
ADJECTIVES = [
    "Crimson", "Silver", "Hollow", "Paper", "Clockwork", "Midnight", "Velvet", "Iron",
    "Glass", "Lantern", "Distant", "Quiet", "Burning", "Frozen", "Electric",
    "Wandering", "Hidden", "Starlit", "Broken", "Golden", "Azure", "Last", "Lonely",
    "Twilight", "Scarlet", "Emerald", "Rusted", "Floating", "Secret", "Endless",
]
NOUNS = [
    "Lighthouse", "Orchestra", "Garden", "Railway", "Academy", "Detective", "Harbor",
    "Alchemist", "Kingdom", "Signal", "Festival", "Tower", "Frontier", "Bakery",
    "Knight", "Station", "Library", "Circuit", "Voyage", "Shrine", "Comet", "Workshop",
    "Archive", "Pilot", "Fox", "Carnival", "Messenger", "Summit", "Canal",
    "Observatory",
]
ROMAJI = [
    "hoshi", "kaze", "yoru", "tsuki", "umi", "sora", "hikari", "yume", "mori", "kagami",
    "tori", "hana",
]
GENRES = [
    "Action", "Adventure", "Comedy", "Drama", "Fantasy", "Horror", "Mecha", "Music",
    "Mystery", "Romance", "Science fiction", "Slice of life", "Sports", "Supernatural",
    "Thriller", "Historical",
]
STUDIO_WORDS = [
    "Kite", "Hoshimori", "Lantern", "Ember", "Nagi", "Polaris", "Tanuki", "Shirakawa",
    "Bluefin", "Yorokobi", "Meridian", "Kumo", "Sakurada", "Driftwood", "Akatsuki",
    "Halcyon", "Fennec", "Miyabi", "Tidewater", "Orbit",
]
FIRST_NAMES = [
    "Mina", "Theo", "Sora", "Aiko", "Daniel", "Haruka", "Lena", "Kenji", "Priya",
    "Jonas", "Yuki", "Marco", "Rin", "Elif", "Tomas", "Nora",
]
LAST_NAMES = [
    "Kawase", "Brandt", "Ilves", "Tanaka", "Moreau", "Sato", "Okafor", "Lindqvist",
    "Nakamura", "Rossi", "Hayashi", "Novak", "Fujita", "Castillo", "Ward", "Mori",
]
# fmt: on
EPISODE_TITLES = [
    "The Night Train",
    "A Promise at Dawn",
    "What the River Knew",
    "Static",
    "The Second Door",
    "Homecoming",
    "Paper Cranes",
    "A Quiet Rebellion",
    "Under the Old Bridge",
    "The Long Way Round",
    "Afterimage",
    "Borrowed Time",
    "Lights Out",
    "The Last Delivery",
]
SUMMARIES = [
    "A confident episode that trusts its audience and mostly earns it.",
    "Handsome and careful, if a little too pleased with its own restraint.",
    "The best the show has been, and a reminder of why we keep watching.",
    "A wobble in the middle of the season, saved by a strong last act.",
    "Gorgeous to look at; the script is still catching up with the art.",
]
PARAGRAPHS = [
    "The episode opens on a long, wordless scene, and it is a statement of intent: "
    "the show is willing to let a moment breathe before it explains anything. The "
    "layouts do a lot of the work here, framing the cast through doorways and train "
    "windows so that every conversation feels slightly overheard.",
    "Where it stumbles is the middle stretch. Two scenes of exposition sit back to "
    "back, and neither of them tells us much that the opening had not already shown. "
    "It is the kind of thing a tighter script would have folded into the action, and "
    "the pacing sags for a few minutes as a result.",
    "The soundtrack deserves its own paragraph. The composer leans on a small string "
    "ensemble and a single piano motif, and the restraint pays off when the full "
    "theme finally arrives: it is earned, not just loud, and it lands exactly on the "
    "cut to the title card.",
    "Character animation is the quiet star. Small gestures, a hand hesitating over a "
    "letter, a shrug that turns into a laugh, are drawn with more care than most "
    "shows give their fight scenes, and they make the cast feel like people with a "
    "life outside the frame.",
    "The supporting cast finally gets room to move. The side plot about the workshop "
    "could easily have been filler, but it mirrors the main story closely enough "
    "that it sharpens it, and it gives the quieter characters a few of the best "
    "lines of the season.",
    "None of this is new, and the show knows it. What it has instead is conviction: "
    "it commits to its tone, its colour palette and its odd sense of humour so fully "
    "that the familiar beats feel fresh again, which is harder than it looks.",
    "Visually, the night scenes are the highlight. The background art goes for deep "
    "blues and warm window light, and the compositing keeps the characters readable "
    "against it without flattening the mood. It is a lovely-looking half hour.",
    "If there is a real weakness, it is the villain, who still has more costume than "
    "motive. The show keeps promising an explanation and keeps putting it off, and "
    "the longer it waits the more the reveal will have to carry.",
]
SPOILERS = [
    "the letter was never sent",
    "the mentor was behind the fire all along",
    "the station master is the missing brother",
    "the final shot is the same room, years later",
]
COMMENT_TEXTS = [
    "Great write-up. I had the same feeling about the middle stretch.",
    "I think you're a bit harsh on the soundtrack; that piano motif stuck with me "
    "for days.",
    "Finally someone mentions the character animation!\n\nThe hands in the letter "
    "scene were something else.",
    "Interesting take. I liked the side plot more than you did, though.",
    "The interview with the director is worth a read: "
    "https://example.com/interviews/director-notes",
    "Dropped it after episode two, but this makes me want to go back.",
    "Agree about the villain. Still waiting for a reason to care.",
    "This is why I read this blog. Thanks for the thoughtful review.",
]
PREMISES = [
    "a night-shift courier keeps finding letters addressed to people who do not "
    "exist yet",
    "two rival apprentices must share one workshop for a whole summer",
    "a small town's radio station starts picking up tomorrow's broadcasts",
    "a retired pilot agrees to teach one last, very unpromising class",
    "a detective who cannot remember faces takes on a case about a stolen portrait",
]
RECAP = (
    "{0}\n\nBy the end of the episode the group has split up: one half heads for the "
    "coast, the other stays behind to search the archive, and >!{1}!<.\n\n{2}"
)


def body_template(index):
    """About 3 KB of Markdown: headings, a list, a table, inline and block
    spoilers and a footnote, from the paragraphs above."""
    p = [PARAGRAPHS[(index + n) % len(PARAGRAPHS)] for n in range(8)]
    spoiler = SPOILERS[index % len(SPOILERS)]
    return (
        f"{p[0]}\n\n## What worked\n\n{p[1]} And yes, >!{spoiler}!<.\n\n"
        "- the layouts and the colour script\n- the quieter supporting cast\n"
        "- an ending that trusts the audience\n\n"
        f"{p[2]}\n\n::: spoiler The last five minutes\n{p[3]}\n:::\n\n"
        f"## What didn't\n\n{p[4]} Also, ||{spoiler}||, which needed more set-up."
        f"[^1]\n\n{p[5]}\n\n## Odds and ends\n\n{p[6]}\n\n"
        "| Aspect | Score |\n|---|---:|\n| Story | 7 |\n| Visuals | 8.5 |\n"
        f"| Sound | 8 |\n\n{p[7]}\n\n"
        "[^1]: A second watch helps, but it should not have to.\n"
    )


def render_templates(count=4):
    """The text fields of each review template, rendered once."""
    templates = []
    for index in range(count):
        recap = RECAP.format(
            PARAGRAPHS[index], SPOILERS[index % len(SPOILERS)], PARAGRAPHS[index + 3]
        )
        body = body_template(index)
        fields = {
            "recap": recap,
            "recap_html": render_markdown(recap, id_prefix="recap-", titled="recap"),
            "body": body,
            "body_html": render_markdown(body, contents=True),
            "body_spoiler_free_html": render_markdown(body, hide_spoilers=True),
        }
        fields["reading_time"] = reading_minutes(
            fields["recap_html"], fields["body_html"]
        )
        templates.append(fields)
    return templates


def score(rng, mean=7.0):
    half_points = round(2 * min(10.0, max(1.0, rng.gauss(mean, 1.3))))
    return SCORE_VALUES[half_points]


def verdict(kind, value):
    if kind == Review.Kind.FIRST_IMPRESSIONS:
        choices = ["drop", "wait_and_see", "keep_watching"]
    else:
        choices = ["not_recommended", "mixed", "recommended"]
    return choices[(value >= 5.5) + (value >= 7.5)]
