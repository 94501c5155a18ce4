"""The client side of the protocol in `schema/`: builders of requests, readers of replies
that check everything a sandbox sends, the bounds those checks hold, and `Param`, the
parameter description a reply carries. `scuff.protocol` is the code flatc generates.

May import `scuff.protocol`, `errors` and the native module only.
"""
