#pragma once
// What a confined sandbox refused its plugins on the file system, reported to the client.
// Landlock refuses with a plain EACCES and tells nobody, and a path the file-system view
// leaves out is merely not there; so scuff-sbox defines the C library's file calls itself
// (open, fopen, mkdir, unlink, rename, connect...), exported so that a plugin's libraries
// resolve to them before the C library's. Each forwards to the C library's call and, when
// it fails with EACCES, EPERM or EROFS (Landlock, a read-only part of the view) or ENOENT (a
// path the view may leave out: the client tells which really exist), writes
// "refused-file OP ERRNO PATH" on the report descriptor: each operation and path once,
// at most a few a second. Calls that bypass the C library (raw system calls, its own
// internal opens, as in dlopen) are not seen.
namespace scuff::os {

// Turns the reports on, once the process is confined: the sandbox's own calls before then
// (building its view) are not plugins' and are not reported.
void start_refusal_reports();

} // namespace scuff::os
