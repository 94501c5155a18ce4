"""Note and MIDI events: the event types users build, their record layout in shared memory,
conversion to and from those records, and reading MIDI files.

May import `errors` only.
"""
