"""Code that runs inside a target interpreter: a cloud twin's Python 2.7 to 3.13.

Everything in this folder runs unchanged on every Python from 2.7 to 3.13 with only the standard
library and the twin's own numpy and pandas (0.18 and newer). It holds no rule of the module's
contract: it imports the script, calls ``azureml_main`` with the arguments the host chose, and
reports facts (the parameters, the returned value, the traceback) for the host to judge.

- :mod:`.exchange` is the table format both sides read and write (documented in
  ``docs/twins.md``); :mod:`.values` describes any returned value in that format and rebuilds it.
- ``__main__.py`` is started by path by the host (``python -s .../harness/__main__.py``);
  :mod:`.run` is one run, :mod:`.channel` its line-delimited JSON messages to the host.
"""
