/* seed_replay.c: a fuzz target's seeds in a unit test (seed_replay.h). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>

#include <cmocka.h>

#include "seed_replay.h"

size_t
seed_replay(const char *dir, int (*fn)(const uint8_t *, size_t))
{
	static uint8_t buf[65536];
	struct dirent *de;
	char path[4096];
	size_t n, seeds = 0;
	DIR *d;
	FILE *f;

	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		assert_non_null(f = fopen(path, "rb"));
		n = fread(buf, 1, sizeof buf, f);
		fclose(f);
		fn(buf, n);
		seeds++;
	}
	closedir(d);
	return seeds;
}
