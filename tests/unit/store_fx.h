/*
 * store_fx.h: a real LMDB store in a temp dir for unit tests, as a cmocka
 * setup/teardown pair: *state is a struct store_fx.
 */
#ifndef ISMS_STORE_FX_H
#define ISMS_STORE_FX_H

struct store;

struct store_fx {
	char dir[64];
	struct store *st;
};

int store_fx_setup(void **state);
int store_fx_teardown(void **state);

#endif
