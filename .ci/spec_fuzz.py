"""The spec generator: seeded random OpenAPI 3.0.3 grafts for plivo-phlo.

Each seed draws operations from the grammar of every construct CONTRIBUTING
("What the spec model accepts" / "Refused") lists, in every position the
spec model has: path and query parameters, top-level and nested request body
fields, answers (top level, nested objects, objects inside list items) and
callback bodies; each construct required or optional, nullable or not. Every
value it writes (parameter and body examples, answer examples) fits the
rules it drew, so MockPhlo's answers and the client's requests must pass the
oracle (Prism, reading the spec alone).

Every fourth seed also has a *refusal variant*: the same graft
plus one construct the model refuses, with the words the build must say.

Commands (stdout is JSON or YAML; nothing else is written):
  graft SEED [SEED ...] [--drop PATH ...]   the merged graft {paths, schemas}
  refusal SEED                              {"graft": .., "expect": ..} or null
  atoms SEED                                the paths --drop can remove
  matrix SEED [SEED ...]                    construct x position counts
  yaml SEED [--drop PATH ...]               one seed's graft as YAML

This file shares no code with the crate: it writes specs and knows the
rules of OpenAPI, not the crate's model.
"""

import copy
import json
import random
import sys

# ---------------------------------------------------------------- grammar --

# Patterns as Plivo writes them, each with a value it matches.
PATTERNS = [
    ("^(MA|SA)[A-Z0-9]{18}$", "MAXXXXXXXXXXXXXXXXXX"),
    (
        "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$",
        "2020-06-03 10:48:43+00:00",
    ),
    ("^[0-9#*]$", "5"),
    ("^[a-z]{2}-[A-Z]{2}$", "en-US"),
    ("^[A-Za-z0-9_-]{1,32}$", "queue_7"),
    ("^\\+?[1-9][0-9]{6,14}$", "+14155550100"),
]
ENUMS = [
    ["in-progress", "completed", "failed"],
    ["0", "1", "2", "#", "*"],
    ["Agent", "agent", "AGENT"],
    ["", "-", ".", "on"],
    ["mp3", "wav"],
    ["self", "type", "crate"],
]
NAMES = [
    "limit", "offset", "status", "end_time__gt", "end_time_gt", "camelCase",
    "kebab-name", "type", "self", "a_b", "a__b", "Capital", "callback_url",
    "answer_time", "country_iso", "auth_id", "language", "count", "name",
    "id", "ref", "fn", "body", "match", "x9", "9lives", "tags", "value",
]
UUIDS = ["3f1d6a52-8c1e-4b7a-9d2f-0e5c7b8a9f10", "0b7e0c2a-3d4f-4e5a-8b6c-7d8e9f0a1b2c"]

# Every construct, and where it may stand. "scalar" constructs may be
# parameters; the others are body, answer and callback fields only.
SCALAR = ["string", "pattern", "length", "enum", "uuid", "date-time", "date",
          "uri", "email", "integer", "number", "boolean", "ref", "allof"]
FIELD = SCALAR + ["array", "map", "object", "free-object", "oneof"]
PATH_OK = ["string", "pattern", "enum", "uuid", "integer", "ref"]

REFUSALS = [
    "header-parameter", "cookie-parameter", "default-response", "path-array",
    "object-parameter", "style", "explode", "content-parameter",
    "form-body", "server-variables", "bad-pattern", "two-placeholders",
    "rust-name-clash", "openapi-type", "array-without-items",
    "mixed-2xx", "answer-pattern", "answer-oneof",
]


def grammar_tables():
    """The accepted and refused constructs CONTRIBUTING lists (its
    "Constructs" tables, between `<!-- grammar: ... -->` markers)."""
    import os
    import re
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "CONTRIBUTING.md")
    text = open(path, encoding="utf-8").read()
    tables = {}
    for kind in ("accepted", "refused"):
        m = re.search(rf"<!-- grammar: {kind} -->\n(.*?)<!-- /grammar -->", text, re.S)
        if not m:
            raise SystemExit(f"CONTRIBUTING.md: no `<!-- grammar: {kind} -->` table")
        tables[kind] = set(re.findall(r"^\| `([a-z0-9-]+)` \|", m.group(1), re.M))
    return tables


def check_grammar():
    """The generator draws exactly what CONTRIBUTING says: one place."""
    tables = grammar_tables()
    for kind, mine in (("accepted", set(FIELD)), ("refused", set(REFUSALS))):
        listed = tables[kind]
        if listed != mine:
            raise SystemExit(
                f"CONTRIBUTING.md's {kind} constructs and .ci/spec_fuzz.py's grammar differ: "
                f"listed only in CONTRIBUTING: {sorted(listed - mine)}; "
                f"only in the generator: {sorted(mine - listed)}")


class Seed:
    """One seed's graft: operations and component schemas, with values."""

    def __init__(self, seed):
        self.seed = seed
        self.r = random.Random(seed)
        self.p = f"Fz{seed}"
        self.schemas = {}
        self.values = {}  # component name -> a value maker
        self.n = 0
        self.paths = {}
        self.seen = []  # (construct, position, nullable) drawn

    # -- helpers
    def name(self, stem):
        self.n += 1
        return f"{self.p}{stem}{self.n}"

    def pick(self, seq):
        return self.r.choice(seq)

    def chance(self, p):
        return self.r.random() < p

    # -- schemas: each returns (schema, value maker) where the maker gives a
    # value that fits, or None when it may give null.
    def schema(self, construct, position, depth=0, nullable=None):
        if nullable is None:
            nullable = self.chance(0.3)
        self.seen.append((construct, position, nullable))
        s, make = getattr(self, "s_" + construct.replace("-", "_"))(position, depth)
        null_ok = nullable
        if nullable:
            if "$ref" in s:
                s = {"allOf": [s], "nullable": True}
            else:
                s["nullable"] = True
            # OpenAPI 3.0.3: `nullable` adds null to the schema's own type;
            # an enum lists null itself, and the rules of an `allOf` still
            # hold, so only a value goes there (the crate takes null too).
            if "enum" in s:
                s["enum"] = s["enum"] + [None]
            if "allOf" in s or "oneOf" in s:
                null_ok = False
        if self.chance(0.3) and "$ref" not in s:
            s["description"] = f"A {construct} ({position})."
        return s, make, null_ok

    def s_string(self, pos, d):
        # A query or path value is never empty (allowEmptyValue is false).
        texts = ["drill", "a b", "ünï"] + ([] if pos.startswith(("path", "query")) else ["x/y", ""])
        return {"type": "string"}, lambda: self.pick(texts)

    def s_pattern(self, pos, d):
        pattern, example = self.pick(PATTERNS)
        s = {"type": "string", "pattern": pattern}
        # Outside parameters a pattern has its example (no answer can be
        # made up for it: the refusal variant "answer-pattern" checks that).
        if self.chance(0.7) or not pos.startswith(("path", "query")):
            s["example"] = example
        return s, lambda: example

    def s_length(self, pos, d):
        # A path or query value is never empty.
        lo = self.r.randint(1 if pos.startswith(("path", "query")) else 0, 3)
        hi = lo + self.r.randint(0, 4)
        s = {"type": "string"}
        if self.chance(0.8):
            s["minLength"] = lo
        if self.chance(0.8) or "minLength" not in s:
            s["maxLength"] = hi
        return s, lambda: "Q" * max(lo, 1) if max(lo, 1) <= hi else "Q" * lo

    def s_enum(self, pos, d):
        values = self.pick(ENUMS)
        s = {"type": "string", "enum": list(values)}
        # A path segment cannot be empty or a dot; a query value cannot be
        # empty (OpenAPI's allowEmptyValue is false by default).
        if pos in ("path", "query", "query-item", "query-component", "path-component"):
            values = [v for v in values if v not in ("", ".", "-")] or ["on"]
            s["enum"] = values
        if self.chance(0.2):
            s["x-enum-varnames"] = [f"V{i}x" for i in range(len(values))]
        return s, lambda: self.pick(values)

    def s_uuid(self, pos, d):
        return {"type": "string", "format": "uuid"}, lambda: self.pick(UUIDS)

    def s_date_time(self, pos, d):
        return {"type": "string", "format": "date-time"}, lambda: self.pick(
            ["2020-06-03T10:48:43Z", "2020-06-03 10:48:43+00:00"])

    def s_date(self, pos, d):
        return {"type": "string", "format": "date"}, lambda: "2020-06-03"

    def s_uri(self, pos, d):
        return {"type": "string", "format": "uri"}, lambda: "https://example.com/hook?x=1"

    def s_email(self, pos, d):
        return {"type": "string", "format": "email"}, lambda: "ops@example.com"

    def s_integer(self, pos, d):
        fmt = self.pick([None, "int32", "int64", "uint32", "uint64"])
        s = {"type": "integer"}
        if fmt:
            s["format"] = fmt
        step = self.pick([None, None, 2, 5])
        lo = self.r.randint(0 if fmt and fmt.startswith("u") else -5, 20)
        hi = lo + self.r.randint(2, 40) + 2 * (step or 0)
        if self.chance(0.6):
            s["minimum"] = lo
            if self.chance(0.3):
                s["exclusiveMinimum"] = True
        if self.chance(0.6):
            s["maximum"] = hi
            if self.chance(0.3):
                s["exclusiveMaximum"] = True
        if step:
            s["multipleOf"] = step

        def make():
            for v in range(lo, hi + 1):
                if "minimum" in s and (v < lo or (s.get("exclusiveMinimum") and v == lo)):
                    continue
                if "maximum" in s and (v > hi or (s.get("exclusiveMaximum") and v == hi)):
                    continue
                if fmt and fmt.startswith("u") and v < 0:
                    continue
                if step and v % step:
                    continue
                if v == 0 and self.chance(0.5):
                    continue
                return v
            raise AssertionError(f"no integer fits {s}")
        return s, make

    def s_number(self, pos, d):
        s = {"type": "number"}
        if self.chance(0.5):
            s["format"] = self.pick(["float", "double"])
        lo = self.r.randint(-3, 5)
        hi = lo + self.r.randint(2, 9)
        if self.chance(0.6):
            s["minimum"] = lo
            s["exclusiveMinimum"] = self.chance(0.3)
        if self.chance(0.6):
            s["maximum"] = hi
            s["exclusiveMaximum"] = self.chance(0.3)
        # x.5: a float in JSON both ways.
        return s, lambda: lo + 0.5

    def s_boolean(self, pos, d):
        return {"type": "boolean"}, lambda: self.chance(0.5)

    def s_ref(self, pos, d):
        """A named component of a scalar construct (perhaps nullable there)."""
        inner = self.pick([c for c in SCALAR if c not in ("ref", "allof")] +
                          (["object", "array", "map"] if pos not in ("path", "query") else []))
        if pos == "path":
            inner = self.pick(["string", "pattern", "enum", "uuid", "integer"])
        name = self.name("C" + inner.title().replace("-", ""))
        s, make, nullable = self.schema(inner, pos + "-component", d + 1,
                                        nullable=self.chance(0.25) and pos not in ("path", "query"))
        self.schemas[name] = s
        return {"$ref": f"#/components/schemas/{name}"}, (lambda: None) if nullable and self.chance(0.3) else make

    def s_allof(self, pos, d):
        ref, make = self.s_ref(pos, d)
        return {"allOf": [ref], "description": "One schema, described here."}, make

    def s_array(self, pos, d):
        item = self.pick([c for c in SCALAR if c != "allof"] + (["object"] if d < 2 else []))
        if pos == "query":
            item = self.pick(["string", "enum", "integer", "uuid", "pattern"])
        s_item, make_item, _ = self.schema(item, pos + "-item", d + 1,
                                           nullable=False if pos == "query" else None)
        s = {"type": "array", "items": s_item}
        lo = self.r.randint(0, 2)
        hi = lo + self.r.randint(0, 3)
        if self.chance(0.5):
            s["minItems"] = lo
        if self.chance(0.5):
            s["maxItems"] = max(hi, 1)

        def make():
            n = max(lo, 1) if max(lo, 1) <= max(hi, 1) else lo
            return [make_item() for _ in range(n)]
        return s, make

    def s_map(self, pos, d):
        value = self.pick(["string", "integer", "length", "enum", "number"])
        s_value, make_value, _ = self.schema(value, pos + "-value", d + 1, nullable=False)
        return ({"type": "object", "additionalProperties": s_value},
                lambda: {"k1": make_value(), "k 2": make_value()})

    def s_free_object(self, pos, d):
        return {"type": "object"}, lambda: {"any": [1, "two", None]}

    def s_oneof(self, pos, d):
        # With its example: no answer can be made up for a oneOf (the
        # refusal variant "answer-oneof" checks that).
        return ({"oneOf": [{"type": "string"}, {"type": "integer"}], "example": "one"},
                lambda: self.pick(["one", 7]))

    def s_object(self, pos, d):
        return self.object(pos, d + 1, self.r.randint(1, 4))

    def object(self, pos, depth, count):
        props, required, makers = {}, [], {}
        for _ in range(count):
            wire = self.pick([n for n in NAMES if n not in props])
            construct = self.pick(FIELD if depth < 3 else SCALAR)
            s, make, nullable = self.schema(construct, pos, depth)
            props[wire] = s
            req = self.chance(0.5)
            if req:
                required.append(wire)
            makers[wire] = (make, req, nullable)
        s = {"type": "object", "properties": props}
        if required:
            s["required"] = required

        def make():
            out = {}
            for wire, (m, req, nullable) in makers.items():
                if not req and self.chance(0.3):
                    continue
                value = None if nullable and self.chance(0.4) else m()
                # null goes on the wire only for a required field: an
                # optional one that is None is left out of a request.
                if value is None and pos.startswith("request") and not req:
                    continue
                out[wire] = value
            return out
        return s, make

    # -- operations
    def parameter(self, location, taken):
        wire = self.pick([n for n in NAMES if n not in taken and n != "body"])
        taken.add(wire)
        construct = self.pick(PATH_OK if location == "path" else SCALAR + ["array"])
        # Prism (the oracle) does not read a nullable array from the query.
        s, make, _ = self.schema(construct, location, 0,
                                 nullable=False if location == "path" or construct == "array" else None)
        required = location == "path" or self.chance(0.4)
        p = {"name": wire, "in": location, "required": required, "schema": s}
        if self.chance(0.4):
            p["description"] = f"The {wire}."
        # Plivo writes examples on the parameter; some have none.
        value = make()
        if value is not None and self.chance(0.5) and not isinstance(value, list):
            p["example"] = value
        return p

    def operation(self, i):
        method = self.pick(["get", "get", "post", "post", "put", "patch", "delete"])
        op_id = self.pick([f"fz{self.seed}_op{i}", f"fz{self.seed}Op{i}", f"Fz{self.seed}.Op{i}"])
        taken = set()
        params = []
        segments = [f"fz{self.seed}", f"o{i}"]
        for _ in range(self.r.randint(0, 2)):
            p = self.parameter("path", taken)
            params.append(p)
            segments.append(self.pick(["{%s}", "name_{%s}", "{%s}.json"]) % p["name"])
            if self.chance(0.3):
                segments.append("Lit")
        for _ in range(self.r.randint(0, 3)):
            params.append(self.parameter("query", taken))
        path = "/" + "/".join(segments) + self.pick(["", "/"])
        op = {
            "operationId": op_id,
            "tags": self.tags(i) if self.chance(0.8) else [],
            "summary": f"Fuzz operation {i} of seed {self.seed}",
            "parameters": params,
            "responses": {},
        }
        if not op["tags"]:
            del op["tags"]
        if method != "get" and (method != "delete" or self.chance(0.5)):
            s, make = self.object("request", 0, self.r.randint(1, 5))
            if self.chance(0.5):
                name = self.name("Body")
                self.schemas[name] = s
                s = {"$ref": f"#/components/schemas/{name}"}
            required = self.chance(0.7)
            body = {"required": required, "content": {"application/json": {"schema": s}}}
            # The table-driven test builds a body only from top-level
            # scalars; nested ones need the spec's example.
            body["content"]["application/json"]["example"] = make()
            op["requestBody"] = body
        status = self.pick(["200", "200", "201", "202", "204"])
        if status == "204":
            op["responses"]["204"] = {"description": "No body."}
        else:
            shape = self.pick(["object", "object", "list"])
            if shape == "list":
                item, make_item = self.object("answer-list", 1, self.r.randint(1, 3))
                answer, make_answer = (
                    {"type": "object", "required": ["objects"],
                     "properties": {"api_id": {"type": "string"},
                                    "objects": {"type": "array", "items": item}}},
                    lambda: {"api_id": "fuzz", "objects": [make_item(), make_item()]})
            else:
                answer, make_answer = self.object("answer", 0, self.r.randint(1, 5))
            if self.chance(0.5):
                name = self.name("Answer")
                self.schemas[name] = answer
                answer = {"$ref": f"#/components/schemas/{name}"}
            media = {"schema": answer}
            if self.chance(0.8):
                media["example"] = make_answer()
            op["responses"][status] = {"description": "The answer.", "content": {"application/json": media}}
        op["responses"]["4XX"] = {"$ref": "#/components/responses/ClientError"}
        if self.chance(0.2):
            event, _ = self.object("callback", 0, self.r.randint(1, 4))
            op["callbacks"] = {f"fz{self.seed}Event{i}": {
                "{$request.body#/callback_url}": {"post": {
                    "requestBody": {"required": True, "content": {"application/json": {"schema": event}}},
                    "responses": {"200": {"description": "Received."}}}}}}
        self.paths.setdefault(path, {})[method] = op

    def tags(self, i):
        """An operation's tags: its seed's, a tag shared across seeds, or
        one of the crate's own as well (each a Cargo feature). Drawn from
        a generator of their own, so the rest of a seed's graft is what it
        was before tags varied."""
        own = random.Random(f"{self.seed}-{i}-tags")
        return own.choice([
            [f"fuzz {self.seed}"],
            [f"fuzz {self.seed}"],
            ["Fuzz: shared"],
            [f"fuzz {self.seed}", "multi_party_call"],
        ])

    def build(self):
        for i in range(self.r.randint(4, 8)):
            self.operation(i)
        return {"paths": self.paths, "schemas": self.schemas}


def graft(seed):
    s = Seed(seed)
    return s.build(), s


# ------------------------------------------------------------- refusals --

def refusal(seed):
    """One refused construct in seed's graft, and what the build must say."""
    # Every fourth seed, the refused constructs in turn: any 72 seeds in a
    # row cover them all.
    if seed % 4:
        return None
    g, _ = graft(seed)
    kind = REFUSALS[(seed // 4) % len(REFUSALS)]
    path = sorted(g["paths"])[0]
    method = sorted(g["paths"][path])[0]
    op = g["paths"][path][method]
    oid = op["operationId"]
    params = op.setdefault("parameters", [])
    expect = None
    if kind in ("header-parameter", "cookie-parameter"):
        where = kind.split("-")[0]
        params.append({"name": "X-Fuzz", "in": where, "schema": {"type": "string"}})
        expect = f'operation {oid}: parameter X-Fuzz is in "{where}"'
    elif kind == "default-response":
        op["responses"]["default"] = {"description": "Anything else."}
        expect = f"operation {oid}: `default` responses are not supported"
    elif kind == "path-array":
        path2 = path.rstrip("/") + "/{fzlist}"
        g["paths"][path2] = {"get": {
            "operationId": f"fz{seed}_list_path", "parameters": [
                {"name": "fzlist", "in": "path", "required": True,
                 "schema": {"type": "array", "items": {"type": "string"}}}],
            "responses": {"204": {"description": "None."}}}}
        expect = f"operation fz{seed}_list_path: parameter fzlist is an array in the path"
    elif kind == "object-parameter":
        params.append({"name": "fzobj", "in": "query", "schema": {
            "type": "object", "properties": {"a": {"type": "string"}}}})
        expect = f"operation {oid}: parameter fzobj is an object"
    elif kind == "style":
        params.append({"name": "fzstyle", "in": "query", "style": "spaceDelimited",
                       "schema": {"type": "array", "items": {"type": "string"}}})
        expect = f'operation {oid}: parameter fzstyle has style "spaceDelimited"'
    elif kind == "explode":
        params.append({"name": "fzexp", "in": "query", "explode": False,
                       "schema": {"type": "array", "items": {"type": "string"}}})
        expect = f"operation {oid}: parameter fzexp has `explode: false`"
    elif kind == "content-parameter":
        params.append({"name": "fzc", "in": "query", "content": {
            "application/json": {"schema": {"type": "string"}}}})
        expect = f"operation {oid}: parameter fzc uses `content`"
    elif kind == "form-body":
        op["requestBody"] = {"content": {"application/x-www-form-urlencoded": {
            "schema": {"type": "object", "properties": {"a": {"type": "string"}}}}}}
        expect = f"operation {oid}: the request body is application/x-www-form-urlencoded"
    elif kind == "server-variables":
        op["servers"] = [{"url": "https://{region}.plivo.com/v1",
                          "variables": {"region": {"default": "api"}}}]
        expect = f'operation {oid}: server "https://{{region}}.plivo.com/v1" has variables'
    elif kind == "bad-pattern":
        g["schemas"][f"Fz{seed}BadPattern"] = {"type": "string", "pattern": "^([0-9]$"}
        expect = f"schema Fz{seed}BadPattern: pattern"
    elif kind == "two-placeholders":
        g["paths"][f"/fz{seed}/two/{{a}}{{b}}"] = {"get": {
            "operationId": f"fz{seed}_two", "parameters": [
                {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                for n in "ab"],
            "responses": {"204": {"description": "None."}}}}
        expect = "a segment holds one placeholder"
    elif kind == "rust-name-clash":
        g["schemas"][f"Fz{seed}Clash"] = {"type": "string"}
        g["schemas"][f"fz{seed}_clash"] = {"type": "string"}
        expect = "both become the Rust type"
    elif kind == "openapi-type":
        g["schemas"][f"Fz{seed}Null"] = {"type": "null"}
        expect = f"schema Fz{seed}Null: `type: null` is not an OpenAPI 3.0 type"
    elif kind == "array-without-items":
        g["schemas"][f"Fz{seed}NoItems"] = {"type": "array"}
        expect = f"schema Fz{seed}NoItems: an array needs `items`"
    elif kind in ("answer-pattern", "answer-oneof"):
        # An answer without an example whose required field no value can be
        # made up for.
        name, field, schema, words = {
            "answer-pattern": ("pattern", "code", {"type": "string", "pattern": "^[a-z]{2}$"},
                               "a required string with pattern"),
            "answer-oneof": ("oneof", "v", {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                             "a required oneOf/anyOf"),
        }[kind]
        g["paths"][f"/fz{seed}/{name}"] = {"get": {
            "operationId": f"fz{seed}_{name}",
            "responses": {"200": {"description": "No example.", "content": {"application/json": {
                "schema": {"type": "object", "required": [field], "properties": {field: schema}}}}}}}}
        expect = f"operation fz{seed}_{name}: answer.{field}: {words}"
    elif kind == "mixed-2xx":
        op["responses"]["299"] = {"description": "Other.", "content": {"application/json": {
            "schema": {"type": "object", "properties": {"other": {"type": "integer"}}}}}}
        expect = f"operation {oid}: responses"
    return {"graft": g, "kind": kind, "expect": expect}


# ------------------------------------------------------------ shrinking --

def atoms(g):
    """Every removable piece of a graft, as a path of keys."""
    out = []
    for path, item in g["paths"].items():
        for method, op in item.items():
            out.append(["paths", path, method])
            for i, _ in enumerate(op.get("parameters", [])):
                out.append(["paths", path, method, "parameters", i])
            for status, resp in op.get("responses", {}).items():
                schema = resp.get("content", {}).get("application/json", {}).get("schema", {})
                for name in schema.get("properties", {}):
                    out.append(["paths", path, method, "responses", status, "content",
                                "application/json", "schema", "properties", name])
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            for name in body.get("schema", {}).get("properties", {}):
                out.append(["paths", path, method, "requestBody", "content",
                            "application/json", "schema", "properties", name])
            if "callbacks" in op:
                out.append(["paths", path, method, "callbacks"])
    for name, schema in g["schemas"].items():
        for prop in schema.get("properties", {}):
            out.append(["schemas", name, "properties", prop])
    return out


def drop(g, paths):
    g = copy.deepcopy(g)
    # Deepest and highest index first, so earlier removals keep later paths.
    for path in sorted(paths, key=lambda p: (len(p), str(p)), reverse=True):
        node = g
        try:
            for k in path[:-1]:
                node = node[k]
            last = path[-1]
            if isinstance(node, list):
                node.pop(last)
            else:
                del node[last]
                # Its example would name a field that is gone.
            if path[-1] in ("properties",):
                pass
        except (KeyError, IndexError, TypeError):
            continue
        # A field removed: drop it from `required` and from examples.
        if len(path) >= 2 and path[-2] == "properties":
            parent = g
            for k in path[:-2]:
                parent = parent[k]
            if "required" in parent:
                parent["required"] = [r for r in parent["required"] if r != path[-1]]
                if not parent["required"]:
                    del parent["required"]
    _strip_examples(g)
    g["paths"] = {k: v for k, v in g["paths"].items() if v}
    return g


def _strip_examples(node):
    """A shrunk graft's media examples may name removed fields: drop them."""
    if isinstance(node, dict):
        if "schema" in node and "example" in node and isinstance(node["example"], dict):
            props = node["schema"].get("properties")
            if props is not None:
                node["example"] = {k: v for k, v in node["example"].items() if k in props}
        for v in node.values():
            _strip_examples(v)
    elif isinstance(node, list):
        for v in node:
            _strip_examples(v)


def referenced(g):
    """Schemas no longer referenced are removed (a shrunk graft stays tidy)."""
    text = json.dumps(g["paths"])
    keep = set()
    frontier = [n for n in g["schemas"] if f"/schemas/{n}\"" in text]
    while frontier:
        n = frontier.pop()
        if n in keep:
            continue
        keep.add(n)
        inner = json.dumps(g["schemas"][n])
        frontier += [m for m in g["schemas"] if f"/schemas/{m}\"" in inner]
    g["schemas"] = {k: v for k, v in g["schemas"].items() if k in keep}
    return g


def merged(seeds, drops=()):
    out = {"paths": {}, "schemas": {}}
    for seed in seeds:
        g, _ = graft(seed)
        out["paths"].update(g["paths"])
        out["schemas"].update(g["schemas"])
    if drops:
        out = referenced(drop(out, drops))
    return out


def matrix(seeds):
    counts = {}
    for seed in seeds:
        _, s = graft(seed)
        for construct, position, nullable in s.seen:
            position = position.replace("-component", "").replace("-item", " item").replace("-value", " value")
            key = (construct + (" nullable" if nullable else ""), position)
            counts[key] = counts.get(key, 0) + 1
    return counts


def main(argv):
    check_grammar()
    cmd, args = argv[1], argv[2:]
    drops = []
    if "--drop" in args:
        at = args.index("--drop")
        drops = [json.loads(d) for d in args[at + 1:]]
        args = args[:at]
    seeds = [int(a) for a in args]
    if cmd == "graft":
        json.dump(merged(seeds, drops), sys.stdout)
    elif cmd == "yaml":
        g = merged(seeds, drops)
        try:
            import yaml
            sys.stdout.write(yaml.safe_dump(g, sort_keys=False, allow_unicode=True, width=1000))
        except ImportError:  # the system Python has no PyYAML: JSON is YAML too
            json.dump(g, sys.stdout, indent=2, ensure_ascii=False)
    elif cmd == "refusal":
        json.dump(refusal(seeds[0]), sys.stdout)
    elif cmd == "atoms":
        json.dump(atoms(graft(seeds[0])[0]), sys.stdout)
    elif cmd == "matrix":
        rows = matrix(seeds)
        positions = sorted({p for _, p in rows})
        constructs = sorted({c for c, _ in rows})
        json.dump({"positions": positions, "constructs": constructs,
                   "counts": {f"{c} @ {p}": n for (c, p), n in sorted(rows.items())}}, sys.stdout)
    else:
        raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)
