/* keys.c: natural-order key encoding. */
#include <string.h>

#include "keys.h"
#include "store.h"

size_t
key_natural(const char *id, uint8_t *out, size_t cap)
{
	const unsigned char *s = (const unsigned char *)id;
	size_t n = 0, len = strlen(id), i = 0, j, digits;

	if (len == 0 || len > ID_MAX)
		return 0;
	while (i < len) {
		if (s[i] < 0x20)
			return 0;
		if (s[i] < '0' || s[i] > '9') {
			if (n + 1 > cap)
				return 0;
			out[n++] = s[i++];
			continue;
		}
		/* A digit run: skip leading zeros but keep one digit. */
		while (s[i] == '0' && i + 1 < len && s[i + 1] >= '0' &&
		       s[i + 1] <= '9')
			i++;
		for (j = i; j < len && s[j] >= '0' && s[j] <= '9'; j++)
			;
		digits = j - i;
		if (n + 2 + digits > cap)
			return 0;
		out[n++] = 0x01;
		out[n++] = (uint8_t)digits;
		memcpy(out + n, s + i, digits);
		n += digits;
		i = j;
	}
	return n;
}

size_t
key_record(uint8_t code, const char *id, uint8_t *out, size_t cap)
{
	size_t n;

	if (cap < 2)
		return 0;
	out[0] = code;
	if ((n = key_natural(id, out + 1, cap - 1)) == 0)
		return 0;
	return n + 1;
}

size_t
key_history(const uint8_t *rk, size_t rklen, uint64_t rev, uint8_t *out,
            size_t cap)
{
	if (rklen + 9 > cap)
		return 0;
	memcpy(out, rk, rklen);
	out[rklen] = 0x00;
	be64_put(out + rklen + 1, rev);
	return rklen + 9;
}

size_t
key_history_record(const uint8_t *hk, size_t hklen)
{
	if (hklen < 10 || hk[hklen - 9] != 0x00)
		return 0;
	return hklen - 9;
}

size_t
key_index(uint8_t code, char field, const char *value, const uint8_t *rk,
          size_t rklen, uint8_t *out, size_t cap)
{
	size_t vlen = strlen(value);

	if (vlen > IDXVAL_MAX || 3 + vlen + rklen > cap)
		return 0;
	out[0] = code;
	out[1] = (uint8_t)field;
	memcpy(out + 2, value, vlen);
	out[2 + vlen] = 0x00;
	if (rk != NULL)
		memcpy(out + 3 + vlen, rk, rklen);
	return 3 + vlen + (rk != NULL ? rklen : 0);
}
