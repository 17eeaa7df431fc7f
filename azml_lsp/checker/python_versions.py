"""Standard-library facts per Python version, for imports under an old target Python."""

from __future__ import annotations

PYTHON2_MODULES: dict[str, str | None] = {
    "urllib2": "urllib.request", "urlparse": "urllib.parse", "cPickle": "pickle",
    "StringIO": "io", "cStringIO": "io", "ConfigParser": "configparser", "Queue": "queue",
    "httplib": "http.client", "HTMLParser": "html.parser", "Tkinter": "tkinter",
    "SocketServer": "socketserver", "__builtin__": "builtins", "commands": "subprocess",
    "cookielib": "http.cookiejar", "Cookie": "http.cookies", "xmlrpclib": "xmlrpc.client",
    "BaseHTTPServer": "http.server", "SimpleHTTPServer": "http.server", "UserDict": "collections",
    "UserList": "collections", "UserString": "collections", "copy_reg": "copyreg",
    "thread": "_thread", "htmlentitydefs": "html.entities", "robotparser": "urllib.robotparser",
    "anydbm": "dbm", "md5": "hashlib", "sha": "hashlib", "sets": None, "exceptions": None,
    "new": "types", "mimetools": "email", "rfc822": "email", "popen2": "subprocess",
    "sgmllib": None, "htmllib": None, "compiler": "ast", "dircache": "os", "user": None,
}  # fmt: skip
"""Standard modules of Python 2.7 that Python 3 removed or renamed (new name, or None)."""

PYTHON3_STDLIB_SINCE: dict[str, tuple[int, int]] = {
    "builtins": (3, 0), "queue": (3, 0), "socketserver": (3, 0), "tkinter": (3, 0),
    "reprlib": (3, 0), "copyreg": (3, 0), "_thread": (3, 0), "http": (3, 0), "html": (3, 0),
    "xmlrpc": (3, 0), "lzma": (3, 3), "faulthandler": (3, 3), "venv": (3, 3),
    "pathlib": (3, 4), "asyncio": (3, 4), "statistics": (3, 4), "selectors": (3, 4),
    "tracemalloc": (3, 4), "secrets": (3, 6), "dataclasses": (3, 7), "contextvars": (3, 7),
    "zoneinfo": (3, 9), "graphlib": (3, 9), "tomllib": (3, 11),
}  # fmt: skip
"""Standard modules and the first Python 3 version that has them (modules with backports that
the classic runtimes shipped, such as ``enum`` and ``typing``, are left out)."""

#: Python 2 standard-library members and their Python 3 names.
PYTHON2_MEMBERS: dict[str, str] = {
    "string.maketrans": "str.maketrans", "string.letters": "string.ascii_letters",
    "string.lowercase": "string.ascii_lowercase", "string.uppercase": "string.ascii_uppercase",
    "string.join": "str.join", "string.split": "str.split", "string.replace": "str.replace",
    "string.strip": "str.strip", "string.lower": "str.lower", "string.upper": "str.upper",
    "string.atoi": "int", "string.atof": "float", "itertools.izip": "zip",
    "itertools.imap": "map", "itertools.ifilter": "filter",
    "itertools.izip_longest": "itertools.zip_longest", "os.getcwdu": "os.getcwd",
    "urllib.urlopen": "urllib.request.urlopen", "urllib.urlencode": "urllib.parse.urlencode",
    "urllib.quote": "urllib.parse.quote", "urllib.unquote": "urllib.parse.unquote",
    "urllib.urlretrieve": "urllib.request.urlretrieve", "sys.maxint": "sys.maxsize",
    "sys.setdefaultencoding": "nothing: Python 3 strings are Unicode",
}  # fmt: skip

PYTHON2_MODULE_RENAMES: frozenset[str] = frozenset({
    "cPickle", "Queue", "copy_reg", "__builtin__", "ConfigParser", "SocketServer", "Tkinter",
    "cookielib", "xmlrpclib", "htmlentitydefs",
})  # fmt: skip
"""Python 2 modules whose Python 3 module (in ``PYTHON2_MODULES``) offers the same names, so
importing it under the old name is a safe fix (``urllib2``, ``StringIO`` ... are not)."""

PYTHON2_MEMBER_RENAMES: frozenset[str] = frozenset({
    "string.maketrans", "string.letters", "string.lowercase", "string.uppercase",
    "string.split", "string.replace", "string.strip", "string.lower", "string.upper",
    "string.atoi", "string.atof", "itertools.izip", "itertools.imap", "itertools.ifilter",
    "itertools.izip_longest", "os.getcwdu", "sys.maxint",
})  # fmt: skip
"""Python 2 members whose Python 3 name (in ``PYTHON2_MEMBERS``) takes the same arguments, so
writing it instead is a safe fix (``string.join`` swaps its arguments; ``urllib.urlopen`` needs
another import)."""
