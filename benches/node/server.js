// The profanity filter of examples/profanity_filter, written the way Twilio documents it for Node:
// Express, express.urlencoded() and twilio.webhook() validating X-Twilio-Signature. It does the
// same job as the Rust server under load: validate the signature, read the form body, mask the
// listed words (whole word, case-insensitive, one `*` per character) and answer JSON.
//
//   cd /tmp/node-bench && cp <repo>/benches/node/{package.json,server.js} . && npm install
//   TWILIO_AUTH_TOKEN=9f1d3c5e7a9b2d4f6a8c0e1b3d5f7a9c PORT=3001 node server.js
//
// Environment: TWILIO_AUTH_TOKEN (required), PUBLIC_URL (default https://hooks.example.com, the
// URL the load benchmark signs), PORT (default 3001), PROFANITY_WORDS, BLOCKED_AUTHORS.
"use strict";

const express = require("express");
const twilio = require("twilio");

const PATH = "/twilio/conversations";
const PUBLIC_URL = (process.env.PUBLIC_URL || "https://hooks.example.com").replace(/\/$/, "");
const PORT = Number(process.env.PORT || 3001);
const DEFAULT_WORDS = ["heck", "darn", "dang", "frick", "crap"];

const list = (text) =>
  (text || "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
const words = process.env.PROFANITY_WORDS === undefined ? DEFAULT_WORDS : list(process.env.PROFANITY_WORDS);
const blockedAuthors = new Set(list(process.env.BLOCKED_AUTHORS));

// Longest words first, so that the longest listed word at a position wins, as in the Rust filter.
const escape = (word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const alternatives = [...words].sort((a, b) => b.length - a.length).map(escape).join("|");
const pattern = alternatives
  ? new RegExp(`(?<![\\p{Alphabetic}\\p{N}])(?:${alternatives})(?![\\p{Alphabetic}\\p{N}])`, "giu")
  : null;

/** The text with every listed word masked, or null when nothing matched. */
function mask(text) {
  if (!pattern || typeof text !== "string") return null;
  let changed = false;
  const masked = text.replace(pattern, (word) => {
    changed = true;
    return "*".repeat([...word].length);
  });
  return changed ? masked : null;
}

const app = express();
app.post(
  PATH,
  express.urlencoded({ extended: false }),
  twilio.webhook({ url: PUBLIC_URL + PATH }),
  (req, res) => {
    const params = req.body || {};
    switch (params.EventType) {
      case "onMessageAdd":
      case "onMessageUpdate": {
        if (blockedAuthors.has(params.Author)) {
          return res.status(403).type("text/plain").send("author is blocked");
        }
        const body = mask(params.Body);
        return res.json(body === null ? {} : { body });
      }
      case "onConversationAdd":
      case "onConversationUpdate": {
        const name = mask(params.FriendlyName);
        return res.json(name === null ? {} : { friendly_name: name });
      }
      default:
        return res.json({});
    }
  },
);

app.listen(PORT, "127.0.0.1", () => {
  console.error(`node profanity filter: listening on http://127.0.0.1:${PORT}${PATH}`);
});
