/*
 * restore.h: "ismsd --restore FILE --data-dir DIR": a backup (ismsctl
 * backup) into an empty or missing data dir, verified before it is left
 * there to serve.
 */
#ifndef ISMS_RESTORE_H
#define ISMS_RESTORE_H

#include <stddef.h>

/*
 * Restores FILE ("-": standard input) into dir, which must be empty or
 * missing: the bytes are staged in dir/.restore/, checked to be a whole
 * LMDB file, then the journal chain, every record, revision, user, token
 * and derived key are verified against the journal (journal verify
 * --deep) in a child process, so that a corrupt file that makes LMDB
 * fault is refused like any other. Only then does data.mdb move into
 * dir. Refused or failed, dir is left as it was. Returns the exit status
 * (0 restored; 1 refused or failed), having said why on stderr.
 */
int restore_run(const char *file, const char *dir, size_t mapsize);

#endif
