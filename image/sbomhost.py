# SPDX-License-Identifier: MIT
"""Which Debian package of the build host a copied file came from, for
image/mksbom: `dpkg-query -S` for the owners, `dpkg-query -W` for their
versions, both run once for all files."""

import subprocess

import sbomdb


def aliases(path):
    """The names dpkg may know PATH by. With merged /usr (Debian 12) a
    library lives in /usr/lib but its package may list /lib: try both."""
    out = [path]
    if path.startswith("/usr/"):
        out.append(path[4:])
    else:
        out.append("/usr" + path)
    return out


def owners(paths):
    """{path: "package[:arch]"} for the paths a package owns. dpkg-query
    exits 1 when one path has no owner: the others are still printed."""
    names = sorted({a for p in paths for a in aliases(p)})
    if not names:
        return {}
    r = subprocess.run(["dpkg-query", "-S", "--"] + names, capture_output=True,
                       text=True, check=False)
    if r.returncode not in (0, 1):
        raise OSError("dpkg-query -S failed: " + r.stderr.strip())
    found = {}
    for line in r.stdout.splitlines():
        if line.startswith("diversion by "):
            continue
        pkgs, sep, path = line.partition(": ")
        if sep:
            # "a, b: /dir" for a path two packages share; a file has one.
            found[path] = pkgs.split(", ")[0]
    out = {}
    for p in paths:
        for a in aliases(p):
            if a in found:
                out[p] = found[a]
                break
    return out


def versions(pkgs):
    """{"package[:arch]": package dict (as sbomdb gives)} from
    `dpkg-query -W`, which knows the source package too."""
    if not pkgs:
        return {}
    fmt = "${binary:Package}\t${Package}\t${Version}\t${Architecture}\t" \
          "${source:Package}\t${source:Version}\n"
    r = subprocess.run(["dpkg-query", "-W", "-f", fmt, "--"] + sorted(set(pkgs)),
                       capture_output=True, text=True, check=False)
    if r.returncode != 0:
        raise OSError("dpkg-query -W failed: " + r.stderr.strip())
    out = {}
    for line in r.stdout.splitlines():
        full, name, ver, arch, src, srcver = line.split("\t")
        p = {"kind": "deb", "name": name, "version": ver, "arch": arch,
             "source": src, "source_version": srcver, "files": []}
        out[full] = p
        out[name] = p
    return out


def os_release():
    """The build host's os-release fields: its packages' distribution."""
    return sbomdb.os_release("/")
