"""Hostile and broken zip bundles are refused before anything lands outside the destination."""

from __future__ import annotations

import time
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from azml_lsp.bundles import BundleError, BundleLimits, extract_bundle, list_modules
from azml_lsp.contract import BUNDLE_DIR_NAME, ErrorCode
from azml_lsp.contract.errors import ERROR_0102_MESSAGE
from tests.bundles.zipcraft import patch_member, refuse, symlink_info, write_zip

ZEROS_5MB = b"\0" * (5 * 1024 * 1024)


def refused_entry(tmp_path: Path, name: str, data: bytes = b"x = 1\n") -> BundleError:
    bundle = write_zip(tmp_path / "b.zip", [("ok.py", b"pass\n"), (name, data)])
    error = refuse(tmp_path, bundle)
    assert error.member == name
    assert repr(name) in str(error)
    assert error.code is None
    return error


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../evil.py", "'..'"),
        ("../../evil.py", "'..'"),
        ("pkg/../../evil.py", "'..'"),
        ("C:/evil.py", "drive letter"),
        ("C:evil.py", "drive letter"),
        ("..\\evil.py", "backslash"),
        ("pkg\\evil.py", "backslash"),
        ("//server/share/evil.py", "absolute"),
        ("bad\x01name.py", "control character"),
        ("a" * 300 + ".py", "longer than 255 bytes"),
        ("d/" * 600 + "x.py", "longer than 1024 characters"),
    ],
)
def test_unsafe_names_are_refused(tmp_path: Path, name: str, why: str) -> None:
    assert why in refused_entry(tmp_path, name).message


def test_absolute_path_is_refused_and_not_written(tmp_path: Path) -> None:
    target = tmp_path.parent / f"{tmp_path.name}-absolute-evil.py"
    error = refused_entry(tmp_path, str(target))
    assert "absolute path" in error.message
    assert not target.exists()


def test_symlink_entry_is_refused(tmp_path: Path) -> None:
    bundle = write_zip(tmp_path / "b.zip", [(symlink_info("passwd"), "/etc/passwd")])
    error = refuse(tmp_path, bundle)
    assert error.member == "passwd"
    assert "symbolic link" in error.message


@pytest.mark.parametrize(
    ("names", "why"),
    [
        (["a.py", "a.py"], "appears twice"),
        (["Model.py", "model.py"], "differ only by case"),
        (["pkg/x.py", "PKG/y.py"], "differ only by case"),
        (
            [unicodedata.normalize("NFC", "café.py"), unicodedata.normalize("NFD", "café.py")],
            "differ only by case or accents",
        ),
        (["data", "data/x.csv"], "both a file and a folder"),
        (["data/x.csv", "data"], "both a file and a folder"),
    ],
)
def test_duplicate_names_are_refused(tmp_path: Path, names: list[str], why: str) -> None:
    bundle = write_zip(tmp_path / "b.zip", [(n, b"1") for n in names])
    error = refuse(tmp_path, bundle)
    assert why in error.message
    assert error.member == names[1]


def test_name_without_utf8_flag_is_refused_with_the_likely_name(tmp_path: Path) -> None:
    bundle = write_zip(tmp_path / "b.zip", [("ok.py", b""), ("cafXX.py", b"x = 1\n")])
    patch_member(bundle, "cafXX.py", raw_name="café".encode())
    error = refuse(tmp_path, bundle)
    assert error.member == "café".encode().decode("cp437") + ".py"
    assert "not marked as UTF-8" in error.message
    assert "'café.py'" in error.message


def test_utf8_flagged_names_are_accepted(tmp_path: Path) -> None:
    bundle = write_zip(tmp_path / "b.zip", [("données/café.py", b"x = 1\n")])
    extracted = extract_bundle(bundle, tmp_path / BUNDLE_DIR_NAME)
    assert (extracted.root / "données" / "café.py").read_bytes() == b"x = 1\n"


def test_encrypted_entry_is_refused(tmp_path: Path) -> None:
    bundle = write_zip(tmp_path / "b.zip", [("secret.py", b"x = 1\n")])
    patch_member(bundle, "secret.py", add_flags=0x1)
    error = refuse(tmp_path, bundle)
    assert (error.member, "encrypted" in error.message) == ("secret.py", True)


def test_unreadable_compression_method_is_refused(tmp_path: Path) -> None:
    bundle = write_zip(tmp_path / "b.zip", [("m.py", b"x = 1\n" * 100)])
    patch_member(bundle, "m.py", method=9)
    error = refuse(tmp_path, bundle)
    assert (error.member, "compression method 9" in error.message) == ("m.py", True)


def test_corrupt_data_is_error_0102_naming_the_entry(tmp_path: Path) -> None:
    bundle = write_zip(
        tmp_path / "b.zip", [("a.py", b"a = 1\n"), ("b.py", b"b = 2\n" * 50)], zipfile.ZIP_STORED
    )
    with zipfile.ZipFile(bundle) as zf:
        info = zf.getinfo("b.py")
    data = bytearray(bundle.read_bytes())
    data[info.header_offset + 30 + len("b.py") + 10] ^= 0xFF
    bundle.write_bytes(bytes(data))
    error = refuse(tmp_path, bundle)
    assert error.code == ErrorCode.BAD_ZIP
    assert error.member == "b.py"
    assert ERROR_0102_MESSAGE in error.message
    assert "CRC" in error.message


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p.write_text("name,value\n1,2\n"),
        lambda p: p.write_bytes(b""),
        lambda p: p.write_bytes(write_zip(p, [("a.py", b"x = 1\n" * 100)]).read_bytes()[:-30]),
    ],
    ids=["text", "empty", "truncated"],
)
def test_not_a_zip_is_error_0102(tmp_path: Path, make: Callable[[Path], object]) -> None:
    bundle = tmp_path / "b.zip"
    make(bundle)
    error = refuse(tmp_path, bundle)
    assert error.code == ErrorCode.BAD_ZIP == 102
    assert str(error).startswith("error 0102: ")
    assert ERROR_0102_MESSAGE in error.message
    with pytest.raises(BundleError) as listed:
        list_modules(bundle)
    assert listed.value.code == 102


def test_missing_file_is_refused(tmp_path: Path) -> None:
    error = refuse(tmp_path, tmp_path / "nowhere.zip")
    assert "no such file" in error.message


def test_ratio_bomb_entry_is_refused(tmp_path: Path) -> None:
    bundle = write_zip(tmp_path / "b.zip", [("ok.py", b""), ("zeros.bin", ZEROS_5MB)])
    error = refuse(tmp_path, bundle)
    assert error.member == "zeros.bin"
    assert "expands" in error.message
    assert "200" in error.message


def test_ratio_bomb_over_many_small_entries_is_refused(tmp_path: Path) -> None:
    limits = BundleLimits(ratio_min_bytes=100_000)
    members = [(f"part{i}.bin", b"\0" * 60_000) for i in range(10)]
    bundle = write_zip(tmp_path / "b.zip", members)
    error = refuse(tmp_path, bundle, limits)
    assert error.member is None
    assert "the zip expands" in error.message


def test_small_repetitive_files_are_not_bombs(tmp_path: Path) -> None:
    bundle = write_zip(tmp_path / "b.zip", [("blank.txt", b"\n" * 500_000)])
    extracted = extract_bundle(bundle, tmp_path / BUNDLE_DIR_NAME)
    assert (extracted.root / "blank.txt").stat().st_size == 500_000


def test_entry_lying_about_its_size_is_refused(tmp_path: Path) -> None:
    bundle = write_zip(tmp_path / "b.zip", [("ok.py", b""), ("bomb.bin", ZEROS_5MB)])
    patch_member(bundle, "bomb.bin", file_size=1000)
    error = refuse(tmp_path, bundle)
    assert error.member == "bomb.bin"
    assert error.code == ErrorCode.BAD_ZIP


def test_declared_total_over_the_size_limit_is_refused_before_writing(tmp_path: Path) -> None:
    bundle = write_zip(tmp_path / "b.zip", [("a.py", b"a = 1\n"), ("huge.bin", b"12345")])
    patch_member(bundle, "huge.bin", file_size=2**31)
    error = refuse(tmp_path, bundle)
    assert error.member == "huge.bin"
    assert f"more than {BundleLimits().max_bytes} bytes" in error.message


def test_total_size_limit(tmp_path: Path) -> None:
    bundle = write_zip(tmp_path / "b.zip", [("a.bin", b"a" * 600), ("b.bin", b"b" * 600)])
    error = refuse(tmp_path, bundle, BundleLimits(max_bytes=1000))
    assert error.member == "b.bin"
    assert "more than 1000 bytes" in error.message


def test_entry_count_limit(tmp_path: Path) -> None:
    bundle = write_zip(tmp_path / "b.zip", [(f"m{i}.py", b"") for i in range(11)])
    error = refuse(tmp_path, bundle, BundleLimits(max_entries=10))
    assert "11 entries, more than the limit of 10" in error.message


def test_hundred_thousand_entries_are_refused_quickly(tmp_path: Path) -> None:
    bundle = write_zip(
        tmp_path / "b.zip", [(f"f{i}.txt", b"") for i in range(100_000)], zipfile.ZIP_STORED
    )
    started = time.perf_counter()
    error = refuse(tmp_path, bundle)
    elapsed = time.perf_counter() - started
    assert "100000 entries" in error.message
    assert elapsed < 2.0


def test_destination_that_is_not_empty_is_left_alone(tmp_path: Path) -> None:
    bundle = write_zip(tmp_path / "b.zip", [("a.py", b"a = 1\n")])
    dest = tmp_path / BUNDLE_DIR_NAME
    dest.mkdir()
    (dest / "mine.txt").write_text("keep")
    with pytest.raises(BundleError, match="not empty"):
        extract_bundle(bundle, dest)
    assert (dest / "mine.txt").read_text() == "keep"
