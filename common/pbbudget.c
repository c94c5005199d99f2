/* pbbudget.c: a byte-budget allocator for unpacking untrusted frames. */
#include <stdlib.h>

#include "pbbudget.h"

#define PB_ARENA_ALIGN 16 /* max_align_t on x86-64 and arm64 */

static void *
pb_budget_alloc(void *data, size_t size)
{
	struct pb_budget *b = data;

	if (size > b->limit - b->used) {
		b->exceeded = 1;
		return NULL;
	}
	b->used += size;
	if (b->arena != NULL) {
		size_t at = (b->arena_used + PB_ARENA_ALIGN - 1) &
		            ~(size_t)(PB_ARENA_ALIGN - 1);

		if (at <= b->arena_cap && size <= b->arena_cap - at) {
			b->arena_used = at + size;
			return b->arena + at;
		}
	}
	b->heap++;
	return malloc(size);
}

static void
pb_budget_free(void *data, void *ptr)
{
	struct pb_budget *b = data;
	uint8_t *p = ptr;

	if (b->arena != NULL && p >= b->arena && p < b->arena + b->arena_cap)
		return; /* the arena is emptied as a whole */
	free(ptr);
}

void
pb_budget_init(struct pb_budget *b, size_t limit)
{
	b->allocator.alloc = pb_budget_alloc;
	b->allocator.free = pb_budget_free;
	b->allocator.allocator_data = b;
	b->used = 0;
	b->limit = limit;
	b->exceeded = 0;
	b->heap = 0;
	b->arena = NULL;
	b->arena_used = b->arena_cap = 0;
}

void
pb_budget_arena(struct pb_budget *b, void *buf, size_t cap)
{
	b->arena = buf;
	b->arena_cap = cap;
	b->arena_used = 0;
}

void
pb_budget_free_unpacked(struct pb_budget *b, ProtobufCMessage *m)
{
	/* All of it in the arena: nothing to walk the message for. */
	if (b->arena == NULL || b->heap > 0)
		protobuf_c_message_free_unpacked(m, &b->allocator);
	b->arena_used = 0;
	b->heap = 0;
}

ProtobufCMessage *
pb_budget_unpack(struct pb_budget *b, const ProtobufCMessageDescriptor *md,
                 const uint8_t *data, size_t len)
{
	return protobuf_c_message_unpack(md, &b->allocator, len, data);
}
