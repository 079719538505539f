"""diff_json.render writes, byte for byte, what json.dumps makes of diff_json.to_data (it only makes it leaner)."""

from __future__ import annotations

import json

from drafttools.diff.engine import diff
from drafttools.model.numbering import number_instrument
from drafttools.model.tree import Instrument, Meta
from drafttools.render import diff_json
from drafttools.source.parse import load
from drafttools.source.profiles import default as default_profile

from .conftest import ROOT


def _plain(d, *names):
    return json.dumps(diff_json.to_data(d, *names), indent=2, ensure_ascii=False) + "\n"


def test_render_is_json_dumps_of_to_data():
    old = load(ROOT / "versions" / "2009-09-SEARO-RC62").instrument
    new = load(ROOT / "versions" / "2010-illustrative-revision").instrument
    for d in (diff(old, new), diff(new, old), diff(old, old)):
        assert diff_json.render(d, "a", "b") == _plain(d, "a", "b")


def test_render_without_changes():
    empty = number_instrument(Instrument(Meta('T \u2013 "x"', "v", "2010-01-01", "draft"), default_profile()))
    d = diff(empty, empty)
    assert diff_json.render(d) == _plain(d)
