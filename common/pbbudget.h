/*
 * pbbudget.h: a protobuf-c allocator with a byte budget, so that unpacking
 * a hostile frame cannot allocate more than a set amount (a 4 MiB frame of
 * empty repeated submessages would otherwise cost far more than 4 MiB).
 *
 * Memory comes from malloc and is released with free, so a message unpacked
 * with a budget may be freed later with protobuf_c_message_free_unpacked(m,
 * NULL), after the budget itself is gone.
 *
 * With a scratch arena (pb_budget_arena) small allocations are carved out
 * of the caller's buffer instead: no malloc, no free. Such a message must
 * be freed with pb_budget_free_unpacked on the same budget, before the
 * buffer goes; what did not fit came from malloc and is freed there.
 */
#ifndef ISMS_PBBUDGET_H
#define ISMS_PBBUDGET_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

struct pb_budget {
	ProtobufCAllocator allocator;
	size_t used;
	size_t limit;
	int exceeded;   /* set when an allocation was refused */
	size_t heap;    /* allocations served by malloc */
	uint8_t *arena; /* scratch buffer, or NULL */
	size_t arena_used, arena_cap;
};

#define PB_BUDGET_DEFAULT (16u * 1024 * 1024)

void pb_budget_init(struct pb_budget *, size_t limit);

/* Serves allocations from buf (cap bytes) while they fit, from malloc
 * after; call after pb_budget_init. */
void pb_budget_arena(struct pb_budget *, void *buf, size_t cap);

/* Unpacks with the budget; NULL on malformed input or an exceeded budget. */
ProtobufCMessage *pb_budget_unpack(struct pb_budget *,
                                   const ProtobufCMessageDescriptor *,
                                   const uint8_t *data, size_t len);

/* Frees m, unpacked with b, and empties b's arena for the next one. */
void pb_budget_free_unpacked(struct pb_budget *b, ProtobufCMessage *m);

#endif
