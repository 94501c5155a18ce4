"""The real plugins the suite runs: Debian's zam-plugins, installed in the standard folders."""

import pathlib

ZAM_CLAP_DIR = pathlib.Path("/usr/lib/clap")
ZAM_VST3_DIR = pathlib.Path("/usr/lib/vst3")
ZAM_CLAP_FILES = sorted(ZAM_CLAP_DIR.glob("Za*.clap"))
ZAM_VST3_BUNDLES = sorted(ZAM_VST3_DIR.glob("Za*.vst3"))
