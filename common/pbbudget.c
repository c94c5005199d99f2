/* pbbudget.c: a byte-budget allocator for unpacking untrusted frames. */
#include <stdlib.h>

#include "pbbudget.h"

static void *
pb_budget_alloc(void *data, size_t size)
{
	struct pb_budget *b = data;

	if (size > b->limit - b->used) {
		b->exceeded = 1;
		return NULL;
	}
	b->used += size;
	return malloc(size);
}

static void
pb_budget_free(void *data, void *ptr)
{
	(void)data;
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
}

ProtobufCMessage *
pb_budget_unpack(struct pb_budget *b, const ProtobufCMessageDescriptor *md,
                 const uint8_t *data, size_t len)
{
	return protobuf_c_message_unpack(md, &b->allocator, len, data);
}
