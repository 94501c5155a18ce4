"""`scuff preset`: presets saved, listed, loaded, exported and imported from the command line."""

from __future__ import annotations

from scuff.cli import main

ZAMCOMP = "/usr/lib/vst3/ZamComp.vst3"


def test_a_preset_saved_from_the_command_line_is_listed_loaded_and_exported(capsys, tmp_path):
    assert main(["preset", "save", ZAMCOMP, "heavy", "--param", "Threshold=-30", "--param", "Ratio=8"]) == 0
    assert main(["preset", "list", ZAMCOMP]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "heavy"
    assert main(["preset", "load", ZAMCOMP, "heavy"]) == 0
    out = capsys.readouterr().out
    assert "Threshold: -30" in out and "Ratio: 8" in out
    file = tmp_path / "heavy.vstpreset"
    assert main(["preset", "export", ZAMCOMP, "heavy", str(file)]) == 0
    assert file.read_bytes()[:4] == b"VST3"
    assert main(["preset", "import", ZAMCOMP, str(file), "again"]) == 0
    assert main(["preset", "load", ZAMCOMP, "again"]) == 0
    assert "Threshold: -30" in capsys.readouterr().out
    assert main(["preset", "delete", ZAMCOMP, "heavy"]) == 0
    capsys.readouterr()
    assert main(["preset", "list", ZAMCOMP]) == 0
    assert capsys.readouterr().out.split() == ["again"]


def test_an_unknown_preset_is_one_line_of_error(capsys):
    assert main(["preset", "load", ZAMCOMP, "nothing"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("scuff: no preset 'nothing'") and err.count("\n") == 1
