# SPDX-License-Identifier: MIT
"""An SPDX 2.3 document in JSON, for image/mksbom: its elements (packages
with purls, files with digests, relationships) and its bytes, which
depend on the contents alone: sorted, the time from SOURCE_DATE_EPOCH, the
namespace from a digest of everything else."""

import hashlib
import json
import re
import time
import urllib.parse

# Clause 6.5: a URI unique to the document. .invalid (RFC 2606) says that
# it names, and never locates.
NAMESPACE = "https://berth.invalid/spdx/"


def spdx_id(kind, key):
    """"SPDXRef-" and letters, digits, "." and "-" only (clause 7.2, 8.2):
    readable, and unique through a digest of the whole key."""
    readable = re.sub(r"[^A-Za-z0-9.-]+", "-", key)[:48].strip("-")
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    return "SPDXRef-%s-%s-%s" % (kind, readable, digest)


def purl(pkg, distro):
    """The package URL a scanner matches vulnerabilities by: for Debian
    pkg:deb/debian/NAME@VERSION?arch=A&distro=debian-12, for apk the
    same with pkg:apk/alpine. Characters like ":" and "+" are escaped."""
    q = lambda s: urllib.parse.quote(s, safe="")
    quals = [("arch", pkg["arch"])] if pkg["arch"] else []
    if distro.get("ID") and distro.get("VERSION_ID"):
        quals.append(("distro", distro["ID"] + "-" + distro["VERSION_ID"]))
    if pkg["source"] and pkg["source"] != pkg["name"]:
        quals.append(("upstream", pkg["source"]))
    ns = distro.get("ID") or {"deb": "debian", "apk": "alpine"}[pkg["kind"]]
    qs = "&".join(k + "=" + q(v) for k, v in quals)
    return "pkg:%s/%s/%s@%s%s" % (pkg["kind"], q(ns), q(pkg["name"]),
                                  q(pkg["version"]), "?" + qs if qs else "")


def package_element(pkg, distro):
    """A distribution's package (clause 7): what it is and where a
    scanner looks it up."""
    el = {
        "SPDXID": spdx_id("Package-" + pkg["kind"], pkg["name"] + ":" + pkg["arch"]),
        "name": pkg["name"],
        "versionInfo": pkg["version"],
        "downloadLocation": "NOASSERTION",
        "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER",
                          "referenceType": "purl",
                          "referenceLocator": purl(pkg, distro)}],
    }
    if pkg["source"]:
        el["sourceInfo"] = "built from the source package %s %s" % (
            pkg["source"], pkg["source_version"])
    return el


def file_element(rel, digests):
    """A file (clause 8): its name relative to the tree, with "./" (8.1),
    and its digests; SHA1 is the one the specification requires (8.4)."""
    return {
        "SPDXID": spdx_id("File", rel),
        "fileName": "./" + rel,
        "checksums": [{"algorithm": "SHA1", "checksumValue": digests[0]},
                      {"algorithm": "SHA256", "checksumValue": digests[1]}],
    }


def relationship(a, kind, b):
    return {"spdxElementId": a, "relationshipType": kind, "relatedSpdxElement": b}


def analysed(packages, files, relationships):
    """Sets filesAnalyzed (clause 7.8) on every package: true, with the
    verification code of 7.9, for one that CONTAINS files, since a package
    whose files were not analysed shall contain none; false otherwise.
    The code is the SHA1 of the sorted SHA1s of the package's files."""
    sha1 = {f["SPDXID"]: c["checksumValue"] for f in files
            for c in f["checksums"] if c["algorithm"] == "SHA1"}
    held = {}
    for r in relationships:
        if r["relationshipType"] == "CONTAINS" and r["relatedSpdxElement"] in sha1:
            held.setdefault(r["spdxElementId"], []).append(sha1[r["relatedSpdxElement"]])
    for p in packages:
        sums = held.get(p["SPDXID"])
        p["filesAnalyzed"] = bool(sums)
        if sums:
            code = hashlib.sha1("".join(sorted(sums)).encode()).hexdigest()
            p["packageVerificationCode"] = {"packageVerificationCodeValue": code}


def document(name, tool, epoch, top, packages, files, relationships):
    """The document (clause 6) describing TOP, as bytes. The namespace is
    a digest of the rest, so the same contents give the same bytes and
    different contents a different namespace."""
    analysed(packages, files, relationships)
    doc = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": name,
        "documentNamespace": "",
        "creationInfo": {
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch)),
            "creators": ["Tool: " + tool],
        },
        "packages": sorted(packages, key=lambda p: p["SPDXID"]),
        "files": sorted(files, key=lambda f: f["fileName"]),
        "relationships": [relationship("SPDXRef-DOCUMENT", "DESCRIBES", top)] +
                         sorted(relationships, key=lambda r: (r["spdxElementId"],
                                r["relatedSpdxElement"])),
    }
    if not doc["files"]:
        del doc["files"]
    body = json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    doc["documentNamespace"] = NAMESPACE + urllib.parse.quote(name, safe="") + "-" + digest
    return (json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
