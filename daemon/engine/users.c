/* users.c: users, roles and tokens. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "change.h"
#include "journal.h"
#include "pbfield.h"
#include "records.h"
#include "store.h"
#include "users.h"
#include "xmalloc.h"

#define KEY_FILE       "token.key"
#define SECRET_PREFIX  "isms_"
#define TOKEN_NEXT_KEY "token-next"

const char *
users_role_name(int role)
{
	/* Constant strings: the loop and the writer thread both call it. */
	static const char *const names[] = {
	    [ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_VIEWER] = "viewer",
	    [ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_AUDITOR] = "auditor",
	    [ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR] = "editor",
	    [ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_ADMIN] = "admin",
	    [ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_INGEST] = "ingest",
	};

	if (role <= 0 || (size_t)role >= sizeof names / sizeof names[0] ||
	    names[role] == NULL)
		return "none";
	return names[role];
}

int
users_key_load(const char *dir, uint8_t key[USERS_KEY_LEN],
               struct isms_err *err)
{
	char *path = xasprintf("%s/%s", dir, KEY_FILE);
	ssize_t n;
	int fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, key, USERS_KEY_LEN);
		if (n != USERS_KEY_LEN)
			rc = isms_err_set(err, ISMS_EDATALOSS,
			                  "%s: not a %d-byte key", path,
			                  USERS_KEY_LEN);
	} else if (errno != ENOENT)
		rc = isms_err_set(err, ISMS_EINTERNAL, "%s: %s", path,
		                  strerror(errno));
	else if (getrandom(key, USERS_KEY_LEN, 0) != USERS_KEY_LEN ||
	         (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	                    0600)) == -1 ||
	         write(fd, key, USERS_KEY_LEN) != USERS_KEY_LEN ||
	         fsync(fd) != 0)
		rc = isms_err_set(err, ISMS_EINTERNAL, "cannot create %s: %s",
		                  path, strerror(errno));
	if (fd != -1)
		close(fd);
	free(path);
	return rc;
}

/* Key "u" + name. */
static size_t
users_key(const char *name, uint8_t *out)
{
	size_t n = strlen(name);

	out[0] = 'u';
	memcpy(out + 1, name, n);
	return n + 1;
}

/* Key "i" + uid. */
static void
users_uid_key(uint32_t uid, uint8_t out[5])
{
	out[0] = USERS_UID_INDEX[0];
	be32_put(out + 1, uid);
}

int
users_get(struct store_txn *txn, const char *name, Isms__V1__User **out)
{
	uint8_t key[USER_NAME_MAX + 2];
	MDB_val v;
	int rc;

	if (strlen(name) > USER_NAME_MAX)
		return -ISMS_ENOTFOUND;
	if ((rc = store_get(txn, DB_USERS, key, users_key(name, key), &v)) != 0)
		return rc;
	*out = isms__v1__user__unpack(NULL, v.mv_size, v.mv_data);
	return *out != NULL ? 0 : -ISMS_EDATALOSS;
}

int
users_store(struct store_txn *txn, const Isms__V1__User *u,
            const Isms__V1__User *old, const struct records_actor *who,
            const char *what, struct isms_err *err)
{
	uint8_t key[USER_NAME_MAX + 2], ukey[5], *buf;
	size_t size = isms__v1__user__get_packed_size(u);
	struct journal_rec jr;
	char summary[200];
	int rc;

	buf = xmalloc(size);
	isms__v1__user__pack(u, buf);
	store_put(txn, DB_USERS, key, users_key(u->name, key), buf, size);
	if (old != NULL && old->has_uid &&
	    (!u->has_uid || old->uid != u->uid)) {
		users_uid_key(old->uid, ukey);
		store_del(txn, DB_USERS, ukey, sizeof ukey);
	}
	if (u->has_uid) {
		users_uid_key(u->uid, ukey);
		store_put(txn, DB_USERS, ukey, sizeof ukey, u->name,
		          strlen(u->name));
	}
	snprintf(summary, sizeof summary, "user %s %s: role %s%s", u->name,
	         what, users_role_name(u->role),
	         u->disabled ? ", disabled" : "");
	memset(&jr, 0, sizeof jr);
	jr.time = who->now;
	jr.actor = who->user;
	jr.type = ISMS__V1__EVENT_TYPE__EVENT_TYPE_USER_CHANGED;
	jr.id = u->name;
	jr.rev = u->rev;
	jr.summary = summary;
	jr.bytes = buf;
	jr.len = size;
	rc = txn->ret != 0 ? isms_err_set(err, txn->ret, "%s", txn->msg)
	                   : journal_append(txn, &jr, NULL, err);
	free(buf);
	return rc;
}

/* Whether name is a user name: [a-z_][a-z0-9_.-]*, at most 64. */
static bool
users_name_valid(const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '\0' || strlen(name) > USER_NAME_MAX ||
	    !(islower((unsigned char)name[0]) || name[0] == '_'))
		return false;
	for (i = 0; name[i] != '\0'; i++)
		if (!(islower((unsigned char)name[i]) ||
		      isdigit((unsigned char)name[i]) || name[i] == '_' ||
		      name[i] == '.' || name[i] == '-'))
			return false;
	return true;
}

/* change_path_fn of a user's mask: the fields an admin may change. */
static int
users_settable(void *arg, const struct pb_path *p, const char *path,
               struct isms_err *err)
{
	static const char *const ok[] = {"role",     "uid",          "email",
	                                 "disabled", "display_name", NULL};
	const char *const *f;

	(void)arg;
	for (f = ok; *f != NULL; f++)
		if (strcmp(*f, p->fd[0]->name) == 0)
			return 0;
	return isms_err_set(err, ISMS_EINVAL,
	                    "a user's role, uid, email, display_name and "
	                    "disabled can change, not '%s'",
	                    path);
}

int
users_bootstrap(struct store_txn *txn, uid_t owner,
                const struct records_actor *who, bool *created,
                struct isms_err *err)
{
	Isms__V1__User u = ISMS__V1__USER__INIT;
	struct passwd pw, *res = NULL;
	struct store_iter it;
	char buf[4096], name[USER_NAME_MAX + 1];
	bool any;

	*created = false;
	if (store_iter_open(txn, DB_USERS, &it, "u", 1) != 0)
		return isms_err_set(err, txn->ret, "%s", txn->msg);
	any = store_iter_next(&it);
	store_iter_close(&it);
	if (any)
		return 0;
	if (getpwuid_r(owner, &pw, buf, sizeof buf, &res) == 0 && res != NULL &&
	    users_name_valid(pw.pw_name))
		snprintf(name, sizeof name, "%s", pw.pw_name);
	else
		snprintf(name, sizeof name, "uid%u", (unsigned)owner);
	u.name = name;
	u.has_role = u.has_uid = u.has_created_at = u.has_rev = 1;
	u.role = ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_ADMIN;
	u.uid = owner;
	u.created_at = who->now;
	u.rev = 1;
	*created = true;
	return users_store(txn, &u, NULL, who, "created (data dir owner)", err);
}

/* Fills id from a stored user; NOT_FOUND when disabled. */
static int
users_to_identity(const Isms__V1__User *u, struct identity *id)
{
	if (u->disabled)
		return -ISMS_EPERM;
	snprintf(id->user, sizeof id->user, "%s", u->name);
	id->role = u->role;
	id->expires_at = 0;
	id->session = false;
	return 0;
}

int
users_identify_name(struct store_txn *txn, const char *name,
                    struct identity *id)
{
	Isms__V1__User *u;
	int rc;

	if ((rc = users_get(txn, name, &u)) != 0)
		return rc;
	rc = users_to_identity(u, id);
	protobuf_c_message_free_unpacked(&u->base, NULL);
	return rc;
}

int
users_uid_holder(struct store_txn *txn, uid_t uid, char name[USER_NAME_MAX + 1])
{
	uint8_t key[5];
	MDB_val v;
	int rc;

	users_uid_key((uint32_t)uid, key);
	if ((rc = store_get(txn, DB_USERS, key, sizeof key, &v)) != 0)
		return rc;
	if (v.mv_size > USER_NAME_MAX)
		return -ISMS_EDATALOSS;
	memcpy(name, v.mv_data, v.mv_size);
	name[v.mv_size] = '\0';
	return 0;
}

int
users_identify_uid(struct store_txn *txn, uid_t uid, struct identity *id)
{
	char name[USER_NAME_MAX + 1];

	if (users_uid_holder(txn, uid, name) == 0)
		return users_identify_name(txn, name, id);
	if (uid == 0) {
		/* root owns the machine: admin without a user record. */
		snprintf(id->user, sizeof id->user, "root");
		id->role = ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_ADMIN;
		id->expires_at = 0;
		id->session = false;
		return 0;
	}
	return -ISMS_ENOTFOUND;
}

/* Why uid may not be mapped to anyone new: root and the data dir's owner
 * keep the mapping they have; NULL for any other uid. */
static const char *
users_uid_reserved(uid_t uid, uid_t owner)
{
	if (uid == 0)
		return "root: always admin, mapped to no other user";
	if (uid == owner)
		return "the data dir's owner: its admin, mapped to no other "
		       "user";
	return NULL;
}

/*
 * Refuses a uid mapping that would take a uid from its user: a uid maps
 * to one user at most (disabled ones too, or enabling them would clash),
 * root's and the data dir owner's uid go to no other user, and the user
 * holding one of those keeps it.
 */
static int
users_check_uid(struct store_txn *txn, const Isms__V1__User *u,
                const Isms__V1__User *old, uid_t owner, struct isms_err *err)
{
	char holder[USER_NAME_MAX + 1];
	const char *why;
	int rc;

	if (old != NULL && old->has_uid &&
	    (!u->has_uid || u->uid != old->uid) &&
	    (why = users_uid_reserved(old->uid, owner)) != NULL)
		return isms_err_set(err, ISMS_EPRECOND,
		                    "user %s holds uid %u (%s); its uid cannot "
		                    "change",
		                    u->name, (unsigned)old->uid, why);
	if (!u->has_uid)
		return 0;
	rc = users_uid_holder(txn, u->uid, holder);
	if (rc == 0 && strcmp(holder, u->name) == 0)
		return 0;
	if (rc == 0)
		return isms_err_set(
		    err, ISMS_EEXIST,
		    "uid %u already maps to user %s; a uid maps "
		    "to one user (disabled ones too)",
		    (unsigned)u->uid, holder);
	if (rc != -ISMS_ENOTFOUND)
		return isms_err_set(err, rc, "%s", txn->msg);
	if ((why = users_uid_reserved(u->uid, owner)) != NULL)
		return isms_err_set(err, ISMS_EINVAL, "uid %u is %s",
		                    (unsigned)u->uid, why);
	return 0;
}

/* The user as it will be stored: a new one from in (role viewer unless
 * given), or old with the mask's fields of in. */
static int
users_next(const Isms__V1__UserPut *up, const Isms__V1__User *old,
           const struct records_actor *who, Isms__V1__User **out,
           struct isms_err *err)
{
	struct pb_path small[8], *paths = small;
	Isms__V1__User *u;
	size_t n;
	int rc = 0;

	if (old == NULL) {
		u = (Isms__V1__User *)pb_dup(&up->user->base);
		u->has_created_at = 1;
		u->created_at = who->now;
		u->has_rev = 1;
		u->rev = 0;
		/* Only PasswordSet writes it (passwords.h). */
		u->has_has_password = u->has_password = 0;
		if (!u->has_role) {
			u->has_role = 1;
			u->role = ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_VIEWER;
		}
		*out = u;
		return 0;
	}
	u = (Isms__V1__User *)pb_dup(&old->base);
	if (up->n_update_mask > sizeof small / sizeof small[0])
		paths = xreallocarray(NULL, up->n_update_mask, sizeof *paths);
	rc = change_mask_resolve(&isms__v1__user__descriptor, up->update_mask,
	                         up->n_update_mask, paths, &n, users_settable,
	                         NULL, err);
	if (rc == 0)
		change_mask_apply(&u->base, &up->user->base, paths, n);
	if (paths != small)
		free(paths);
	if (rc != 0) {
		protobuf_c_message_free_unpacked(&u->base, NULL);
		return rc;
	}
	*out = u;
	return 0;
}

/* Checks a user about to be stored: its role, uid and e-mail. */
static int
users_check(struct store_txn *txn, const Isms__V1__User *u,
            const Isms__V1__User *old, uid_t owner, struct isms_err *err)
{
	char holder[USER_NAME_MAX + 1];
	int rc;

	if (u->role < ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_VIEWER ||
	    u->role > ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_INGEST)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'role' must be one of "
		                    "viewer|auditor|editor|admin|ingest");
	if ((rc = users_check_uid(txn, u, old, owner, err)) != 0)
		return rc;
	if (u->email == NULL || u->email[0] == '\0' ||
	    (old != NULL && old->email != NULL &&
	     strcmp(old->email, u->email) == 0))
		return 0;
	if (strchr(u->email, '@') == NULL || strchr(u->email, ' ') != NULL)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'email' must be an address like "
		                    "tom@example.org, not '%s'",
		                    u->email);
	rc = users_by_email(txn, u->email, holder);
	if (rc == -ISMS_ENOTFOUND || (rc == 0 && !strcmp(holder, u->name)))
		return 0;
	if (rc != 0 && rc != -ISMS_EEXIST)
		return isms_err_set(err, rc, "%s", txn->msg);
	if (rc == 0)
		return isms_err_set(err, ISMS_EEXIST,
		                    "e-mail %s is already user %s's; an e-mail "
		                    "names one user",
		                    u->email, holder);
	/* Several holders: data from before the rule; none gets another. */
	return isms_err_set(err, ISMS_EEXIST,
	                    "e-mail %s is already held by several users; an "
	                    "e-mail names one user",
	                    u->email);
}

int
users_put(struct store_txn *txn, const Isms__V1__UserPut *up, uid_t owner,
          const struct records_actor *who, Isms__V1__User **out,
          struct isms_err *err)
{
	const Isms__V1__User *in = up->user;
	Isms__V1__User *old = NULL, *u = NULL;
	int rc;

	if (in == NULL || !users_name_valid(in->name))
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'name' must be lower-case letters, "
		                    "digits, '_', '.' or '-' (at most %d)",
		                    USER_NAME_MAX);
	rc = users_get(txn, in->name, &old);
	if (rc != 0 && rc != -ISMS_ENOTFOUND)
		return isms_err_set(err, rc, "%s", txn->msg);
	if (up->create && old != NULL)
		rc = isms_err_set(err, ISMS_EEXIST, "user %s exists", in->name);
	else if (!up->create && old == NULL)
		rc = isms_err_set(err, ISMS_ENOTFOUND, "no user %s", in->name);
	else if ((rc = users_next(up, old, who, &u, err)) == 0 &&
	         (rc = users_check(txn, u, old, owner, err)) == 0) {
		change_stamp(&u->base, who);
		rc = users_store(txn, u, old, who,
		                 up->create ? "created" : "changed", err);
	}
	if (old != NULL)
		protobuf_c_message_free_unpacked(&old->base, NULL);
	if (rc == 0)
		*out = u;
	else if (u != NULL)
		protobuf_c_message_free_unpacked(&u->base, NULL);
	return rc;
}

/* HMAC-SHA256 of a secret under the server key. */
static void
tokens_mac(const uint8_t key[USERS_KEY_LEN], const char *secret,
           uint8_t out[32])
{
	unsigned int n = 32;

	HMAC(EVP_sha256(), key, USERS_KEY_LEN, (const uint8_t *)secret,
	     strlen(secret), out, &n);
}

/* Key "t" + id or "h" + mac. */
static size_t
tokens_key(char kind, const void *data, size_t len, uint8_t *out)
{
	out[0] = (uint8_t)kind;
	memcpy(out + 1, data, len);
	return len + 1;
}

/* Stores t with its mac and journals what happened, with the stored
 * bytes (mac and token), so the journal covers them. */
static int
tokens_store(struct store_txn *txn, const Isms__V1__Token *t,
             const uint8_t mac[32], const struct records_actor *who,
             const char *what, struct isms_err *err)
{
	size_t size = isms__v1__token__get_packed_size(t);
	uint8_t key[40], *buf = xmalloc(32 + size);
	struct journal_rec jr;
	char summary[200];
	int rc;

	memcpy(buf, mac, 32);
	isms__v1__token__pack(t, buf + 32);
	store_put(txn, DB_TOKENS, key,
	          tokens_key('t', t->id, strlen(t->id), key), buf, 32 + size);
	snprintf(summary, sizeof summary, "token %s of %s %s", t->id, t->owner,
	         what);
	memset(&jr, 0, sizeof jr);
	jr.time = who->now;
	jr.actor = who->user;
	jr.type = ISMS__V1__EVENT_TYPE__EVENT_TYPE_TOKEN_CHANGED;
	jr.id = t->id;
	jr.summary = summary;
	jr.bytes = buf;
	jr.len = 32 + size;
	rc = txn->ret != 0 ? isms_err_set(err, txn->ret, "%s", txn->msg)
	                   : journal_append(txn, &jr, NULL, err);
	free(buf);
	return rc;
}

Isms__V1__Token *
tokens_unpack(const MDB_val *v)
{
	if (v->mv_size < 32)
		return NULL;
	return isms__v1__token__unpack(NULL, v->mv_size - 32,
	                               (uint8_t *)v->mv_data + 32);
}

/* Loads token id with its mac. */
static int
tokens_load(struct store_txn *txn, const char *id, Isms__V1__Token **out,
            uint8_t mac[32])
{
	uint8_t key[40];
	MDB_val v;
	int rc;

	if (strlen(id) > 32)
		return -ISMS_ENOTFOUND;
	if ((rc = store_get(txn, DB_TOKENS, key,
	                    tokens_key('t', id, strlen(id), key), &v)) != 0)
		return rc;
	if (v.mv_size < 32)
		return -ISMS_EDATALOSS;
	memcpy(mac, v.mv_data, 32);
	*out = tokens_unpack(&v);
	return *out != NULL ? 0 : -ISMS_EDATALOSS;
}

int
tokens_create(struct store_txn *txn, const Isms__V1__TokenCreate *tc,
              const uint8_t key[USERS_KEY_LEN], const struct records_actor *who,
              Isms__V1__TokenCreateResult *out, struct isms_err *err)
{
	int64_t exp = tc->expires_days > 0
	                  ? who->now + (int64_t)tc->expires_days * 86400
	                  : 0;

	return tokens_mint(txn, tc->owner, exp, false, key, who, out, err);
}

int
tokens_mint(struct store_txn *txn, const char *owner, int64_t expires_at,
            bool session, const uint8_t key[USERS_KEY_LEN],
            const struct records_actor *who, Isms__V1__TokenCreateResult *out,
            struct isms_err *err)
{
	Isms__V1__Token *t;
	Isms__V1__User *u;
	uint8_t raw[32], mac[32], hkey[40], next[4], mkey[] = TOKEN_NEXT_KEY;
	char secret[sizeof SECRET_PREFIX + 64], id[32];
	uint32_t n = 1;
	MDB_val v;
	size_t i;
	int rc;

	if (owner == NULL || users_get(txn, owner, &u) != 0)
		return isms_err_set(err, ISMS_ENOTFOUND, "no user %s",
		                    owner ? owner : "");
	protobuf_c_message_free_unpacked(&u->base, NULL);
	if (getrandom(raw, sizeof raw, 0) != sizeof raw)
		return isms_err_set(err, ISMS_EINTERNAL, "getrandom: %s",
		                    strerror(errno));
	strcpy(secret, SECRET_PREFIX);
	for (i = 0; i < sizeof raw; i++)
		snprintf(secret + strlen(SECRET_PREFIX) + 2 * i, 3, "%02x",
		         raw[i]);
	tokens_mac(key, secret, mac);
	if (store_get(txn, DB_META, mkey, sizeof mkey - 1, &v) == 0 &&
	    v.mv_size == 4)
		n = be32_get(v.mv_data) + 1;
	be32_put(next, n);
	store_put(txn, DB_META, mkey, sizeof mkey - 1, next, 4);
	snprintf(id, sizeof id, "TOK-%04u", n);
	t = (Isms__V1__Token *)pb_new(&isms__v1__token__descriptor);
	t->id = xstrdup(id);
	t->owner = xstrdup(owner);
	t->has_created_at = t->has_expires_at = 1;
	t->created_at = who->now;
	t->expires_at = expires_at;
	t->has_session = t->session = session;
	store_put(txn, DB_TOKENS, hkey,
	          tokens_key(TOKENS_MAC_INDEX[0], mac, 32, hkey), id,
	          strlen(id));
	rc = tokens_store(txn, t, mac, who,
	                  session ? "opened (session)" : "created", err);
	if (rc != 0) {
		protobuf_c_message_free_unpacked(&t->base, NULL);
		OPENSSL_cleanse(secret, sizeof secret);
		return rc;
	}
	out->token = t;
	out->secret = xstrdup(secret);
	OPENSSL_cleanse(secret, sizeof secret);
	OPENSSL_cleanse(raw, sizeof raw);
	return 0;
}

static int tokens_check(struct store_txn *, const Isms__V1__Token *, int64_t,
                        struct identity *, struct isms_err *);

int
users_identify_token(struct store_txn *txn, const uint8_t key[USERS_KEY_LEN],
                     const char *secret, int64_t now, struct identity *id,
                     char tok_id[32], struct isms_err *err)
{
	Isms__V1__Token *t;
	uint8_t mac[32], stored[32], hkey[40];
	char tid[33];
	MDB_val v;
	int rc;

	tokens_mac(key, secret, mac);
	if (store_get(txn, DB_TOKENS, hkey,
	              tokens_key(TOKENS_MAC_INDEX[0], mac, 32, hkey),
	              &v) != 0 ||
	    v.mv_size >= sizeof tid)
		return isms_err_set(err, ISMS_EUNAUTH, "unknown token");
	memcpy(tid, v.mv_data, v.mv_size);
	tid[v.mv_size] = '\0';
	if ((rc = tokens_load(txn, tid, &t, stored)) != 0)
		return isms_err_set(err, ISMS_EUNAUTH, "unknown token");
	if (CRYPTO_memcmp(stored, mac, 32) != 0)
		rc = isms_err_set(err, ISMS_EUNAUTH, "unknown token");
	else
		rc = tokens_check(txn, t, now, id, err);
	if (rc == 0)
		snprintf(tok_id, 32, "%s", t->id);
	protobuf_c_message_free_unpacked(&t->base, NULL);
	return rc;
}

int
users_identify_token_id(struct store_txn *txn, const char *tok_id, int64_t now,
                        struct identity *id, struct isms_err *err)
{
	Isms__V1__Token *t;
	uint8_t mac[32];
	int rc;

	if (tokens_load(txn, tok_id, &t, mac) != 0)
		return isms_err_set(err, ISMS_EUNAUTH, "unknown token");
	rc = tokens_check(txn, t, now, id, err);
	protobuf_c_message_free_unpacked(&t->base, NULL);
	return rc;
}

/* Whether token t is usable now, and by whom. */
static int
tokens_check(struct store_txn *txn, const Isms__V1__Token *t, int64_t now,
             struct identity *id, struct isms_err *err)
{
	int rc = 0;

	if (t->revoked)
		rc = isms_err_set(err, ISMS_EUNAUTH, "token %s is revoked",
		                  t->id);
	else if (t->expires_at != 0 && t->expires_at <= now)
		rc = isms_err_set(err, ISMS_EUNAUTH, "token %s has expired",
		                  t->id);
	else if (users_identify_name(txn, t->owner, id) != 0)
		rc = isms_err_set(err, ISMS_EUNAUTH,
		                  "the owner of token %s is disabled or gone",
		                  t->id);
	else {
		id->expires_at = t->expires_at;
		id->session = t->session;
	}
	return rc;
}

static void tokens_last_used_merge(struct store_txn *, Isms__V1__Token *);

int
tokens_list(struct store_txn *txn, Isms__V1__TokenListResult *out,
            struct isms_err *err)
{
	struct store_iter it;
	Isms__V1__Token *t;

	if (store_iter_open(txn, DB_TOKENS, &it, "t", 1) != 0)
		return isms_err_set(err, txn->ret, "%s", txn->msg);
	while (store_iter_next(&it)) {
		if ((t = tokens_unpack(&it.v)) == NULL)
			continue;
		tokens_last_used_merge(txn, t);
		out->tokens = xreallocarray(out->tokens, out->n_tokens + 1,
		                            sizeof *out->tokens);
		out->tokens[out->n_tokens++] = t;
	}
	store_iter_close(&it);
	return txn->ret != 0 ? isms_err_set(err, txn->ret, "%s", txn->msg) : 0;
}

int
tokens_revoke(struct store_txn *txn, const char *id,
              const struct records_actor *who, Isms__V1__Token **out,
              struct isms_err *err)
{
	Isms__V1__Token *t;
	uint8_t mac[32];
	int rc;

	if (id == NULL || tokens_load(txn, id, &t, mac) != 0)
		return isms_err_set(err, ISMS_ENOTFOUND, "no token %s",
		                    id ? id : "");
	if (t->revoked) {
		protobuf_c_message_free_unpacked(&t->base, NULL);
		return isms_err_set(err, ISMS_EPRECOND,
		                    "token %s is already "
		                    "revoked",
		                    id);
	}
	t->has_revoked = 1;
	t->revoked = 1;
	if ((rc = tokens_store(txn, t, mac, who, "revoked", err)) != 0) {
		protobuf_c_message_free_unpacked(&t->base, NULL);
		return rc;
	}
	*out = t;
	return 0;
}

/* Key "l" + id: a token's last use, kept apart from its journaled bytes. */
static size_t
tokens_used_key(const char *id, uint8_t *out)
{
	return tokens_key('l', id, strlen(id), out);
}

void
tokens_last_used_put(struct store_txn *txn, const char *id, int64_t when)
{
	uint8_t key[40], val[8];

	if (strlen(id) > 32)
		return;
	be64_put(val, (uint64_t)when);
	store_put(txn, DB_TOKENS, key, tokens_used_key(id, key), val,
	          sizeof val);
}

/* Sets t's last_used_at from its "l" key when that is later. */
static void
tokens_last_used_merge(struct store_txn *txn, Isms__V1__Token *t)
{
	uint8_t key[40];
	int64_t when;
	MDB_val v;

	if (t->id == NULL || strlen(t->id) > 32 ||
	    store_get(txn, DB_TOKENS, key, tokens_used_key(t->id, key), &v) !=
	        0 ||
	    v.mv_size != 8)
		return;
	when = (int64_t)be64_get(v.mv_data);
	if (!t->has_last_used_at || when > t->last_used_at) {
		t->has_last_used_at = 1;
		t->last_used_at = when;
	}
}

int
users_uid_index_keys(struct store_txn *txn, store_key_fn *fn, void *arg)
{
	struct store_iter it;
	Isms__V1__User *u;
	uint8_t key[5];
	bool root = false;

	if (store_iter_open(txn, DB_USERS, &it, "u", 1) != 0)
		return txn->ret;
	while (store_iter_next(&it)) {
		/* A user that does not decode fails the journal check. */
		if ((u = isms__v1__user__unpack(NULL, it.v.mv_size,
		                                it.v.mv_data)) == NULL)
			continue;
		/* Several users may name uid 0 (root): its key once, any
		 * of them. */
		if (u->has_uid && (u->uid != 0 || !root)) {
			users_uid_key(u->uid, key);
			fn(arg, key, sizeof key, u->uid != 0 ? u->name : NULL,
			   strlen(u->name));
			root = root || u->uid == 0;
		}
		protobuf_c_message_free_unpacked(&u->base, NULL);
	}
	store_iter_close(&it);
	return txn->ret;
}

int
tokens_mac_index_keys(struct store_txn *txn, store_key_fn *fn, void *arg)
{
	struct store_iter it;
	Isms__V1__Token *t;
	uint8_t key[40];

	if (store_iter_open(txn, DB_TOKENS, &it, "t", 1) != 0)
		return txn->ret;
	while (store_iter_next(&it)) {
		if ((t = tokens_unpack(&it.v)) == NULL)
			continue;
		fn(arg, key,
		   tokens_key(TOKENS_MAC_INDEX[0], it.v.mv_data, 32, key),
		   t->id, strlen(t->id));
		protobuf_c_message_free_unpacked(&t->base, NULL);
	}
	store_iter_close(&it);
	return txn->ret;
}

int
tokens_move_last_used(struct store_txn *txn, size_t *moved)
{
	struct store_iter it;
	Isms__V1__Token *t;
	uint8_t mac[32], key[40], *buf;
	char **ids = NULL;
	size_t n = 0, i, size;

	*moved = 0;
	/* Ids first: the loop below rewrites the keys the cursor visits. */
	if (store_iter_open(txn, DB_TOKENS, &it, "t", 1) != 0)
		return txn->ret;
	while (store_iter_next(&it)) {
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		ids[n++] = xasprintf("%.*s", (int)it.k.mv_size - 1,
		                     (char *)it.k.mv_data + 1);
	}
	store_iter_close(&it);
	for (i = 0; i < n; i++) {
		if (tokens_load(txn, ids[i], &t, mac) == 0) {
			if (t->has_last_used_at) {
				tokens_last_used_put(txn, ids[i],
				                     t->last_used_at);
				t->has_last_used_at = 0;
				t->last_used_at = 0;
				size = isms__v1__token__get_packed_size(t);
				buf = xmalloc(32 + size);
				memcpy(buf, mac, 32);
				isms__v1__token__pack(t, buf + 32);
				store_put(txn, DB_TOKENS, key,
				          tokens_key('t', ids[i],
				                     strlen(ids[i]), key),
				          buf, 32 + size);
				free(buf);
				(*moved)++;
			}
			protobuf_c_message_free_unpacked(&t->base, NULL);
		}
		free(ids[i]);
	}
	free(ids);
	return txn->ret;
}
