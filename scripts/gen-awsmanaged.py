#!/usr/bin/env python3
"""gen-awsmanaged.py rebuilds internal/iam/awspolicy/catalog.json.gz, the
catalog of AWS managed policies iamgate embeds, from the public dataset
github.com/iann0036/iam-dataset (MIT License, Copyright (c) 2021 Ian Mckay).

  scripts/gen-awsmanaged.py GIT_DIR [COMMIT]

GIT_DIR is a clone (bare is fine) of iann0036/iam-dataset; COMMIT defaults to
HEAD. Every aws/managedpolicies/NAME.json of that commit becomes one entry:
name, path, ARN, default version id, create and update dates, and the default
version's document, compacted. A file whose content the clone lacks (very
large files can be absent from partial clones) is taken from the newest
earlier commit that has it, and that commit is recorded on the entry.
Entries without an ARN (policies AWS removed; the dataset marks them
deprecated) are skipped; one still listed but marked deprecated keeps
"deprecated": true, so that iamgate can describe but not attach it.
The dataset's own commit and date go into the file's header; SOURCE.md beside
the data says the same for readers.
"""
import gzip
import json
import os
import subprocess
import sys

OUT = os.path.join(os.path.dirname(__file__), "..", "internal", "iam", "awspolicy", "catalog.json.gz")
PREFIX = "aws/managedpolicies/"


def git(gd, *args, inp=None):
    return subprocess.run(["git", "--git-dir=" + gd, *args], input=inp, capture_output=True, check=True).stdout


def blobs(gd, shas):
    """Returns sha → bytes for the shas the clone has."""
    out = {}
    data = git(gd, "cat-file", "--batch", inp=b"".join(s.encode() + b"\n" for s in shas))
    i = 0
    while i < len(data):
        j = data.index(b"\n", i)
        head = data[i:j].split()
        if head[-1] == b"missing":
            i = j + 1
            continue
        size = int(head[2])
        out[head[0].decode()] = data[j + 1 : j + 1 + size]
        i = j + 1 + size + 1
    return out


def older(gd, commit, path):
    """The newest commit before commit whose copy of path the clone has."""
    for c in git(gd, "log", "--format=%H", commit, "--", path).decode().split():
        try:
            sha = git(gd, "rev-parse", f"{c}:{path}").decode().strip()
        except subprocess.CalledProcessError:
            continue
        got = blobs(gd, [sha])
        if sha in got:
            return c, got[sha]
    return None, None


def main():
    gd = sys.argv[1]
    commit = git(gd, "rev-parse", sys.argv[2] if len(sys.argv) > 2 else "HEAD").decode().strip()
    date = git(gd, "log", "-1", "--format=%cI", commit).decode().strip()
    entries = []
    for line in git(gd, "ls-tree", "-z", commit, PREFIX).split(b"\0"):
        if not line:
            continue
        meta, path = line.decode().split("\t", 1)
        if path.endswith(".json"):
            entries.append((path, meta.split()[2]))
    have = blobs(gd, [s for _, s in entries])
    policies, skipped = [], 0
    for path, sha in entries:
        src = None
        body = have.get(sha)
        if body is None:
            src, body = older(gd, commit, path)
            if body is None:
                print(f"gen-awsmanaged: {path}: no copy in the clone", file=sys.stderr)
                continue
        d = json.loads(body)
        arn = d.get("arn")
        if not arn:
            # Removed from AWS (the dataset marks these deprecated and no
            # longer knows their path): not addressable, so not shipped.
            skipped += 1
            continue
        rest = arn.split(":policy", 1)[1]
        name = rest.rsplit("/", 1)[1]
        if name != d["name"]:
            print(f"gen-awsmanaged: {path}: ARN {arn} names {name}, skipped", file=sys.stderr)
            continue
        e = {
            "name": name,
            "path": rest[: len(rest) - len(name)],
            "version": d["version"],
            "created": d["createdate"],
            "updated": d["updatedate"],
            "document": json.dumps(d["document"], separators=(",", ":"), ensure_ascii=False),
        }
        if d.get("deprecated"):
            e["deprecated"] = True
        if src:
            e["from"] = src
        policies.append(e)
    policies.sort(key=lambda e: e["name"])
    doc = {
        "source": "https://github.com/iann0036/iam-dataset",
        "license": "MIT",
        "commit": commit,
        "date": date,
        "policies": policies,
    }
    raw = json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()
    with open(OUT, "wb") as f:
        # mtime 0: the same dataset commit gives the same bytes.
        f.write(gzip.compress(raw, 9, mtime=0))
    print(f"gen-awsmanaged: {skipped} without an ARN skipped")
    print(f"gen-awsmanaged: {len(policies)} policies from {commit} ({date}) -> {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
