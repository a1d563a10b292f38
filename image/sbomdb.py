# SPDX-License-Identifier: MIT
"""The package databases inside a tree, for image/mksbom: dpkg's status
and file lists, apk's installed database, and os-release. Each reader
returns packages as dicts (kind, name, version, arch, source, files) and
never follows a symlink out of the tree."""

import os
import stat


def tree_file(tree, rel):
    """The bytes of TREE/REL when it is a regular file, else None. A
    symlink is not followed: an absolute one would lead to the build
    host's own file."""
    path = os.path.join(tree, rel)
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        with open(path, "rb") as f:
            return f.read()
    except (FileNotFoundError, NotADirectoryError):
        return None


def stanzas(text):
    """deb822 paragraphs (dpkg's status) as dicts; continuation lines
    are folded into their field, which only Description uses."""
    out, cur, key = [], {}, None
    for line in text.split("\n"):
        if not line.strip():
            if cur:
                out.append(cur)
            cur, key = {}, None
        elif line[0] in " \t":
            if key:
                cur[key] += "\n" + line[1:]
        elif ":" in line:
            key, _, val = line.partition(":")
            cur[key] = val.strip()
    if cur:
        out.append(cur)
    return out


def dpkg_packages(tree):
    """The installed packages of var/lib/dpkg/status, with the files
    their info/*.list name; None when the tree has no dpkg database."""
    raw = tree_file(tree, "var/lib/dpkg/status")
    if raw is None:
        return None
    pkgs = []
    for s in stanzas(raw.decode("utf-8", "replace")):
        # "install ok installed"; half-installed or removed packages
        # (config-files) have no files of their own in the tree.
        if not s.get("Status", "").endswith(" installed"):
            continue
        name, arch = s["Package"], s.get("Architecture", "")
        src = s.get("Source", name).split(" (")[0]
        srcver = s.get("Source", "").partition(" (")[2].rstrip(")")
        files = []
        # Multi-Arch: same packages name their list NAME:ARCH.list.
        for lst in (name + ".list", name + ":" + arch + ".list"):
            data = tree_file(tree, "var/lib/dpkg/info/" + lst)
            if data is not None:
                files = data.decode("utf-8", "backslashreplace").splitlines()
                break
        pkgs.append({"kind": "deb", "name": name, "version": s.get("Version", ""),
                     "arch": arch, "source": src,
                     "source_version": srcver or s.get("Version", ""),
                     "files": files})
    return pkgs


def apk_packages(tree):
    """The packages of apk's lib/apk/db/installed (P: name, V: version,
    A: arch, o: origin, F: a directory, R: a file in the last F); None
    when the tree has no apk database."""
    raw = tree_file(tree, "lib/apk/db/installed")
    if raw is None:
        return None
    pkgs, cur, folder = [], None, ""
    for line in raw.decode("utf-8", "backslashreplace").split("\n") + [""]:
        if not line:
            if cur:
                pkgs.append(cur)
            cur, folder = None, ""
            continue
        key, _, val = line.partition(":")
        if cur is None:
            cur = {"kind": "apk", "name": "", "version": "", "arch": "",
                   "source": "", "source_version": "", "files": []}
        if key == "P":
            cur["name"] = val
        elif key == "V":
            cur["version"] = cur["source_version"] = val
        elif key == "A":
            cur["arch"] = val
        elif key == "o":
            cur["source"] = val
        elif key == "F":
            folder = val
        elif key == "R":
            cur["files"].append("/" + folder + "/" + val if folder else "/" + val)
    return [p for p in pkgs if p["name"]]


def os_release(tree):
    """os-release's fields as a dict, from etc/os-release or else
    usr/lib/os-release (the order os-release(5) gives); {} without one."""
    for rel in ("etc/os-release", "usr/lib/os-release"):
        raw = tree_file(tree, rel)
        if raw is None:
            continue
        out = {}
        for line in raw.decode("utf-8", "replace").splitlines():
            key, eq, val = line.partition("=")
            if eq and not key.startswith("#"):
                out[key.strip()] = val.strip().strip("\"'")
        return out
    return {}


def top_aliases(tree):
    """The tree's top-level directory symlinks as {"bin": "usr/bin"}:
    with merged /usr, dpkg lists /bin/ls while the file is usr/bin/ls."""
    out = {}
    for name in sorted(os.listdir(tree)):
        path = os.path.join(tree, name)
        if not os.path.islink(path):
            continue
        target = os.path.normpath(os.readlink(path)).lstrip("/")
        if target and not target.startswith(".."):
            out[name] = target
    return out


def covered(tree, pkgs):
    """Every path (relative, as os.walk gives it) a package claims, with
    the top-level symlinks of the tree resolved."""
    alias = top_aliases(tree)
    out = set()
    for p in pkgs:
        for f in p["files"]:
            rel = f.lstrip("/")
            top, sep, rest = rel.partition("/")
            out.add(rel)
            if top in alias and sep:
                out.add(alias[top] + "/" + rest)
    return out
