"""Prompts as versioned files: ``prompts/<name>.md`` with a front-matter header, a system part and a
user template; the header also carries the prompt's sampling settings and names its output schema,
a JSON file next to it (``prompts/checklist.schema.json``), so a prompt and what it asks of the
model are read, versioned and shipped together.

File format::

    ---
    name: checklist
    version: 2
    temperature: 0                      # optional; dropped for models that reject it
    output_base_tokens: 512             # the output limit sent with each request is
    output_tokens_per_input_token: 6    #   base + per-token x (input characters / 4), capped by settings
    schema: checklist.schema.json       # optional: strict json_schema response format
    ---
    ## system
    ...
    ## user
    ... <article>
    {article}
    </article>

The wheel carries the files in ``bot/llm/prompts/`` (hatch force-include); an editable checkout reads
the repository's top-level ``prompts/``. Placeholders are ``{name}``; nothing else in the template is
special, so prompts may contain literal braces.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

PROMPT_DIRS: tuple[Path, ...] = (
    Path(__file__).resolve().parent / "prompts",  # installed wheel: bot/llm/prompts/
    Path(__file__).resolve().parents[2] / "prompts",  # editable checkout: the repository's prompts/
)

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
_SECTION = re.compile(r"^## +(system|user) *$", re.MULTILINE)
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_TAG = re.compile(r"</?([A-Za-z][\w-]*)>")


class PromptError(ValueError):
    """A prompt file is missing or not in the expected format."""


@dataclass(frozen=True)
class Sampling:
    """What a prompt asks of the sampler: its temperature and how large an answer may grow."""

    temperature: float | None = None
    output_base_tokens: int = 1024
    output_tokens_per_input_token: float = 0.0

    def output_tokens(self, input_chars: int, cap: int | None = None) -> int:
        """The output limit for an input of ``input_chars`` characters (about 4 a token), at most ``cap``."""
        wanted = self.output_base_tokens + math.ceil(self.output_tokens_per_input_token * math.ceil(input_chars / 4))
        return max(1, min(wanted, cap) if cap else wanted)


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    system: str
    user_template: str
    sampling: Sampling = field(default_factory=Sampling)
    schema: dict[str, Any] | None = None  # the strict JSON schema the answer must follow, if any

    @property
    def id(self) -> str:
        """Name and version, as caches and stats record them: ``checklist-v2``."""
        return f"{self.name}-v{self.version}"

    @property
    def digest(self) -> str:
        """A short hash of the prompt's text: an edit without a version bump still changes cache keys."""
        schema = json.dumps(self.schema, sort_keys=True) if self.schema is not None else ""
        parts = (self.system, self.user_template, repr(self.sampling), schema)
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:8]

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(_PLACEHOLDER.findall(self.user_template))

    @property
    def delimiter_tags(self) -> frozenset[str]:
        """Tag names the template uses to fence untrusted input (``article``, ``question``...)."""
        return frozenset(t.lower() for t in _TAG.findall(self.user_template))

    def render(self, **fields: str) -> str:
        """Fill the user template. Values are untrusted: any copy of a delimiter tag inside them is
        neutralised so the text cannot close its fence and pose as instructions."""
        missing = self.fields - fields.keys()
        extra = fields.keys() - self.fields
        if missing or extra:
            raise PromptError(
                f"prompt {self.id} takes fields {sorted(self.fields)}; "
                f"missing {sorted(missing)}, unexpected {sorted(extra)}"
            )
        safe = {key: neutralise(value, self.delimiter_tags) for key, value in fields.items()}
        # One pass over the template: a value containing "{article}" is never expanded again.
        return _PLACEHOLDER.sub(lambda m: safe[m.group(1)], self.user_template)

    def messages(self, **fields: str) -> list[dict[str, str]]:
        return [
            {"role": "system", "content": self.system},
            {"role": "user", "content": self.render(**fields)},
        ]


def neutralise(text: str, tags: frozenset[str]) -> str:
    """Turn ``<article>``/``</article >``/``<ARTICLE x=1>`` (for each tag in ``tags``) into
    ``[article]``/``[/article]``: visible to the model, but no longer a fence."""
    if not tags:
        return text
    names = "|".join(re.escape(t) for t in sorted(tags))
    pattern = re.compile(rf"<\s*(/?)\s*({names})\b[^>]*>", re.IGNORECASE)
    return pattern.sub(lambda m: f"[{m.group(1)}{m.group(2)}]", text)


def _number(meta: dict[str, str], key: str, source: str, default: float | None) -> float | None:
    raw = meta.get(key)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise PromptError(f"{source}: header '{key}:' must be a number, got {raw!r}") from None
    if value < 0:
        raise PromptError(f"{source}: header '{key}:' must not be negative, got {raw!r}")
    return value


def _sampling(meta: dict[str, str], source: str) -> Sampling:
    defaults = Sampling()
    base = _number(meta, "output_base_tokens", source, defaults.output_base_tokens)
    per = _number(meta, "output_tokens_per_input_token", source, defaults.output_tokens_per_input_token)
    if not base:
        raise PromptError(f"{source}: header 'output_base_tokens:' must be at least 1")
    return Sampling(
        temperature=_number(meta, "temperature", source, None),
        output_base_tokens=int(base),
        output_tokens_per_input_token=float(per or 0.0),
    )


def _strip_comment(value: str) -> str:
    # "3   # why" -> "3": headers may explain their numbers.
    return value.split(" #", 1)[0].strip()


def parse_prompt(text: str, *, source: str = "<string>", schema: dict[str, Any] | None = None) -> Prompt:
    """Parse a prompt file's text. ``schema`` is the parsed file its header names (``load_prompt``
    reads it); a header naming a schema that was not given is an error."""
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        raise PromptError(f"{source}: must start with a '---' front-matter header")
    try:
        header, body = text[4:].split("\n---\n", 1)
    except ValueError:
        raise PromptError(f"{source}: front-matter header is not closed with '---'") from None
    meta: dict[str, str] = {}
    for line in header.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise PromptError(f"{source}: header line {line!r} is not 'key: value'")
        meta[key.strip()] = _strip_comment(value).strip("'\"")
    name, version = meta.get("name", ""), meta.get("version", "")
    if not _NAME.match(name):
        raise PromptError(f"{source}: header needs 'name:' (lowercase letters, digits, - or _), got {name!r}")
    if not _VERSION.match(version):
        raise PromptError(f"{source}: header needs 'version:' (e.g. 1 or 2.1), got {version!r}")

    parts = _SECTION.split(body)
    # parts: [preamble, "system", text, "user", text]
    sections = dict(zip(parts[1::2], parts[2::2], strict=True))
    if parts[1::2] != ["system", "user"]:
        raise PromptError(f"{source}: needs exactly one '## system' then one '## user' section")
    system, user = sections["system"].strip(), sections["user"].strip()
    if not system or not user:
        raise PromptError(f"{source}: the system and user sections must not be empty")
    if not _PLACEHOLDER.search(user):
        raise PromptError(f"{source}: the user template has no {{placeholder}} for the input")
    if meta.get("schema") and schema is None:
        raise PromptError(f"{source}: header names schema {meta['schema']!r} but it was not loaded")
    return Prompt(
        name=name, version=version, system=system, user_template=user, sampling=_sampling(meta, source), schema=schema
    )


_SCHEMA_FILE = re.compile(r"^[a-z0-9][a-z0-9_.-]*\.json$")


def _schema_for(text: str, directory: Path, source: str) -> dict[str, Any] | None:
    """The JSON schema file named by the header's ``schema:`` line, read from the prompt's directory."""
    found = re.search(r"^schema:\s*(\S+)", text.split("\n---", 1)[0], re.MULTILINE)
    if not found:
        return None
    name = found.group(1).strip("'\"")
    if not _SCHEMA_FILE.match(name):
        raise PromptError(f"{source}: schema {name!r} must be a .json file name next to the prompt")
    path = directory / name
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PromptError(f"{source}: schema file {path} not found") from None
    except ValueError as exc:
        raise PromptError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(schema, dict) or schema.get("type") != "object":
        raise PromptError(f"{path}: a response schema must be a JSON object schema")
    return schema


@cache
def load_prompt(name: str) -> Prompt:
    """Load ``<name>.md`` from the packaged prompts, else the checkout's. Cached per process."""
    if not _NAME.match(name):
        raise PromptError(f"invalid prompt name {name!r}")
    for directory in PROMPT_DIRS:
        path = directory / f"{name}.md"
        if path.is_file():
            text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
            prompt = parse_prompt(text, source=str(path), schema=_schema_for(text, directory, str(path)))
            if prompt.name != name:
                raise PromptError(f"{path}: header says name {prompt.name!r}, expected {name!r}")
            return prompt
    searched = ", ".join(str(d) for d in PROMPT_DIRS)
    raise PromptError(f"prompt {name!r} not found (looked for {name}.md in {searched})")
