"""Python 2 scripts, syntax errors and code-point positions."""

from __future__ import annotations

from azml_lsp.checker import CheckConfig, apply_fixes, check_source, fix_source

from .helpers import codes, diagnose

PY2 = (
    "import urllib2\n"
    "def azureml_main(dataframe1=None):\n"
    "    print 'rows', len(dataframe1)\n"
    "    print >>sys.stderr, `dataframe1`\n"
    "    exec 'x = 1' in {}\n"
    "    try:\n"
    "        n = 0777 + 10L\n"
    "    except ValueError, e:\n"
    "        raise KeyError, 'bad'\n"
    "    if n <> 3:\n"
    "        pass\n"
    "    return dataframe1,\n"
)


def test_python2_script_is_clean_under_27() -> None:
    found = codes(PY2, dialect="classic", target_python="2.7", check_imports=False)
    assert "AZ300" not in found and "AZ302" not in found


def test_python2_constructs_reported_and_fixed_under_3() -> None:
    config = CheckConfig(dialect="classic", check_imports=False, use_jedi=False)
    found = [d for d in check_source(PY2, None, config) if d.code == "AZ302"]
    assert len(found) == 9
    fixed, applied = fix_source(PY2, None, config)
    assert applied == 10  # the nine above and the classic signature (AZ105)
    assert "print('rows', len(dataframe1))" in fixed
    assert "print(repr(dataframe1), file=sys.stderr)" in fixed
    assert "exec('x = 1', {})" in fixed
    assert "except ValueError as e" in fixed and "raise KeyError('bad')" in fixed
    assert "0o777 + 10" in fixed and "n != 3" in fixed
    assert codes(fixed, dialect="classic", check_imports=False) == ["AZ601"]


def test_print_function_import_makes_print_statements_errors_in_27() -> None:
    source = "from __future__ import print_function\n" + PY2
    assert "AZ302" in codes(source, dialect="classic", target_python="2.7", check_imports=False)


def test_python2_module_import_hint() -> None:
    message = next(d.message for d in diagnose(PY2, dialect="classic") if d.code == "AZ305")
    assert "urllib.request" in message


def test_syntax_error_is_one_diagnostic_at_its_line() -> None:
    source = "def azureml_main(df=None):\n    return df,\n\nx = (1,\ny = }\n"
    found = diagnose(source)
    assert [d.code for d in found] == ["AZ300"]
    assert found[0].line == 5


def test_null_bytes_and_odd_input_do_not_raise() -> None:
    for source in ("\0", "\r", "\ufeffx=1", "def azureml_main(:\n", "(" * 500, "\t\n  \x0c"):
        check_source(source)


def test_columns_count_code_points() -> None:
    source = "def azureml_main(dataframe1=None):\n    s = 'é😀'; x = dataframe1.ix[0]\n    return dataframe1,\n"
    found = next(d for d in diagnose(source) if d.code == "AZ401")
    line = source.splitlines()[1]
    assert found.column == line.index("dataframe1.ix") + 1
    assert found.end_column == line.index("[0]") + 1


def test_fix_positions_after_wide_characters() -> None:
    source = "def azureml_main(dataframe1=None):\n    return dataframe1  # 😀\n"
    config = CheckConfig(dialect="classic", use_jedi=False)
    diagnostics = check_source(source, None, config)
    fixed = apply_fixes(source, [d.fix for d in diagnostics if d.fix])
    assert fixed.splitlines()[1] == "    return dataframe1,  # 😀"


def test_standard_library_follows_the_target_python() -> None:
    assert "AZ305" not in codes("import urllib2\n", dialect="classic", target_python="2.7")
    assert "AZ305" in codes("import dataclasses\n", dialect="classic", target_python="3.5")
    assert "AZ305" not in codes("import dataclasses\n", target_python="3.8")
    assert "AZ305" in codes("import pathlib\n", dialect="classic", target_python="2.7")


def test_crlf_line_endings_are_kept_by_fixes() -> None:
    source = "def azureml_main(dataframe1=None, dataframe2=None):\r\n    return dataframe1\r\n"
    config = CheckConfig(dialect="classic", use_jedi=False)
    fixed, applied = fix_source(source, None, config)
    assert applied == 1
    assert fixed == source.replace("dataframe1\r\n", "dataframe1,\r\n")


def test_python2_except_comma_without_colon_is_a_finding_not_a_crash() -> None:
    from azml_lsp.checker import check_source

    for source in ("except a, b\n", "try:\n    pass\nexcept a,\n"):
        found = [d.code for d in check_source(source, "broken.py")]
        assert "AZ300" in found and "AZ900" not in found
