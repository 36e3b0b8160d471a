"""The demo's writers and shows, with their episodes and the reviews to write
of them (reviews' texts come from .texts)."""

from datetime import date

from reviews.models import Show

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
