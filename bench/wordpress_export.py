"""
Writes a large WordPress export for measuring manage.py import_wordpress:

    python -m bench.wordpress_export big.xml [POSTS [COMMENTS_PER_POST]]

10,000 posts and 10 comments each by default (100,000 comments, every third a
reply), each post about 4 KB of block-editor HTML across 20 shows' categories,
so the file is about 90 MB. Then, on a database of its own:

    DATABASE_URL=sqlite:////tmp/wp.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/wp.sqlite3 /usr/bin/time -v \\
        python manage.py import_wordpress big.xml --dry-run

Never part of the test suite.
"""

import sys
from xml.sax.saxutils import escape

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Big blog</title><link>https://big.example</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://big.example</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>writer</wp:author_login>
<wp:author_display_name>Writer</wp:author_display_name></wp:author>
"""
PARAGRAPH = (
    "<!-- wp:paragraph -->\n<p>The animation in this episode is <strong>lovely"
    "</strong>, and the score carries the quiet scenes; [spoiler]the mentor dies"
    "[/spoiler] but the show earns it. Pacing is deliberate, never slow.</p>\n"
    "<!-- /wp:paragraph -->\n"
)


def comment(post, number, per_post):
    comment_id = post * per_post + number
    parent = comment_id - 1 if number % 3 == 2 else 0
    return (
        f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
        f"<wp:comment_author>Reader {number}</wp:comment_author>"
        f"<wp:comment_author_email>reader{comment_id % 5000}@example.com"
        "</wp:comment_author_email><wp:comment_author_url></wp:comment_author_url>"
        "<wp:comment_author_IP>203.0.113.9</wp:comment_author_IP>"
        "<wp:comment_date>2024-01-12 12:00:00</wp:comment_date>"
        f"<wp:comment_date_gmt>2024-01-12 11:{number % 60:02}:00</wp:comment_date_gmt>"
        "<wp:comment_content><![CDATA[Great episode, "
        "see https://example.org for more.]]></wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment"
        f"</wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent>"
        "</wp:comment>\n"
    )


def post(number, per_post):
    show = f"Show {number % 20}"
    title = escape(f"{show} Episode {number // 20 + 1}: notes {number}")
    return (
        f"<item><title>{title}</title>"
        f"<link>https://big.example/2024/01/12/post-{number}/</link>"
        "<dc:creator>writer</dc:creator>"
        f"<content:encoded><![CDATA[{PARAGRAPH * 14}<p>Score: 7/10</p>]]>"
        "</content:encoded><excerpt:encoded><![CDATA[A short summary.]]>"
        f"</excerpt:encoded><wp:post_id>{number}</wp:post_id>"
        "<wp:post_date>2024-01-12 10:00:00</wp:post_date>"
        "<wp:post_date_gmt>2024-01-12 09:00:00</wp:post_date_gmt>"
        "<wp:comment_status>open</wp:comment_status>"
        f"<wp:post_name>post-{number}</wp:post_name><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type>"
        f'<category domain="category" nicename="show-{number % 20}">{show}</category>'
        + "".join(comment(number, n, per_post) for n in range(per_post))
        + "</item>\n"
    )


def main(path, posts=10_000, per_post=10):
    with open(path, "w", encoding="utf-8") as file:
        file.write(HEAD)
        for number in range(1, posts + 1):
            file.write(post(number, per_post))
        file.write("</channel>\n</rss>\n")


if __name__ == "__main__":
    main(sys.argv[1], *map(int, sys.argv[2:4]))
