/* seed_replay.h: a fuzz target's committed seeds, replayed in a unit test
 * (so the normal suite, ASan included, runs each seed once). */
#ifndef ISMS_SEED_REPLAY_H
#define ISMS_SEED_REPLAY_H

#include <stddef.h>
#include <stdint.h>

/* Feeds every file of dir (up to 64 KiB of each) to fn; the count. */
size_t seed_replay(const char *dir, int (*fn)(const uint8_t *, size_t));

#endif
