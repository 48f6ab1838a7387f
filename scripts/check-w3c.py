#!/usr/bin/env python3
"""Check a newsdb annotation export against the W3C Web Annotation MUST assertions.

Usage:
    python3 scripts/check-w3c.py EXPORT.json [--tests DIR] [--verbose]

EXPORT.json is a file, or "-" for standard input. It holds either one
Annotation, or an AnnotationCollection whose "first" is an embedded
AnnotationPage with "items" (a bare AnnotationPage is accepted too). Pages
chained through "next" are followed when "next" is an embedded object; a "next"
(or "first") given only as a URI cannot be followed, and a warning says so on
stderr. Annotations referenced only by URI in "items" are likewise reported as
not checked.

DIR is the W3C test-assertion folder (a copy of w3c/web-annotation-tests);
it defaults to <repo>/../shared/w3c-annotation-tests. If it is missing, one
line is printed to stderr and the exit status is 2.

What is checked (each pair "object x assertion" is one check):

* every annotation against every assertion listed in
  annotations/annotationMusts.test;
* the AnnotationCollection against every assertion listed in
  collections/collectionMusts.test (that listing exists, so it is applied);
* every embedded AnnotationPage against every assertion listed in
  collections/pages/pageMusts.test. An embedded page usually has no
  "@context" of its own; as in JSON-LD it then inherits the context of the
  document that embeds it, and is validated with that context filled in.

Each assertion's "expectedResult" is honoured: "valid" passes when the object
validates, "invalid" passes when it does not. (All MUST assertions in the suite
are "valid"/"failAndContinue"; the "optional"/"should"/"may" listings are not
loaded.)

Schemas are draft-04. Every assertion file gets its real file URI as base; its
"id" and "$ref"s are resolved against that, so "collections.json#/definitions/x"
is looked up first next to the assertion itself and then in definitions/, which
is where all the shared definitions live. All "$ref"s reachable from the loaded
assertions are resolved once at start-up, and an unresolvable one is a setup
error (exit 2) rather than a silent pass. Nothing is fetched from the network.

The suite uses the formats "uri" and "date-time". jsonschema only checks "uri"
when the optional rfc3987 package is installed, so both are checked here with
the standard library: "uri" is an absolute RFC 3986 URI (scheme required,
fragment allowed), "date-time" is an RFC 3339 date-time with a time offset.

Output: one line per failed check,
    annotation <id>: <assertion file>: <its errorMessage>
(or "collection <id>: ..." / "page <id>: ..."; objects without an id are named
by their position, e.g. "annotation first.items[1]"), then the summary line
    N passed, M failed
Exit status: 0 if nothing failed, 1 if a check failed, 2 for usage errors,
an unreadable export or an unusable test folder. --verbose adds, on stderr,
jsonschema's best guess at why each failing check failed.

Dependencies: Python 3.11 standard library, jsonschema, referencing.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import re
import sys
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import url2pathname

import jsonschema
import referencing
import referencing.exceptions
from referencing.jsonschema import DRAFT4

ANNOTATION_MUSTS = "annotations/annotationMusts.test"
COLLECTION_MUSTS = "collections/collectionMusts.test"
PAGE_MUSTS = "collections/pages/pageMusts.test"
DEFINITIONS = "definitions"


class SetupError(Exception):
    """The test folder or the export cannot be used; exit status 2."""


# --------------------------------------------------------------------------
# Formats ("uri" and "date-time"), standard library only.

_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+\-.]*")
_PATH_RE = re.compile(rf"(?:{_PCHAR}|/)*")
_QUERY_RE = re.compile(rf"(?:{_PCHAR}|[/?])*")
_USERINFO_RE = re.compile(rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*")
_REGNAME_RE = re.compile(rf"(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})*")
_IPVFUTURE_RE = re.compile(rf"v[0-9A-Fa-f]+\.[{_UNRESERVED}{_SUB_DELIMS}:]+")


def _valid_ipv6(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def is_uri(instance: object) -> bool:
    """RFC 3986 "URI" (absolute: scheme ":" hier-part ["?" query] ["#" fragment])."""
    if not isinstance(instance, str):
        return True  # formats only constrain strings
    scheme, colon, rest = instance.partition(":")
    if not colon or not _SCHEME_RE.fullmatch(scheme):
        return False
    rest, hash_, fragment = rest.partition("#")
    if hash_ and not _QUERY_RE.fullmatch(fragment):
        return False
    rest, _, query = rest.partition("?")
    if not _QUERY_RE.fullmatch(query):
        return False
    if rest.startswith("//"):
        authority, slash, path = rest[2:].partition("/")
        path = slash + path
        userinfo, at, hostport = authority.rpartition("@")
        if at and not _USERINFO_RE.fullmatch(userinfo):
            return False
        if hostport.startswith("["):
            host, bracket, port = hostport[1:].partition("]")
            if not bracket:
                return False
            if not (_valid_ipv6(host) or _IPVFUTURE_RE.fullmatch(host)):
                return False
            if port and not re.fullmatch(r":[0-9]*", port):
                return False
        else:
            host, _, port = hostport.partition(":")
            if not _REGNAME_RE.fullmatch(host) or not re.fullmatch(r"[0-9]*", port):
                return False
    else:
        path = rest
        if path.startswith("//"):
            return False
    return bool(_PATH_RE.fullmatch(path))


_DATE_TIME_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?"
    r"(?:[Zz]|([+-])(\d{2}):(\d{2}))"
)


def is_date_time(instance: object) -> bool:
    """RFC 3339 date-time (section 5.6), time offset required."""
    if not isinstance(instance, str):
        return True
    m = _DATE_TIME_RE.fullmatch(instance)
    if not m:
        return False
    year, month, day, hour, minute, second = (int(g) for g in m.group(1, 2, 3, 4, 5, 6))
    try:
        _dt.date(year, month, day)
    except ValueError:
        return False
    if hour > 23 or minute > 59 or second > 60:  # 60: leap second
        return False
    if m.group(8) and (int(m.group(9)) > 23 or int(m.group(10)) > 59):
        return False
    return True


def make_format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("uri")(is_uri)
    checker.checks("date-time")(is_date_time)
    return checker


# --------------------------------------------------------------------------
# Loading the assertions.


def load_json(path: Path) -> object:
    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    except OSError as exc:
        raise SetupError(f"cannot read {path}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise SetupError(f"{path} is not valid JSON: {exc}") from None


class Suite:
    """The assertion schemas of one test folder, with one shared registry.

    Build it with the listings to load, then call assertions(listing)."""

    def __init__(self, tests_dir: Path, listings: list[str]):
        self.root = tests_dir.resolve()
        self.definitions = self.root / DEFINITIONS
        if not self.definitions.is_dir():
            raise SetupError(f"{self.definitions} is missing (not a W3C annotation test folder?)")
        self.format_checker = make_format_checker()
        self.unknown_formats: set[str] = set()
        self._real_path: dict[str, Path] = {}  # retrieved URI -> file it came from

        resources = []
        for path in sorted(self.definitions.glob("*.json")):
            resources.append((path.as_uri(), DRAFT4.create_resource(load_json(path))))

        # listing -> [(name, schema, uri)]
        self._listed: dict[str, list[tuple[str, dict, str]]] = {}
        for listing in listings:
            entries = []
            for name in self._names_in(listing):
                path = self.root / name
                schema = load_json(path)
                if not isinstance(schema, dict):
                    raise SetupError(f"{path} is not a JSON schema object")
                if schema.get("expectedResult", "valid") not in ("valid", "invalid"):
                    raise SetupError(f"{path}: unknown expectedResult {schema.get('expectedResult')!r}")
                uri = path.resolve().as_uri()
                resources.append((uri, DRAFT4.create_resource(schema)))
                entries.append((name, schema, uri))
            self._listed[listing] = entries

        registry = referencing.Registry(retrieve=self._retrieve).with_resources(resources)
        self.registry = registry.crawl()
        for entries in self._listed.values():
            for _, _, uri in entries:
                self._check_refs(uri)
        self.registry = self.registry.crawl()

    def _names_in(self, listing: str) -> list[str]:
        path = self.root / listing
        data = load_json(path)
        names = data.get("assertions") if isinstance(data, dict) else None
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise SetupError(f"{path} has no \"assertions\" list")
        return names

    def _retrieve(self, uri: str) -> referencing.Resource:
        """Load a schema that a $ref names but that is not registered yet:
        the file itself if it exists inside the test folder (i.e. relative to
        the referring schema's own folder), else the file of the same name in
        definitions/. Nothing outside the test folder, nothing from the network."""
        parts = urlsplit(uri)
        if parts.scheme != "file" or parts.query or parts.netloc not in ("", "localhost"):
            raise referencing.exceptions.NoSuchResource(ref=uri)
        path = Path(url2pathname(parts.path))
        for candidate in (path, self.definitions / path.name):
            try:
                candidate.resolve().relative_to(self.root)
            except ValueError:
                continue
            if candidate.is_file():
                self._real_path[uri] = candidate
                return DRAFT4.create_resource(load_json(candidate))
        raise referencing.exceptions.NoSuchResource(ref=uri)

    def _check_refs(self, uri: str) -> None:
        """Resolve every $ref reachable from the schema at uri, adding whatever
        had to be retrieved to the registry; SetupError if one cannot be resolved."""
        seen: set[str] = set()
        pending = [uri]
        while pending:
            doc_uri = pending.pop()
            if doc_uri in seen:
                continue
            seen.add(doc_uri)
            doc = self._get(doc_uri, doc_uri)
            doc_id = doc.id()  # draft-04 "id" is resolved against the file's URI
            stack = [(doc, urljoin(doc_uri, doc_id) if doc_id else doc_uri)]
            while stack:
                res, base = stack.pop()
                contents = res.contents
                if isinstance(contents, dict):
                    fmt = contents.get("format")
                    if isinstance(fmt, str) and fmt not in self.format_checker.checkers:
                        self.unknown_formats.add(fmt)
                    ref = contents.get("$ref")
                    if isinstance(ref, str):
                        target = urldefrag(urljoin(base, ref)).url
                        self._get(target, doc_uri)
                        try:
                            self.registry.resolver(base_uri=base).lookup(ref)
                        except (referencing.exceptions.NoSuchResource, referencing.exceptions.Unresolvable):
                            raise SetupError(f"{self._where(doc_uri)}: cannot resolve $ref {ref!r}") from None
                        pending.append(target)
                for sub in res.subresources():
                    sub_id = sub.id()
                    stack.append((sub, urljoin(base, sub_id) if sub_id else base))

    def _get(self, uri: str, referrer: str) -> referencing.Resource:
        try:
            retrieved = self.registry.get_or_retrieve(uri)
        except (referencing.exceptions.NoSuchResource, referencing.exceptions.Unresolvable):
            name = Path(url2pathname(urlsplit(uri).path)).name
            raise SetupError(
                f"{self._where(referrer)}: $ref target {name} found neither next to it nor in {self.definitions}"
            ) from None
        if retrieved.registry is not self.registry:
            self.registry = retrieved.registry.crawl()
        return retrieved.value

    def _where(self, uri: str) -> Path:
        return self._real_path.get(uri) or Path(url2pathname(urlsplit(uri).path))

    def assertions(self, listing: str) -> list["Assertion"]:
        result = []
        for name, schema, uri in self._listed[listing]:
            # The wrapper gives the assertion its real base URI even when its
            # root also holds a "$ref" (draft-04 then ignores the sibling "id").
            validator = jsonschema.Draft4Validator(
                {"$ref": uri},
                registry=self.registry,
                format_checker=self.format_checker,
            )
            message = schema.get("errorMessage") or schema.get("title") or "assertion failed"
            result.append(Assertion(name, schema.get("expectedResult", "valid") == "valid", message, validator))
        return result


class Assertion:
    def __init__(self, name: str, expect_valid: bool, message: str, validator):
        self.name = name
        self.expect_valid = expect_valid
        self.message = message
        self.validator = validator

    def check(self, instance: object) -> tuple[bool, str | None]:
        """(passed, detail-for-verbose)."""
        try:
            error = jsonschema.exceptions.best_match(self.validator.iter_errors(instance))
        except (referencing.exceptions.NoSuchResource, referencing.exceptions.Unresolvable) as exc:  # pre-checked
            raise SetupError(f"{self.name}: unresolvable reference during validation: {exc}") from None
        valid = error is None
        if valid == self.expect_valid:
            return True, None
        if error is None:
            return False, "validated, but this assertion expects the object to be invalid"
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        message = error.message if len(error.message) <= 300 else error.message[:297] + "..."
        return False, f"at {where}: {message}"


# --------------------------------------------------------------------------
# Walking the export.


def types_of(obj: dict) -> list:
    value = obj.get("type")
    return value if isinstance(value, list) else [value]


def label(kind: str, obj: object, where: str) -> str:
    if isinstance(obj, dict):
        ident = obj.get("id")
        if isinstance(ident, list) and len(ident) == 1:
            ident = ident[0]
        if isinstance(ident, str) and ident:
            return f"{kind} {ident}"
    return f"{kind} {where}"


def collect(document: dict, warn) -> tuple[list, list, list]:
    """Return (collections, pages, annotations) as lists of (label, object)."""
    collections, pages, annotations = [], [], []
    context = document.get("@context")

    def with_context(page: dict) -> dict:
        if "@context" in page or context is None:
            return page
        return {"@context": context, **page}

    def walk_pages(page: object, where: str) -> int:
        count = 0
        seen_ids = set()
        while page is not None:
            if isinstance(page, str):
                warn(f"{where} is the URI {page}; that page is not embedded, its annotations were not checked")
                break
            if not isinstance(page, dict):
                warn(f"{where} is neither an embedded page nor a URI; nothing there was checked")
                break
            pages.append((label("page", page, where), with_context(page)))
            ident = page.get("id")
            if isinstance(ident, str):
                if ident in seen_ids:
                    warn(f"{where}: page {ident} appears twice; stopping")
                    break
                seen_ids.add(ident)
            items = page.get("items")
            if isinstance(items, list):
                for i, item in enumerate(items):
                    item_where = f"{where}.items[{i}]"
                    if isinstance(item, str):
                        warn(f"{item_where} is the URI {item}; that annotation is not embedded and was not checked")
                    else:
                        annotations.append((label("annotation", item, item_where), item))
                        count += 1
            page = page.get("next")
            where = f"{where}.next"
        return count

    # Decided by "type"; an object whose type is wrong is still recognised
    # by its shape ("first" / "items"), so the type assertion reports it.
    kinds = types_of(document)
    untyped = "Annotation" not in kinds
    if "AnnotationCollection" in kinds or (untyped and "first" in document):
        collections.append((label("collection", document, "(top)"), document))
        first = document.get("first")
        if first is None:
            found = 0
        else:
            found = walk_pages(first, "first")
        total = document.get("total")
        if isinstance(total, list) and len(total) == 1:
            total = total[0]
        if isinstance(total, int) and not isinstance(total, bool) and total != found:
            warn(f"collection total is {total} but {found} embedded annotation(s) were found")
    elif "AnnotationPage" in kinds or (untyped and "items" in document):
        walk_pages(document, "(top)")
    else:
        annotations.append((label("annotation", document, "(top)"), document))
    return collections, pages, annotations


def read_export(name: str) -> object:
    try:
        if name == "-":
            return json.load(sys.stdin)
        with open(name, encoding="utf-8") as fh:
            return json.load(fh)
    except OSError as exc:
        raise SetupError(f"cannot read {name}: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SetupError(f"{name} is not valid JSON: {exc}") from None


def main(argv: list[str] | None = None) -> int:
    default_tests = (Path(__file__).resolve().parent.parent / ".." / "shared" / "w3c-annotation-tests").resolve()
    parser = argparse.ArgumentParser(
        prog="check-w3c.py",
        description="Validate a Web Annotation export against the W3C MUST assertions.",
    )
    parser.add_argument("export", metavar="EXPORT.json", help='the export to check, or "-" for stdin')
    parser.add_argument("--tests", metavar="DIR", type=Path, default=default_tests,
                        help="W3C web-annotation-tests folder (default: %(default)s)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="explain each failure on stderr")
    args = parser.parse_args(argv)

    def warn(text: str) -> None:
        print(f"warning: {text}", file=sys.stderr)

    tests_dir: Path = args.tests
    if not tests_dir.is_dir():
        print(f"check-w3c: test folder not found: {tests_dir} (use --tests DIR)", file=sys.stderr)
        return 2

    try:
        suite = Suite(tests_dir, [ANNOTATION_MUSTS, COLLECTION_MUSTS, PAGE_MUSTS])
        annotation_musts = suite.assertions(ANNOTATION_MUSTS)
        collection_musts = suite.assertions(COLLECTION_MUSTS)
        page_musts = suite.assertions(PAGE_MUSTS)
        if suite.unknown_formats:
            warn("formats not checked (no checker): " + ", ".join(sorted(suite.unknown_formats)))
        document = read_export(args.export)
        if not isinstance(document, dict):
            raise SetupError(f"{args.export}: expected a JSON object (an Annotation or AnnotationCollection)")
        collections, pages, annotations = collect(document, warn)

        passed = failed = 0
        for group, musts in ((collections, collection_musts), (pages, page_musts), (annotations, annotation_musts)):
            for who, obj in group:
                for assertion in musts:
                    ok, detail = assertion.check(obj)
                    if ok:
                        passed += 1
                        continue
                    failed += 1
                    print(f"{who}: {assertion.name}: {assertion.message}")
                    if args.verbose and detail:
                        print(f"    {detail}", file=sys.stderr)
    except SetupError as exc:
        print(f"check-w3c: {exc}", file=sys.stderr)
        return 2

    if not annotations:
        warn("no embedded annotation was found, so no annotation was checked")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
