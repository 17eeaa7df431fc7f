# ruff: noqa: UP020, UP024, UP031
# (this file also runs on Python 2.7: io.open, IOError and % formatting stay)
"""Run by a twin's interpreter (Python 2.7 to 3.13): import its packages, report their versions.

Usage: ``python -E -s -B probe_snippet.py '{"site": DIR, "modules": {DIST: MODULE}}'``. The
interpreter's own site-packages leave ``sys.path`` first, so every import comes from DIR. Prints
one line ``AZML-PROBE {json}``: the Python version and, per distribution, its version (from its
metadata in DIR, else the module's ``__version__``) or the error.
"""

import sys

del sys.path[0]  # this file's folder: the probe imports only from the twin

import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import site  # noqa: E402

MARKER = "AZML-PROBE "


def outside(entry):
    # type: (str) -> bool
    """True for a site-packages or dist-packages entry of the base interpreter."""
    parts = entry.replace("\\", "/").split("/")
    return "site-packages" in parts or "dist-packages" in parts


def normalise(name):
    # type: (str) -> str
    return name.replace("_", "-").replace(".", "-").lower()


def metadata_versions(folder):
    # type: (str) -> dict
    """Distribution (normalised) -> version, from the ``*.dist-info`` / ``*.egg-info`` in folder."""
    found = {}
    for entry in os.listdir(folder):
        if entry.endswith(".dist-info"):
            path = os.path.join(folder, entry, "METADATA")
        elif entry.endswith(".egg-info"):
            path = os.path.join(folder, entry, "PKG-INFO")
        else:
            continue
        name = version = None
        try:
            with io.open(path, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    if not line.strip():
                        break
                    if line.startswith("Name:"):
                        name = line[5:].strip()
                    elif line.startswith("Version:"):
                        version = line[8:].strip()
        except (IOError, OSError):
            continue
        if name and version:
            found[normalise(name)] = version
    return found


def located(module):
    # type: (object) -> str
    path = getattr(module, "__file__", None)
    if not path:
        paths = list(getattr(module, "__path__", []) or [])
        path = paths[0] if paths else ""
    return os.path.realpath(path) if path else ""


def check(distribution, module_name, twin_site, versions):
    # type: (str, str, str, dict) -> dict
    """Import ``module_name``; its version and file, or the error."""
    try:
        __import__(module_name)
        module = sys.modules[module_name]
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # an import may raise anything, SystemExit included
        return {"error": "%s: %s" % (type(exc).__name__, exc)}
    where = located(module)
    if where and not where.startswith(twin_site + os.sep):
        return {"error": "imported from %s, outside the twin" % where}
    version = versions.get(normalise(distribution)) or getattr(module, "__version__", None)
    if not version:
        return {"error": "no version found (no metadata, no __version__)"}
    return {"version": str(version), "file": where}


def main(argv):
    # type: (list) -> int
    request = json.loads(argv[1])
    twin_site = os.path.realpath(request["site"])
    sys.path[:] = [entry for entry in sys.path if not outside(entry)]
    site.addsitedir(twin_site)
    versions = metadata_versions(twin_site)
    packages = {}
    for distribution, module_name in sorted(request["modules"].items()):
        packages[distribution] = check(distribution, module_name, twin_site, versions)
    result = {
        "python": "%d.%d.%d" % tuple(sys.version_info[:3]),
        "version": sys.version,
        "executable": sys.executable,
        "packages": packages,
    }
    sys.stdout.write("\n" + MARKER + json.dumps(result, sort_keys=True) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
