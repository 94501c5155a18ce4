"""Presets: the user's own, stored per plugin in the data folder, and the `.vstpreset`
files VST3 hosts exchange."""
