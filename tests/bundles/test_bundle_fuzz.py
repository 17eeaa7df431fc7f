"""Random names and damaged zips: every outcome is a clean extraction or a BundleError."""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from azml_lsp.bundles import BundleError, BundleLimits, extract_bundle
from azml_lsp.bundles.names import safe_name
from azml_lsp.bundles.zipscan import READABLE_METHODS
from azml_lsp.contract import BUNDLE_DIR_NAME
from tests.bundles.zipcraft import snapshot, write_zip

NAME_PARTS = st.sampled_from(["..", ".", "", "a", "B", "C:", "\\", "/", "é", "\x00", " ", "pkg"])


@given(st.lists(NAME_PARTS, min_size=1, max_size=8).map("".join) | st.text(max_size=40))
def test_accepted_names_stay_inside_the_root(name: str) -> None:
    root = "/srv/work/Script Bundle"
    try:
        safe = safe_name(name, path="b.zip", max_length=1024)
    except BundleError as exc:
        assert exc.member == name
        return
    joined = os.path.normpath(os.path.join(root, *safe.split("/")))
    assert joined.startswith(root + "/")
    assert "\\" not in safe
    assert ".." not in safe.split("/")


def _sample_zip(folder: Path, method: int) -> bytes:
    members: list[tuple[str | zipfile.ZipInfo, bytes | str]] = [
        ("Hello.py", "def hi():\n    return 1\n" * 20),
        ("pkg/__init__.py", ""),
        ("pkg/data.bin", bytes(range(256)) * 8),
    ]
    return write_zip(folder / "sample.zip", members, method).read_bytes()


@settings(
    max_examples=int(os.environ.get("AZML_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.data())
def test_damaged_zips_extract_or_refuse_cleanly(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as temp:
        tmp = Path(temp)
        method = data.draw(st.sampled_from(sorted(READABLE_METHODS)))
        original = bytearray(_sample_zip(tmp, method))
        for _ in range(data.draw(st.integers(1, 6))):
            at = data.draw(st.integers(0, len(original) - 1))
            original[at] = data.draw(st.integers(0, 255))
        if data.draw(st.booleans()):
            del original[data.draw(st.integers(0, len(original))) :]
        bundle = tmp / "damaged.zip"
        bundle.write_bytes(bytes(original))
        work = tmp / "work"
        work.mkdir()
        before = snapshot(tmp)
        try:
            extracted = extract_bundle(
                bundle, work / BUNDLE_DIR_NAME, BundleLimits(max_bytes=10**6)
            )
        except BundleError:
            assert snapshot(tmp) == before
        else:
            assert set(snapshot(tmp)) - set(before) == {
                f"work/{BUNDLE_DIR_NAME}/{name}" for name in snapshot(extracted.root)
            } | {f"work/{BUNDLE_DIR_NAME}"}
            shutil.rmtree(extracted.root)
