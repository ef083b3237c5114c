"""The OpenAPI 3.1 description of the API, served at ``/api/openapi.json``.

Kept beside the views and checked by a test against the app's routes, so a new endpoint
cannot go undocumented.
"""

from __future__ import annotations

from search.engine import MAX_PAGE, MAX_PAGE_SIZE, SORTS
from search.query import MATCHES
from search.stories import COPIES_SHOWN
from webui.params import DATA_COLLAPSE, MAX_QUERY_CHARS


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, description: str, schema: dict | None = None, **extra) -> dict:
    return {"name": name, "in": "query", "description": description,
            "schema": schema or {"type": "string"}, **extra}


def _path(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string"}}


ERRORS = {
    "400": _json(_ref("Error"), "A parameter is invalid; the message says which."),
    "429": _json(_ref("Error"), "Rate limit reached; see the Retry-After header."),
}
NOT_FOUND = {"404": _json(_ref("Error"), "Nothing with this identifier.")}
CRITERIA = [
    _query("q", "Words, \"phrases\", a OR b, -word, prefix*, title:, body:, official:. "
           "Diacritics are optional.", {"type": "string", "maxLength": MAX_QUERY_CHARS}),
    _query("official", "Only articles naming this official (repeatable; accents optional).",
           {"type": "array", "items": {"type": "string"}}, style="form", explode=True),
    _query("source", "Only this source: its key (a hit's `source`), not its name."),
    _query("section", "Only this section."),
    _query("from", "From this date: YYYY, YYYY-MM or YYYY-MM-DD (inclusive)."),
    _query("to", "Up to this date: YYYY, YYYY-MM or YYYY-MM-DD (inclusive)."),
    _query("sort", "Order of the hits; an empty query sorts newest first.",
           {"type": "string", "enum": list(SORTS), "default": "relevance"}),
    _query("collapse", "story: one hit a story (the copies of one article across outlets: "
           "reprints, with an edited headline, a source line, a cut paragraph), its best copy, "
           "with the others in `copies`; `total`, years, months, sections and officials count "
           "stories, `source` counts every copy. none: every copy is a hit.",
           {"type": "string", "enum": ["none", "story"], "default": DATA_COLLAPSE}),
    _query("match", "words: the syllables of each word stand together, with the diacritics "
           "typed (a syllable typed bare matches every reading); syllables: every syllable "
           "anywhere, diacritics ignored.",
           {"type": "string", "enum": list(MATCHES), "default": "words"}),
]
PAGING = [
    _query("page", "Page number.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE,
                                    "default": 1}),
    _query("page_size", "Hits per page.", {"type": "integer", "minimum": 1,
                                           "maximum": MAX_PAGE_SIZE, "default": 10}),
]
EXPORT_HEADERS = {
    "X-Export-Total": {"description": "Articles that matched (stories, with "
                                     "collapse=story).", "schema": {"type": "integer"}},
    "X-Export-Limit": {"description": "Most rows one export holds.", "schema": {"type": "integer"}},
    "X-Export-Truncated": {"description": "true when the file stops at the limit.",
                           "schema": {"type": "string", "enum": ["true", "false"]}},
}
STRING = {"type": "string"}
LAG = {"type": ["integer", "null"], "description": "Days after the original (0: the original, "
       "or the same day); null when a date is unknown."}
COUNTS = {"type": "array", "items": _ref("FacetValue")}

SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": STRING}},
    "Official": {
        "type": "object",
        "properties": {"name": STRING, "positions": {"type": "array", "items": STRING}},
    },
    "ArticleFields": {
        "type": "object",
        "properties": {
            "id": STRING,
            "story_id": {"type": "string", "description": "The story's id, shared by every "
                         "copy of one article across outlets (an article's own id when alone)."},
            "url": STRING, "title": STRING,
            "published": {"type": ["string", "null"],
                          "description": "ISO 8601, +07:00; null when no date is known"},
            "date_source": {"type": "string", "enum": ["page", "meta", "json-ld", "url", ""],
                            "description": "Where the date was read; empty when undated."},
            "source": {"type": "string", "description": "The site's key, for the source filter."},
            "source_name": {"type": "string", "description": "The site's name, for readers."},
            "section": STRING, "author": STRING,
            "status": {"type": "string", "enum": ["live", "gone"]},
            "officials": {"type": "array", "items": _ref("Official")},
        },
    },
    "Article": {"allOf": [_ref("ArticleFields"), {"type": "object", "properties": {
        "body": STRING,
        "story": {"type": "object", "description": "Where the article's story went.",
                  "required": ["id", "original_id", "lag_days", "copies_total", "copies"],
                  "properties": {
                      "id": STRING,
                      "original_id": {"type": "string", "description": "The earliest "
                                      "published copy (on a tie, the national outlet's)."},
                      "lag_days": LAG,
                      "copies_total": {"type": "integer"},
                      "copies": {"type": "array", "items": _ref("Copy"),
                                 "description": "Every other copy, the original first."},
                  }},
    }}]},
    "Copy": {
        "type": "object", "description": "Another copy of a story.",
        "required": ["id", "url", "source", "source_name", "published", "original", "lag_days"],
        "properties": {
            "id": STRING, "url": STRING, "source": STRING, "source_name": STRING,
            "published": {"type": ["string", "null"]},
            "original": {"type": "boolean", "description": "The story's earliest published copy."},
            "lag_days": LAG,
        },
    },
    "Hit": {"allOf": [_ref("ArticleFields"), {
        "type": "object",
        "properties": {
            "snippet": {"type": "string", "description": "Escaped HTML; only <mark> elements."},
            "score": {"type": ["number", "null"]},
            "copies": {"type": "array", "items": _ref("Copy"), "maxItems": COPIES_SHOWN,
                       "description": "With collapse=story: the story's other copies, the "
                       f"original first, then by date (the first {COPIES_SHOWN})."},
            "copies_total": {"type": "integer", "description": "With collapse=story: how many "
                             "other copies the story has."},
        },
    }]},
    "FacetValue": {"type": "object", "properties": {"value": STRING,
                                                    "count": {"type": "integer"}}},
    "SourceCount": {"allOf": [_ref("FacetValue"), {
        "type": "object", "properties": {"name": {"type": "string",
                                                  "description": "The site's name."}},
    }]},
    "SearchResponse": {
        "type": "object",
        "properties": {
            "query": STRING,
            "match": {"type": "string", "enum": list(MATCHES)},
            "searched": {"type": "string", "description": "How the query was read: each word of "
                         "several syllables in quotes."},
            "repaired": {"type": "boolean"},
            "fallback": {"type": ["string", "null"], "enum": ["marks", "any", None],
                         "description": "marks: nothing had the diacritics typed, so every "
                         "reading was searched; any: nothing had every word."},
            "readings": {"type": "array", "description": "For each word typed without "
                         "diacritics, its most frequent readings in the archive.",
                         "items": _ref("Readings")},
            "expanded": {"type": "array", "description": "Words (searched or excluded) "
                         "whose other spellings (abbreviations, long forms) count too.",
                         "items": {"type": "object", "properties": {
                             "word": STRING, "includes": {"type": "array", "items": STRING}}}},
            "collapse": {"type": ["string", "null"], "enum": ["story", None]},
            "total": {"type": "integer", "description": "Stories or articles: see "
                      "total_counts."},
            "total_counts": {"type": "string", "enum": ["stories", "articles"]},
            "articles": {"type": "integer", "description": "Matching articles, every copy "
                         "of a story counted."},
            "page": {"type": "integer"},
            "page_size": {"type": "integer"}, "sort": {"type": "string", "enum": list(SORTS)},
            "hits": {"type": "array", "items": _ref("Hit")},
            "facets": {"type": "object", "description": "With collapse=story, every facet "
                       "counts stories but source, which counts each outlet's copies.",
                       "properties": {
                "officials": COUNTS, "year": COUNTS, "month": COUNTS,
                "source": {"type": "array", "items": _ref("SourceCount")}, "section": COUNTS,
            }},
        },
    },
    "Readings": {"type": "object", "properties": {
        "word": STRING,
        "readings": {"type": "array", "items": {"type": "object", "properties": {
            "text": STRING,
            "count": {"type": "integer", "description": "Articles holding this reading."},
            "q": {"type": "string", "description": "The query again with this reading."},
        }}},
    }},
    "OfficialCount": {"type": "object", "properties": {"name": STRING,
                                                       "count": {"type": "integer"}}},
    "Profile": {
        "type": "object",
        "properties": {
            "name": STRING, "count": {"type": "integer"},
            "positions": {"type": "array", "items": {"type": "object", "properties": {
                "position": STRING, "first": {"type": ["string", "null"]},
                "last": {"type": ["string", "null"]},
            }}},
            "years": COUNTS,
            "co_mentioned": {"type": "array", "items": _ref("OfficialCount")},
        },
    },
    "Job": {
        "type": "object",
        "description": "Times are ISO 8601 in UTC.",
        "properties": {
            "site": STRING,
            "schedule": {"type": "string", "description": "An interval (6h) or a cron "
                                                          "expression (0 */6 * * *)."},
            "running": {"type": "boolean"},
            "outcome": {"type": ["string", "null"], "enum": [
                "running", "complete", "budget", "stopped", "failed", "interrupted", None]},
            "last_run_started": {"type": ["string", "null"]},
            "last_run_finished": {"type": ["string", "null"]},
            "next_run": STRING,
            "failures": {"type": "integer", "description": "Failed runs in a row."},
            "counts": {"type": "object", "description": "Pages and articles (new, updated, "
                                                        "unchanged, not_modified, gone) and "
                                                        "errors by kind, of the last run."},
            "error": {"type": ["string", "null"]},
            "owner": {"type": ["string", "null"], "description": "host:pid of a running job."},
            "heartbeat": {"type": ["string", "null"]},
        },
    },
}


def _export(media: str, description: str) -> dict:
    return {"get": {
        "summary": description,
        "parameters": CRITERIA,
        "responses": {"200": {"description": "Streamed rows in the search's order: an "
                                             "article a row, with its story_id after its id; "
                                             "with collapse=story, a story a row (its hit).",
                              "headers": EXPORT_HEADERS,
                              "content": {media: {"schema": STRING}}}, **ERRORS},
    }}


PATHS = {
    "/api/search": {"get": {
        "summary": "Search articles, with facet counts over all matches.",
        "parameters": CRITERIA + PAGING,
        "responses": {"200": _json(_ref("SearchResponse")), **ERRORS},
    }},
    "/api/articles/{article_id}": {"get": {
        "summary": "One article with its full text, and its story's other copies.",
        "parameters": [_path("article_id", "The article's id.")],
        "responses": {"200": _json(_ref("Article")), **NOT_FOUND, **ERRORS},
    }},
    "/api/officials": {"get": {
        "summary": "Officials by accentless name prefix, most mentioned first.",
        "parameters": [_query("prefix", "Start of the name or of one of its words."),
                       _query("limit", "How many.", {"type": "integer", "minimum": 1,
                                                     "maximum": 100, "default": 20})],
        "responses": {"200": _json({"type": "array", "items": _ref("OfficialCount")}),
                      **ERRORS},
    }},
    "/api/officials/{name}": {"get": {
        "summary": "An official's profile: positions over time, articles per year, "
                   "co-mentioned officials.",
        "parameters": [_path("name", "The name, with or without diacritics.")],
        "responses": {"200": _json(_ref("Profile")), **NOT_FOUND, **ERRORS},
    }},
    "/api/export.csv": _export("text/csv", "The whole result set as CSV (UTF-8 with BOM)."),
    "/api/export.jsonl": _export("application/x-ndjson", "The whole result set as JSON Lines."),
    "/api/openapi.json": {"get": {
        "summary": "This document.",
        "responses": {"200": _json({"type": "object"})},
    }},
    "/api/admin/reindex": {"post": {
        "summary": "Index what the store holds beyond the index (admin token required).",
        "security": [{"adminToken": []}],
        "responses": {
            "200": _json({"type": "object", "properties": {
                "indexed": {"type": "integer"}, "generation": STRING}}),
            "401": _json(_ref("Error"), "Missing or wrong token."),
            "404": _json(_ref("Error"), "No admin token is configured."),
            "409": _json(_ref("Error"), "Another process is writing the index."),
        },
    }},
    "/api/jobs": {"get": {
        "summary": "The scheduled crawl jobs: last run, outcome, counts and next run of each site "
                   "(admin token required).",
        "security": [{"adminToken": []}],
        "responses": {
            "200": _json({"type": "object", "properties": {"jobs": {
                "type": "array", "items": _ref("Job")}}}),
            "401": _json(_ref("Error"), "Missing or wrong token."),
            "404": _json(_ref("Error"), "No admin token is configured."),
        },
    }},
    "/feed.atom": {"get": {
        "summary": "The 50 newest matches (stories, with collapse=story) as an Atom feed.",
        "parameters": CRITERIA[:-1],
        "responses": {"200": {"description": "An Atom feed.",
                              "content": {"application/atom+xml": {"schema": STRING}}},
                      **ERRORS},
    }},
}


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "vnsearch API",
            "version": "1",
            "description": "Read-only search over the Vietnamese political news archive. "
                           "Errors are {\"error\": \"...\"}.",
        },
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"adminToken": {"type": "http", "scheme": "bearer"}},
        },
    }
