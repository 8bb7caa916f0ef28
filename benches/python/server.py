# The profanity filter of examples/profanity_filter, written the way a Python developer would with
# Twilio's official library: FastAPI served by uvicorn, the form read with `await request.form()`
# and X-Twilio-Signature checked with twilio's RequestValidator. It does the same job as the Rust
# server and benches/node/server.js under load: validate the signature, read the form body, mask
# the listed words (whole word, case-insensitive, one `*` per character) and answer compact JSON.
#
#   python3 -m venv /tmp/py-bench && /tmp/py-bench/bin/pip install -r <repo>/benches/python/requirements.txt
#   TWILIO_AUTH_TOKEN=9f1d3c5e7a9b2d4f6a8c0e1b3d5f7a9c PORT=3002 /tmp/py-bench/bin/python <repo>/benches/python/server.py
#
# Environment: TWILIO_AUTH_TOKEN (required), PUBLIC_URL (default https://hooks.example.com, the
# URL the load benchmark signs), PORT (default 3002), WORKERS (uvicorn worker processes, default
# 1), PROFANITY_WORDS, BLOCKED_AUTHORS. Served as in production: no reload, access log off, and
# uvloop + httptools when installed (requirements.txt installs them).

import json
import os
import re
import sys

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from twilio.request_validator import RequestValidator

PATH = "/twilio/conversations"
PUBLIC_URL = os.environ.get("PUBLIC_URL", "https://hooks.example.com").rstrip("/")
PORT = int(os.environ.get("PORT", "3002"))
WORKERS = int(os.environ.get("WORKERS", "1"))
DEFAULT_WORDS = ["heck", "darn", "dang", "frick", "crap"]

AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN")
if not AUTH_TOKEN:
    sys.exit("TWILIO_AUTH_TOKEN is required")
validator = RequestValidator(AUTH_TOKEN)


def split_list(text):
    """A comma-separated list, entries trimmed, empty ones dropped."""
    return [entry.strip() for entry in (text or "").split(",") if entry.strip()]


words = DEFAULT_WORDS if "PROFANITY_WORDS" not in os.environ else split_list(os.environ["PROFANITY_WORDS"])
blocked_authors = set(split_list(os.environ.get("BLOCKED_AUTHORS")))

# Longest words first, so that the longest listed word at a position wins, as in the Rust filter.
# A word counts only when no Unicode letter or digit touches it: `[^\W_]` is `\w` without `_`.
alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE) if alternatives else None


def mask(text):
    """The text with every listed word masked, or None when nothing matched."""
    if pattern is None or not isinstance(text, str):
        return None
    masked, count = pattern.subn(lambda match: "*" * len(match.group()), text)
    return masked if count else None


def answer(obj):
    """Compact JSON like Express's res.json: no spaces, non-ASCII kept as is."""
    body = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    return Response(content=body, media_type="application/json")


app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


@app.post(PATH)
async def conversations(request: Request):
    # The form as a multidict: RequestValidator reads repeated keys through its getlist().
    params = await request.form()
    signature = request.headers.get("x-twilio-signature")
    if signature is None or not validator.validate(PUBLIC_URL + PATH, params, signature):
        return PlainTextResponse("Twilio Request Validation Failed.", status_code=403)

    event_type = params.get("EventType")
    if event_type in ("onMessageAdd", "onMessageUpdate"):
        if params.get("Author") in blocked_authors:
            return PlainTextResponse("author is blocked", status_code=403)
        body = mask(params.get("Body"))
        return answer({} if body is None else {"body": body})
    if event_type in ("onConversationAdd", "onConversationUpdate"):
        name = mask(params.get("FriendlyName"))
        return answer({} if name is None else {"friendly_name": name})
    return answer({})


if __name__ == "__main__":
    print(f"python profanity filter: listening on http://127.0.0.1:{PORT}{PATH}", file=sys.stderr)
    # loop/http "auto" pick uvloop and httptools when they are installed. Workers need the app as
    # an import string; this file's folder is on sys.path when it is run as a script.
    uvicorn.run(
        "server:app",
        host="127.0.0.1",
        port=PORT,
        workers=WORKERS,
        loop="auto",
        http="auto",
        access_log=False,
        log_level="warning",
    )
