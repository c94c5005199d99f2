/* passwords.c: Argon2id password hashes beside the users (passwords.h). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <argon2.h>
#include <openssl/crypto.h>

#include "change.h"
#include "passwords.h"
#include "pbfield.h"
#include "records.h"
#include "store.h"
#include "users.h"

/* The cost the contract fixes (OWASP's minimum for Argon2id). */
#define ARGON_T    2
#define ARGON_M    19456
#define ARGON_P    1
#define ARGON_SALT 16
#define ARGON_HASH 32

int
passwords_check_new(const char *user, const char *password,
                    struct isms_err *err)
{
	size_t n = password != NULL ? strlen(password) : 0;

	if (n == 0)
		return isms_err_set(err, ISMS_EINVAL, "a password is required");
	if (n < PASSWORDS_MIN || n > PASSWORDS_MAX)
		return isms_err_set(err, ISMS_EINVAL,
		                    "a password has %d to %d bytes, not %zu",
		                    PASSWORDS_MIN, PASSWORDS_MAX, n);
	if (user != NULL && strcmp(user, password) == 0)
		return isms_err_set(err, ISMS_EINVAL,
		                    "a password must not be the user's name");
	return 0;
}

int
passwords_hash(const char *password, char out[PASSWORDS_ENCODED_MAX],
               struct isms_err *err)
{
	uint8_t salt[ARGON_SALT];
	int rc;

	if (getrandom(salt, sizeof salt, 0) != sizeof salt)
		return isms_err_set(err, ISMS_EINTERNAL, "getrandom: %s",
		                    strerror(errno));
	rc = argon2id_hash_encoded(ARGON_T, ARGON_M, ARGON_P, password,
	                           strlen(password), salt, sizeof salt,
	                           ARGON_HASH, out, PASSWORDS_ENCODED_MAX);
	if (rc != ARGON2_OK)
		return isms_err_set(err, ISMS_EINTERNAL, "argon2id: %s",
		                    argon2_error_message(rc));
	return 0;
}

/* A hash no password is known to match: what an unknown user, or one
 * without a password, is verified against. */
static char passwords_dummy[PASSWORDS_ENCODED_MAX];
static pthread_once_t passwords_dummy_once = PTHREAD_ONCE_INIT;

static void
passwords_dummy_init(void)
{
	struct isms_err err;
	uint8_t raw[32];
	char pw[65];
	size_t i;

	if (getrandom(raw, sizeof raw, 0) != sizeof raw)
		memset(raw, 0x5a, sizeof raw);
	for (i = 0; i < sizeof raw; i++)
		snprintf(pw + 2 * i, 3, "%02x", raw[i]);
	if (passwords_hash(pw, passwords_dummy, &err) != 0)
		passwords_dummy[0] = '\0';
	OPENSSL_cleanse(pw, sizeof pw);
}

bool
passwords_verify(const char *encoded, const char *password)
{
	bool none = encoded == NULL || encoded[0] == '\0';

	if (password == NULL)
		password = "";
	if (none) {
		pthread_once(&passwords_dummy_once, passwords_dummy_init);
		if (passwords_dummy[0] != '\0')
			(void)argon2id_verify(passwords_dummy, password,
			                      strlen(password));
		return false;
	}
	return argon2id_verify(encoded, password, strlen(password)) ==
	       ARGON2_OK;
}

/* Key "p" + name. */
static size_t
passwords_key(const char *name, uint8_t *out)
{
	size_t n = strlen(name);

	out[0] = PASSWORDS_PREFIX[0];
	memcpy(out + 1, name, n);
	return n + 1;
}

int
passwords_get(struct store_txn *txn, const char *name,
              char out[PASSWORDS_ENCODED_MAX])
{
	uint8_t key[USER_NAME_MAX + 2];
	MDB_val v;
	int rc;

	if (strlen(name) > USER_NAME_MAX)
		return -ISMS_ENOTFOUND;
	if ((rc = store_get(txn, DB_USERS, key, passwords_key(name, key),
	                    &v)) != 0)
		return rc;
	if (v.mv_size == 0 || v.mv_size >= PASSWORDS_ENCODED_MAX)
		return -ISMS_EDATALOSS;
	memcpy(out, v.mv_data, v.mv_size);
	out[v.mv_size] = '\0';
	return 0;
}

int
passwords_store(struct store_txn *txn, const char *name, const char *encoded,
                const struct records_actor *who, Isms__V1__User **out,
                struct isms_err *err)
{
	uint8_t key[USER_NAME_MAX + 2];
	Isms__V1__User *old, *u;
	int rc;

	if (users_get(txn, name, &old) != 0)
		return isms_err_set(err, ISMS_ENOTFOUND, "no user %s", name);
	u = (Isms__V1__User *)pb_dup(&old->base);
	u->has_has_password = u->has_password = 1;
	change_stamp(&u->base, who);
	store_put(txn, DB_USERS, key, passwords_key(name, key), encoded,
	          strlen(encoded));
	rc = users_store(txn, u, old, who, "changed (password set)", err);
	protobuf_c_message_free_unpacked(&old->base, NULL);
	if (rc != 0) {
		protobuf_c_message_free_unpacked(&u->base, NULL);
		return rc;
	}
	*out = u;
	return 0;
}
