"""
Bringing a WordPress blog here: ``manage.py import_wordpress EXPORT.xml``.

- parse: reads WordPress's export (WXR 1.0 to 1.2) as a stream, one item at a
  time, with no entity expansion, external entity or DTD.
- convert: its HTML (classic or block editor, shortcodes, spoiler plugins) as
  Markdown for our one pipeline; comments as plain text; the episode and score
  a title or text names.
- media: its images, from a copy of wp-content/uploads or (when allowed) the
  web, through our image checks and re-encoding.
- importer: what becomes what, keyed by WordPress's ids and the blog's address,
  so a second run creates nothing twice; and the report.
- links: old permalinks answer 301 to their new pages (OldLinkMiddleware).
"""
