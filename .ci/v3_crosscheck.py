"""Cross-checks plivo_phlo::callback against the official Python SDK.

Generates random callbacks, signs each with plivo-python's own helpers
(plivo.utils.signature_v3: construct_get_url / construct_post_url and
get_signature_v3, what validate_v3_signature itself calls), tampers half of
them, and asks both plivo.utils.validate_v3_signature and our
examples/v3_verify whether each is valid. Any disagreement fails.

usage: v3_crosscheck.py PATH_TO_V3_VERIFY [COUNT]   (seed: V3_CROSSCHECK_SEED)
"""

import collections
import copy
import json
import os
import random
import string
import subprocess
import sys

from plivo.utils import validate_v3_signature
from plivo.utils.signature_v3 import construct_get_url, construct_post_url, get_signature_v3

ASCII_VALUE = string.ascii_letters + string.digits + "-_.~!*'()@:/ ,;$"
UNICODE_VALUE = ASCII_VALUE + "éüøß€李中文ñ😀&=?#%+\u00a0"
# Query text: raw ASCII, and escapes decoding to ASCII (the SDK raises on
# any non-ASCII in the URL, raw or percent-encoded, on Python 3.11 and 3.12).
QUERY_PIECES = list(string.ascii_letters + string.digits + "-_.~!*'()@:/,") + [
    "+", "%20", "%26", "%3D", "%2B", "%2F", "%25", "%7E", "%ZZ",
]
NAMES = ["To", "From", "CallUUID", "Event", "Digits", "a", "b", "B", "x_y", "k-1", "Ñame", "名前", "a b"]
HOSTS = ["example.com", "Example.COM", "example.com:8443", "example.com:443", "127.0.0.1:8080", "user:pw@example.com"]
PATHS = ["", "/", "/cb", "/cb/", "/api/v1/answer.xml", "/a%20b/c/", "/x//y", "/P%2Fq"]


def text(rng, alphabet, low=0, high=8):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))


def query_text(rng, low=0, high=6):
    return "".join(rng.choice(QUERY_PIECES) for _ in range(rng.randint(low, high)))


def random_url(rng):
    url = rng.choice(["https", "http"]) + "://" + rng.choice(HOSTS) + rng.choice(PATHS)
    if rng.random() < 0.5:
        pairs = []
        for _ in range(rng.randint(1, 4)):
            name = rng.choice(["a", "b", "q", "c", "z"]) if rng.random() < 0.7 else query_text(rng, 1, 4)
            if rng.random() < 0.1:
                pairs.append(name)  # a name without '='
            else:
                pairs.append(name + "=" + query_text(rng))
        url += "?" + "&".join(pairs)
    if rng.random() < 0.1:
        url += "#frag"
    return url


def random_params(rng):
    """(name, value) pairs, names repeated at times (list values)."""
    pairs = []
    for _ in range(rng.choice([0, 0, 1, 2, 3, 5, 8])):
        name = rng.choice(NAMES) if rng.random() < 0.8 else text(rng, UNICODE_VALUE, 1, 5)
        pairs.append((name, text(rng, UNICODE_VALUE)))
        if rng.random() < 0.2:
            pairs.append((name, text(rng, UNICODE_VALUE)))
    return pairs


def as_dict(pairs):
    """The SDK's params: a name's value, or the list of its values."""
    params = {}
    for name, value in pairs:
        if name in params:
            if not isinstance(params[name], list):
                params[name] = [params[name]]
            params[name].append(value)
        else:
            params[name] = value
    return params


def sdk_sign(method, url, nonce, token, pairs):
    params = as_dict(pairs)
    if method == "GET":
        base = construct_get_url(url, params)
    else:
        base = construct_post_url(url, params)
    return get_signature_v3(token.encode("utf-8"), base.decode("utf-8"), nonce.encode("utf-8")).decode("ascii")


def tamper(rng, case, signature):
    """Changes one thing about `case`. Some changes keep the string to sign
    (a POST without parameters is signed as a GET; a GET query name replaces
    the parameters of that name; anything after a '#' is not signed): the SDK
    still accepts those, and so must we."""
    how = rng.choice(["value", "param", "nonce", "url", "signature", "token", "method"])
    if how == "value" and not case["params"]:
        how = "param"
    if how == "value":
        i = rng.randrange(len(case["params"]))
        name, value = case["params"][i]
        case["params"][i] = [name, value + rng.choice(["x", "é", " "])]
    elif how == "param":
        case["params"].append([rng.choice(NAMES), text(rng, UNICODE_VALUE, 1)])
    elif how == "nonce":
        case["nonce"] = case["nonce"][:-1] + ("0" if case["nonce"][-1] != "0" else "1")
    elif how == "url":
        case["url"] = rng.choice([
            lambda u: u.replace("://", "://x", 1),
            lambda u: u + ("&" if "?" in u else "?") + "extra=1",
            lambda u: u.replace("http", "https", 1) if u.startswith("http:") else u.replace("https", "http", 1),
        ])(case["url"])
    elif how == "method":
        case["method"] = "GET" if case["method"] == "POST" else "POST"
    elif how == "token":
        case["token"] = case["token"][:-1] + ("A" if case["token"][-1] != "A" else "B")
    else:
        sig = case["signature"].split(",")
        i = sig.index(signature)
        s = sig[i]
        j = rng.randrange(len(s) - 1)  # not the padding
        sig[i] = s[:j] + ("A" if s[j] != "A" else "B") + s[j + 1:]
        case["signature"] = ",".join(sig)
    return how


def main():
    verifier = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    seed = int(os.environ.get("V3_CROSSCHECK_SEED", "21"))
    rng = random.Random(seed)
    cases, notes = [], []
    for _ in range(count):
        method = rng.choice(["GET", "POST"])
        url = random_url(rng)
        pairs = random_params(rng)
        nonce = "".join(rng.choice(string.digits) for _ in range(20))
        token = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(40))
        signature = sdk_sign(method, url, nonce, token, pairs)
        others = [sdk_sign(method, url, nonce, token[::-1], pairs) for _ in range(rng.choice([0, 0, 1, 2]))]
        header = others + [signature]
        rng.shuffle(header)
        case = {"method": method, "url": url, "nonce": nonce, "token": token,
                "signature": ",".join(header), "params": [list(p) for p in pairs]}
        note = "untouched"
        if rng.random() < 0.5:
            note = "tampered " + tamper(rng, case, signature)
        cases.append(case)
        notes.append(note)

    sdk = []
    for case in cases:
        sdk.append(validate_v3_signature(case["method"], case["url"], case["nonce"], case["token"],
                                         case["signature"], copy.deepcopy(as_dict(case["params"]))))
    ours = subprocess.run([verifier], input="".join(json.dumps(c) + "\n" for c in cases),
                          capture_output=True, text=True, check=True).stdout.splitlines()
    if len(ours) != len(cases):
        sys.exit("v3 cross-check: %d cases, %d answers" % (len(cases), len(ours)))

    mismatches = 0
    for case, note, expected, answer in zip(cases, notes, sdk, ours):
        if expected != (answer == "valid"):
            mismatches += 1
            if mismatches <= 10:
                print("MISMATCH (%s): sdk %s, ours %s: %s" % (note, expected, answer, json.dumps(case, ensure_ascii=False)))
    kept = collections.Counter(n.split()[1] for n, e in zip(notes, sdk) if n != "untouched" and e)
    untouched_invalid = sum(1 for n, e in zip(notes, sdk) if n == "untouched" and not e)
    tampered_valid = sum(1 for n, e in zip(notes, sdk) if n != "untouched" and e)
    print("v3 cross-check: %d callbacks, %d mismatches (seed %d; %d tampered, %d of them still valid for the SDK%s; %d untouched rejected)"
          % (len(cases), mismatches, seed, sum(1 for n in notes if n != "untouched"), tampered_valid,
             "".join(" %s:%d" % kv for kv in sorted(kept.items())), untouched_invalid))
    if mismatches or untouched_invalid:
        sys.exit(1)


if __name__ == "__main__":
    main()
